"""The scheduled fetch from PubMed and ClinicalTrials.gov: off unless the setting allows it,
harmless when the network is unreachable, and scheduled by the migration."""

import logging
import urllib.error
import urllib.request

import pytest
from django_celery_beat.models import PeriodicTask

from literature.models import ClinicalTrial, Contributor, Publication, WatchTopic
from literature.tasks import fetch_literature

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_pause(monkeypatch):
    monkeypatch.setattr("literature.tasks.PAUSE_SECONDS", 0)


def test_the_fetch_is_off_unless_the_setting_allows_it(settings, caplog, monkeypatch):
    settings.LITERATURE_FETCH_ENABLED = False

    def network_must_not_be_used(*args, **kwargs):
        raise AssertionError("the fetch is off; it must not call out")

    monkeypatch.setattr(urllib.request, "urlopen", network_must_not_be_used)

    with caplog.at_level(logging.INFO, logger="literature.tasks"):
        message = fetch_literature.delay().get()

    assert message == ("Literature fetch is off (LITERATURE_FETCH_ENABLED); import files instead.")
    assert message in caplog.messages


def test_an_unreachable_network_saves_nothing_and_says_so(
    settings, caplog, monkeypatch, msl, no_pause
):
    settings.LITERATURE_FETCH_ENABLED = True
    WatchTopic.objects.create(name="Lung", owner=msl, terms="lung cancer")
    calls = []

    def offline(url, *args, **kwargs):
        calls.append(url)
        raise urllib.error.URLError("offline")

    monkeypatch.setattr(urllib.request, "urlopen", offline)

    with caplog.at_level(logging.WARNING, logger="literature.tasks"):
        message = fetch_literature()

    assert message == (
        "Literature fetch offline: <urlopen error offline>; nothing changed, next run retries."
    )
    assert message in caplog.messages
    assert len(calls) == 1
    assert calls[0].startswith("https://eutils.ncbi.nlm.nih.gov/")
    assert "term=lung+cancer" in calls[0]
    assert not Publication.objects.exists()
    assert not ClinicalTrial.objects.exists()
    assert not Contributor.objects.exists()


def test_the_fetch_is_scheduled_daily():
    task = PeriodicTask.objects.get(task="literature.tasks.fetch_literature")

    assert task.enabled
    assert (task.crontab.minute, task.crontab.hour) == ("0", "4")
