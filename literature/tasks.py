"""Fetching from PubMed and ClinicalTrials.gov with the watch topics as queries, where the
network is allowed (LITERATURE_FETCH_ENABLED). NCBI asks for at most three requests a second
without an API key; we keep well under it."""

import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request

from celery import shared_task
from django.conf import settings

from .models import WatchTopic
from .pubmed import LiteratureFileError, parse_pubmed
from .services import publications_import, trials_import
from .trials import parse_trials

logger = logging.getLogger(__name__)
PUBMED_SEARCH = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esearch.fcgi"
PUBMED_FETCH = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/efetch.fcgi"
TRIALS_SEARCH = "https://clinicaltrials.gov/api/v2/studies"
PAUSE_SECONDS = 0.4
TIMEOUT_SECONDS = 20


@shared_task
def fetch_literature() -> str:
    if not settings.LITERATURE_FETCH_ENABLED:
        message = "Literature fetch is off (LITERATURE_FETCH_ENABLED); import files instead."
        logger.info(message)
        return message
    terms = sorted({term for topic in WatchTopic.objects.all() for term in topic.term_list()})
    try:
        publications = trials = 0
        for term in terms:
            publications += _fetch_pubmed(term)
            trials += _fetch_trials(term)
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        message = f"Literature fetch offline: {error}; nothing changed, next run retries."
        logger.warning(message)
        return message
    return f"Fetched {publications} publication and {trials} trial records."


def _get(url: str, params: dict) -> bytes:
    time.sleep(PAUSE_SECONDS)
    query = urllib.parse.urlencode(params)
    with urllib.request.urlopen(f"{url}?{query}", timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - fixed https hosts  # nosec B310
        return response.read()


def _fetch_pubmed(term: str) -> int:
    found = json.loads(
        _get(
            PUBMED_SEARCH,
            {
                "db": "pubmed",
                "term": term,
                "retmode": "json",
                "retmax": 50,
                "reldate": 30,
                "email": settings.NCBI_API_EMAIL,
            },
        )
    )
    ids = found.get("esearchresult", {}).get("idlist", [])
    if not ids:
        return 0
    try:
        records = parse_pubmed(
            _get(PUBMED_FETCH, {"db": "pubmed", "id": ",".join(ids), "retmode": "xml"})
        )
    except LiteratureFileError as error:
        logger.warning("PubMed answered something unreadable for %r: %s", term, error)
        return 0
    publications_import(records)
    return len(records)


def _fetch_trials(term: str) -> int:
    try:
        records = parse_trials(_get(TRIALS_SEARCH, {"query.term": term, "pageSize": 50}))
    except LiteratureFileError as error:
        logger.warning("ClinicalTrials.gov answered something unreadable for %r: %s", term, error)
        return 0
    trials_import(records)
    return len(records)
