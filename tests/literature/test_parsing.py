"""Reading the committed PubMed and ClinicalTrials.gov sample files into records, and refusing
files that are not what they claim to be (malformed, entity tricks, wrong format)."""

import datetime as dt

import pytest

from literature.pubmed import LiteratureFileError, parse_pubmed
from literature.trials import parse_trials


def test_the_pubmed_sample_yields_both_articles_in_order(pubmed_xml):
    records = parse_pubmed(pubmed_xml)

    assert [record.pmid for record in records] == ["39000001", "39000002"]


def test_a_pubmed_article_keeps_title_journal_date_doi_and_mesh(pubmed_xml):
    first = parse_pubmed(pubmed_xml)[0]

    assert first.title == (
        "Long-term outcomes of checkpoint inhibition in elderly patients with "
        "non-small-cell lung cancer."
    )
    assert first.journal == "Journal of Clinical Oncology"
    assert first.published_on == dt.date(2025, 2, 10)
    assert first.doi == "10.1200/JCO.24.00001"
    assert first.mesh_terms == ["Carcinoma, Non-Small-Cell Lung", "Aged"]


def test_a_structured_abstract_is_joined_paragraph_by_paragraph(pubmed_xml):
    first = parse_pubmed(pubmed_xml)[0]

    assert first.abstract == (
        "Data on long-term outcomes in patients over 75 are scarce.\n\n"
        "Five-year overall survival was 18% with manageable immune-related adverse events."
    )


def test_authors_carry_their_affiliation_and_orcid(pubmed_xml):
    alvarez, nguyen = parse_pubmed(pubmed_xml)[0].authors

    assert (alvarez.last_name, alvarez.first_name) == ("Alvarez", "Maria")
    assert alvarez.affiliation == "Dana-Farber Cancer Institute, Boston, MA, USA."
    assert alvarez.orcid == "0000-0002-1825-0097"
    assert (nguyen.last_name, nguyen.first_name, nguyen.orcid) == ("Nguyen", "Thanh", "")
    assert nguyen.affiliation.startswith("Memorial Sloan Kettering")


def test_a_medline_date_range_gives_the_first_day_of_its_first_month(pubmed_xml):
    second = parse_pubmed(pubmed_xml)[1]

    assert second.published_on == dt.date(2024, 11, 1)
    assert second.journal == "Rheumatology (Oxford)"
    assert second.abstract == "Remission rates improved with early biologic therapy."
    assert second.doi == ""
    assert second.mesh_terms == []


def test_a_collective_author_name_is_not_taken_for_a_person(pubmed_xml):
    second = parse_pubmed(pubmed_xml)[1]

    assert [(a.last_name, a.first_name) for a in second.authors] == [("Okafor", "Ada")]


def test_the_trials_sample_yields_the_study_with_its_details(trials_json):
    (trial,) = parse_trials(trials_json)

    assert trial.nct_id == "NCT06000001"
    assert trial.title == "Checkpoint Inhibitor Rechallenge After Immune-related Adverse Events"
    assert trial.status == "RECRUITING"
    assert trial.phase == "PHASE2"
    assert trial.conditions == ["Non-small Cell Lung Cancer", "Immune-related Adverse Event"]
    assert trial.interventions == ["Pembrolizumab"]
    assert trial.sponsor == "Dana-Farber Cancer Institute"
    assert trial.locations == ["Dana-Farber Cancer Institute, Boston, United States"]
    assert trial.start_date == dt.date(2024, 9, 1)
    assert trial.completion_date == dt.date(2027, 12, 1)


def test_the_investigator_name_is_split_and_the_role_made_readable(trials_json):
    (investigator,) = parse_trials(trials_json)[0].investigators

    assert (investigator.first_name, investigator.last_name) == ("Maria", "Alvarez")
    assert investigator.affiliation == "Dana-Farber Cancer Institute"
    assert investigator.role == "Principal Investigator"


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"<PubmedArticleSet><PubmedArticle>", id="malformed"),
        pytest.param(
            b'<?xml version="1.0"?>\n'
            b'<!DOCTYPE PubmedArticleSet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
            b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>"
            b"<ArticleTitle>&xxe;</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
            b"</PubmedArticleSet>",
            id="external-entity",
        ),
        pytest.param(b"<html><body>Not PubMed</body></html>", id="wrong-root"),
    ],
)
def test_an_unreadable_pubmed_file_is_refused(content):
    with pytest.raises(LiteratureFileError):
        parse_pubmed(content)


def test_the_external_entity_is_never_resolved():
    content = (
        b'<?xml version="1.0"?>\n'
        b'<!DOCTYPE PubmedArticleSet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        b"<PubmedArticleSet/>"
    )

    with pytest.raises(LiteratureFileError) as refused:
        parse_pubmed(content)

    assert "root:" not in str(refused.value)


def test_a_pubmed_article_without_a_pmid_is_refused():
    content = (
        b"<PubmedArticleSet><PubmedArticle><MedlineCitation><Article>"
        b"<ArticleTitle>No id</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
        b"</PubmedArticleSet>"
    )

    with pytest.raises(LiteratureFileError, match="no PMID"):
        parse_pubmed(content)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b'{"studies": [', id="bad-json"),
        pytest.param(
            b'{"studies": [{"protocolSection": {"identificationModule": '
            b'{"briefTitle": "A study without an id"}}}]}',
            id="no-nct-id",
        ),
        pytest.param(b'{"studies": [{"something": "else"}]}', id="no-protocol-section"),
        pytest.param(b'{"studies": "not a list"}', id="studies-not-a-list"),
    ],
)
def test_an_unreadable_trials_file_is_refused(content):
    with pytest.raises(LiteratureFileError):
        parse_trials(content)
