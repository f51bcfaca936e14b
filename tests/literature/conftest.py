"""What the literature tests share: the committed sample files and record builders."""

from pathlib import Path

import pytest

from literature.pubmed import PersonRecord, PublicationRecord

FIXTURES = Path(__file__).resolve().parents[2] / "literature" / "fixtures"
PUBMED_SAMPLE = FIXTURES / "pubmed_sample.xml"
TRIALS_SAMPLE = FIXTURES / "trials_sample.json"


def publication(pmid, title, *, abstract="", authors=(), **fields):
    return PublicationRecord(
        pmid=str(pmid), title=title, abstract=abstract, authors=list(authors), **fields
    )


def author(last_name, first_name="", affiliation=""):
    return PersonRecord(last_name=last_name, first_name=first_name, affiliation=affiliation)


@pytest.fixture
def pubmed_xml():
    return PUBMED_SAMPLE.read_bytes()


@pytest.fixture
def trials_json():
    return TRIALS_SAMPLE.read_bytes()
