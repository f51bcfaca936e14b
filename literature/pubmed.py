"""Read PubMed efetch XML (the PubmedArticleSet format) into plain records. defusedxml
refuses entity tricks (external entities, billion laughs), so an uploaded file cannot reach
the network or the disk."""

import datetime as dt
from dataclasses import dataclass, field

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        start=1,
    )
}


class LiteratureFileError(ValueError):
    """The file is not what it claims to be; nothing from it is saved."""


@dataclass
class PersonRecord:
    last_name: str
    first_name: str = ""
    affiliation: str = ""
    orcid: str = ""
    role: str = ""


@dataclass
class PublicationRecord:
    pmid: str
    title: str
    abstract: str = ""
    journal: str = ""
    published_on: dt.date | None = None
    doi: str = ""
    mesh_terms: list[str] = field(default_factory=list)
    authors: list[PersonRecord] = field(default_factory=list)


def parse_pubmed(content: bytes | str) -> list[PublicationRecord]:
    try:
        root = ElementTree.fromstring(content)
    except (ElementTree.ParseError, DefusedXmlException) as error:
        raise LiteratureFileError(f"Not readable PubMed XML: {error}") from None
    if root.tag != "PubmedArticleSet":
        raise LiteratureFileError(
            f"Expected a PubmedArticleSet (PubMed efetch XML), found <{root.tag}>."
        )
    records = []
    for number, article in enumerate(root.iter("PubmedArticle"), start=1):
        pmid = _text(article.find("MedlineCitation/PMID"))
        title = _text(article.find("MedlineCitation/Article/ArticleTitle"))
        if not pmid or not title:
            raise LiteratureFileError(f"Article {number} has no PMID or no title.")
        records.append(
            PublicationRecord(
                pmid=pmid,
                title=title,
                abstract="\n\n".join(
                    _text(part)
                    for part in article.iterfind("MedlineCitation/Article/Abstract/AbstractText")
                ),
                journal=_text(article.find("MedlineCitation/Article/Journal/Title")),
                published_on=_pub_date(
                    article.find("MedlineCitation/Article/Journal/JournalIssue/PubDate")
                ),
                doi=next(
                    (
                        _text(node)
                        for node in article.iterfind("PubmedData/ArticleIdList/ArticleId")
                        if node.get("IdType") == "doi"
                    ),
                    "",
                ),
                mesh_terms=[
                    _text(node)
                    for node in article.iterfind(
                        "MedlineCitation/MeshHeadingList/MeshHeading/DescriptorName"
                    )
                ],
                authors=[
                    _author(node)
                    for node in article.iterfind("MedlineCitation/Article/AuthorList/Author")
                    if node.find("LastName") is not None
                ],
            )
        )
    return records


def _author(node) -> PersonRecord:
    orcid = next(
        (
            _text(ident).rsplit("/", 1)[-1]
            for ident in node.iterfind("Identifier")
            if ident.get("Source") == "ORCID"
        ),
        "",
    )
    return PersonRecord(
        last_name=_text(node.find("LastName")),
        first_name=_text(node.find("ForeName")),
        affiliation="; ".join(_text(a) for a in node.iterfind("AffiliationInfo/Affiliation")),
        orcid=orcid,
    )


def _pub_date(node) -> dt.date | None:
    if node is None:
        return None
    medline = _text(node.find("MedlineDate")).split()  # e.g. "2024 Nov-Dec"
    year = _text(node.find("Year")) or (medline[0] if medline else "")
    if not year.isdigit():
        return None
    month_text = (_text(node.find("Month")) or (medline[1] if len(medline) > 1 else "")).lower()[:3]
    month = MONTHS.get(month_text) or (int(month_text) if month_text.isdigit() else 1)
    day_text = _text(node.find("Day"))
    day = int(day_text) if day_text.isdigit() else 1
    try:
        return dt.date(int(year), month, day)
    except ValueError:
        return dt.date(int(year), 1, 1)


def _text(node) -> str:
    return " ".join("".join(node.itertext()).split()) if node is not None else ""
