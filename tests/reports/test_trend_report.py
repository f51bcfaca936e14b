"""The weekly trend report on a dataset counted by hand: a topic rising from one insight a
week to twelve is emerging, with its quotes (what was said, never who said it), its
sentiment mix and its change on last week; products, therapeutic areas and regions are
counted alongside; building a week again replaces its report, and a stored report no longer
follows the insights it was computed from, except that its quotes must not outlive the
retention period of the insight texts they copy."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from catalog.models import InsightTopic
from compliance.models import CompliancePolicy
from compliance.retention import REMOVED, retention_run
from interactions.models import Insight
from reports.models import InsightRollup, TrendReport
from reports.rollups import week_start
from reports.services import BASELINE_WEEKS, trend_report_build
from reports.statistics import METHOD
from tests.factories import (
    InsightTopicFactory,
    KOLFactory,
    ProductFactory,
    TherapeuticAreaFactory,
)

from .data import LOCKED, at, insight, insights, meeting

pytestmark = pytest.mark.django_db

WEEK = dt.date(2025, 3, 10)
BASELINE = [WEEK - dt.timedelta(weeks=n) for n in range(BASELINE_WEEKS, 0, -1)]
QUOTES = [
    "Relapse after stopping early worries the tumour board.",
    "Five-year outcomes would change referral patterns.",
    "Peers keep asking for the long-term follow-up data.",
]


@pytest.fixture
def rising(organisation, msl, msl2):
    """Long-term outcomes: one insight a week for eight weeks, then twelve. Dosing: three a
    week throughout. msl works with a Northeast KOL on Tumorex (and Curabine this week),
    msl2 with a West KOL on Immunol."""
    kol_ne = KOLFactory(first_name="Maria", last_name="Alvarez", territory=organisation["boston"])
    kol_west = KOLFactory(first_name="Ken", last_name="Okafor", territory=organisation["bay_area"])
    outcomes = InsightTopicFactory(
        name="Long-term outcomes", parent=InsightTopicFactory(name="Efficacy")
    )
    dosing = InsightTopicFactory(name="Dosing")
    oncology = TherapeuticAreaFactory(name="Oncology")
    tumorex = ProductFactory(name="Tumorex", therapeutic_area=oncology)
    curabine = ProductFactory(name="Curabine", therapeutic_area=oncology)
    immunol = ProductFactory(
        name="Immunol", therapeutic_area=TherapeuticAreaFactory(name="Immunology")
    )
    for week in BASELINE:
        east = meeting(msl, at(week, days=1), kols=[kol_ne], products=[tumorex])
        # Important, but not in the reported week: never quoted.
        insight(east, kol_ne, outcomes, at(week, days=1), importance=3, text="Old news.")
        west = meeting(msl2, at(week, days=2), kols=[kol_west], products=[immunol])
        insights(west, kol_west, dosing, at(week, days=2), 3)

    east = meeting(msl, at(WEEK, days=1), kols=[kol_ne], products=[tumorex, curabine])
    insights(east, kol_ne, outcomes, at(WEEK, days=1), 5, sentiment="negative")
    insights(east, kol_ne, outcomes, at(WEEK, days=2), 1, sentiment="positive")
    insights(east, kol_ne, outcomes, at(WEEK, days=2, hours=10), 2, sentiment="neutral")
    west = meeting(msl2, at(WEEK, days=3), kols=[kol_west], products=[immunol])
    insights(west, kol_west, outcomes, at(WEEK, days=3), 1, sentiment="negative")
    # The three most important ones, the last of them the latest of the week.
    for day, text in enumerate(QUOTES, start=3):
        insight(
            west,
            kol_west,
            outcomes,
            at(WEEK, days=day, hours=15),
            sentiment="mixed",
            importance=3,
            text=text,
        )
    insights(west, kol_west, dosing, at(WEEK, days=4), 3, sentiment="positive")
    return {"outcomes": outcomes, "dosing": dosing, "kols": [kol_ne, kol_west]}


def by_name(rows) -> dict[str, dict]:
    return {row["name"]: row for row in rows}


def test_a_topic_rising_from_one_a_week_to_twelve_is_emerging(rising):
    report = trend_report_build(WEEK)

    (emerging,) = report.data["emerging"]
    assert emerging["topic"] == "Efficacy › Long-term outcomes"
    assert emerging["topic_id"] == rising["outcomes"].pk
    assert emerging["count"] == 12
    assert emerging["baseline_mean"] == 1.0
    assert emerging["last_week"] == 1
    assert emerging["change"] == 11
    assert emerging["p_value"] < 1e-6
    assert emerging["emerging"] is True


def test_the_emerging_topic_carries_its_sentiment_mix(rising):
    report = trend_report_build(WEEK)

    assert report.data["emerging"][0]["sentiment"] == {
        "positive": 1,
        "neutral": 2,
        "negative": 6,
        "mixed": 3,
    }


def test_the_steady_topic_is_listed_but_not_emerging(rising):
    report = trend_report_build(WEEK)

    topics = {row["topic"]: row for row in report.data["topics"]}
    assert list(topics) == ["Efficacy › Long-term outcomes", "Dosing"]  # emerging first
    dosing = topics["Dosing"]
    assert (dosing["count"], dosing["last_week"], dosing["change"]) == (3, 3, 0)
    assert dosing["baseline_mean"] == 3.0
    assert dosing["emerging"] is False
    assert dosing["sentiment"] == {"positive": 3, "neutral": 0, "negative": 0, "mixed": 0}
    assert "quotes" not in dosing


def test_quotes_are_the_weeks_most_important_insight_texts_latest_first(rising):
    report = trend_report_build(WEEK)

    assert report.data["emerging"][0]["quotes"] == list(reversed(QUOTES))


def test_quotes_and_the_whole_report_name_no_kol_and_no_author(rising, msl, msl2):
    report = trend_report_build(WEEK)

    stored = json.dumps(report.data, ensure_ascii=False)
    for kol in rising["kols"]:
        assert kol.last_name not in stored
        assert kol.first_name not in stored
    for author in (msl, msl2):
        assert author.username not in stored
        assert author.last_name not in stored
    assert all(isinstance(quote, str) for quote in report.data["emerging"][0]["quotes"])


def test_regions_products_and_therapeutic_areas_are_counted_against_their_baseline(rising):
    report = trend_report_build(WEEK)

    assert report.data["regions"] == [
        {"name": "Northeast", "count": 8, "last_week": 1, "baseline_mean": 1.0},
        {"name": "West", "count": 7, "last_week": 3, "baseline_mean": 3.0},
    ]
    # An insight counts once for each product of its meeting.
    assert report.data["products"] == [
        {"name": "Curabine", "count": 8, "last_week": 0, "baseline_mean": 0.0},
        {"name": "Tumorex", "count": 8, "last_week": 1, "baseline_mean": 1.0},
        {"name": "Immunol", "count": 7, "last_week": 3, "baseline_mean": 3.0},
    ]
    assert report.data["therapeutic_areas"] == [
        {"name": "Oncology", "count": 16, "last_week": 1, "baseline_mean": 1.0},
        {"name": "Immunology", "count": 7, "last_week": 3, "baseline_mean": 3.0},
    ]


def test_the_report_states_its_week_baseline_and_method(rising):
    report = trend_report_build(WEEK)

    assert report.week == WEEK
    assert report.baseline_weeks == BASELINE_WEEKS == 8
    assert report.method == METHOD
    assert report.data["week"] == "2025-03-10"
    assert report.data["baseline"] == [day.isoformat() for day in BASELINE]
    assert report.data["baseline"][0] == "2025-01-13"
    assert str(report) == "Insight trends, week of 2025-03-10"


def test_any_day_of_the_week_builds_that_weeks_report(rising):
    report = trend_report_build(WEEK + dt.timedelta(days=4))

    assert report.week == WEEK
    assert report.data["emerging"][0]["count"] == 12


def test_building_refreshes_the_rollups_of_the_week_and_its_baseline(rising):
    trend_report_build(WEEK)

    assert sorted(InsightRollup.objects.values_list("week", flat=True).distinct()) == [
        *BASELINE,
        WEEK,
    ]


def test_a_week_without_insights_has_an_empty_report(db):
    report = trend_report_build(WEEK)

    assert report.data["topics"] == []
    assert report.data["emerging"] == []
    assert report.data["regions"] == report.data["products"] == []
    assert report.data["therapeutic_areas"] == []


def test_rebuilding_a_week_replaces_its_report(rising, msl2):
    first = trend_report_build(WEEK)
    more = meeting(msl2, at(WEEK, days=6))
    insights(more, rising["kols"][1], rising["outcomes"], at(WEEK, days=6), 2)

    second = trend_report_build(WEEK)

    assert TrendReport.objects.count() == 1
    assert second.pk == first.pk
    assert TrendReport.objects.get().data["emerging"][0]["count"] == 14


def test_each_week_has_its_own_report(rising):
    trend_report_build(WEEK)
    trend_report_build(WEEK - dt.timedelta(weeks=1))

    assert list(TrendReport.objects.values_list("week", flat=True)) == [
        WEEK,
        WEEK - dt.timedelta(weeks=1),
    ]
    assert TrendReport.objects.get(week=BASELINE[-1]).data["emerging"] == []


def test_the_stored_report_does_not_follow_later_changes_to_the_insights(rising, msl2):
    report = trend_report_build(WEEK)
    frozen = json.loads(json.dumps(report.data))
    # Afterwards: quotes edited, a topic renamed, insights moved and added, and the
    # following week's report recounting the rollups this week's report was built on.
    Insight.objects.filter(topic=rising["outcomes"], created_at__gte=at(WEEK)).exclude(
        text__in=QUOTES
    ).update(topic=rising["dosing"])
    Insight.objects.filter(text=QUOTES[2]).update(text="Edited afterwards.")
    InsightTopic.objects.filter(pk=rising["outcomes"].pk).update(name="Renamed")
    more = meeting(msl2, at(WEEK, days=6))
    insights(more, rising["kols"][1], rising["dosing"], at(WEEK, days=6), 5)
    trend_report_build(WEEK + dt.timedelta(weeks=1))

    report.refresh_from_db()
    assert report.data == frozen
    assert report.data["emerging"][0]["quotes"][0] == QUOTES[2]
    assert report.data["emerging"][0]["topic"] == "Efficacy › Long-term outcomes"
    # The rollups did move on: only the three quoted insights are left on the topic.
    assert InsightRollup.objects.get(week=WEEK, topic=rising["outcomes"]).insights == 3


def test_quotes_in_a_stored_report_do_not_outlive_the_retention_period(organisation, msl):
    """Retention replaces insight texts past the retention period because they can identify
    people ("insight quotes", compliance/retention.py); the copies a stored report keeps of
    them must not survive it. The counts may stay: only the words are at stake."""
    policy = CompliancePolicy.current()
    policy.retention_days = 365
    policy.save()
    old_week = week_start(timezone.localdate() - dt.timedelta(days=420))
    said = "Mrs B. in bed 4 relapsed two weeks after stopping."
    kol = KOLFactory(territory=organisation["boston"])
    topic = InsightTopicFactory(name="Relapse")
    done = meeting(msl, at(old_week, days=1), kols=[kol], status=LOCKED)
    insights(done, kol, topic, at(old_week, days=1), 11)
    insight(done, kol, topic, at(old_week, days=2), importance=3, text=said)
    report = trend_report_build(old_week)
    assert said in report.data["emerging"][0]["quotes"]

    retention_run()

    assert Insight.objects.get(text=REMOVED, importance=3)  # the source text is gone
    report.refresh_from_db()
    assert report.data["emerging"][0]["count"] == 12
    assert said not in json.dumps(report.data, ensure_ascii=False)
