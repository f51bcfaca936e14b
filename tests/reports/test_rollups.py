"""The weekly rollups on a dataset counted by hand: insights per week, topic, author and
region with their sentiment mix, per product of the interaction, and submitted or locked
interactions per MSL; recounting a week replaces it rather than adding to it, and a report
that fails half-way leaves the rollups and the stored report as they were."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from interactions.models import Interaction, InteractionStatus
from reports import services
from reports.models import (
    InsightRollup,
    InteractionRollup,
    ProductRollup,
    StaleRollupWeek,
    TrendReport,
)
from reports.rollups import rollups_refresh, week_bounds, week_start
from reports.services import trend_report_build
from reports.tasks import refresh_recent_rollups
from tests.factories import (
    InsightTopicFactory,
    KOLFactory,
    ProductFactory,
    TherapeuticAreaFactory,
)

from .data import LOCKED, at, insight, insights, meeting

pytestmark = pytest.mark.django_db

WEEK_A = dt.date(2025, 3, 3)
WEEK_B = dt.date(2025, 3, 10)
OTHER_WEEK = dt.date(2025, 1, 6)


@pytest.fixture
def dataset(organisation, msl, msl2):
    """Two weeks of work of two MSLs; the expected rows are in the tests below."""
    kol_ne = KOLFactory(territory=organisation["boston"])  # region Northeast
    kol_west = KOLFactory(territory=organisation["bay_area"])  # region West
    kol_nowhere = KOLFactory(territory=None)  # no region
    outcomes = InsightTopicFactory(name="Long-term outcomes", parent=InsightTopicFactory())
    dosing = InsightTopicFactory(name="Dosing")
    oncology = TherapeuticAreaFactory(name="Oncology")
    tumorex = ProductFactory(name="Tumorex", therapeutic_area=oncology)
    curabine = ProductFactory(name="Curabine", therapeutic_area=oncology)
    immunol = ProductFactory(name="Immunol", therapeutic_area=TherapeuticAreaFactory())

    # Week A. msl: one submitted meeting on two products.
    a1 = meeting(msl, at(WEEK_A, days=1), kols=[kol_ne], products=[tumorex, curabine])
    insight(a1, kol_ne, outcomes, week_bounds(WEEK_A)[0], sentiment="positive")  # Monday 00:00
    insight(a1, kol_ne, outcomes, at(WEEK_A, days=1), sentiment="positive")
    insight(a1, kol_ne, outcomes, at(WEEK_A, days=2), sentiment="negative")
    insight(a1, kol_nowhere, outcomes, at(WEEK_A, days=2), sentiment="mixed")
    # msl2: one locked meeting on one product.
    a2 = meeting(msl2, at(WEEK_A, days=3), kols=[kol_west], products=[immunol], status=LOCKED)
    insight(a2, kol_west, outcomes, at(WEEK_A, days=3), sentiment="neutral")
    insights(a2, kol_west, dosing, at(WEEK_A, days=6, hours=23), 2, sentiment="negative")
    # Neither counts as a logged interaction: one planned, one still a draft.
    meeting(msl2, at(WEEK_A, days=4), status=InteractionStatus.PLANNED)
    meeting(msl2, at(WEEK_A, days=4), status=InteractionStatus.DRAFT)

    # Week B. msl: a draft meeting without products (its insight is not reported yet, so it
    # is not counted), a submitted one on one product, and another without insights.
    b1 = meeting(msl, at(WEEK_B, days=0), kols=[kol_ne], status=InteractionStatus.DRAFT)
    insight(b1, kol_ne, dosing, at(WEEK_B, days=0), sentiment="neutral")
    b2 = meeting(msl, at(WEEK_B, days=2), kols=[kol_ne], products=[immunol])
    insight(b2, kol_ne, dosing, at(WEEK_B, days=2), sentiment="positive")
    meeting(msl, at(WEEK_B, days=4))

    # Outside both weeks: a microsecond before A, the Monday after B, and long before.
    before = meeting(msl, week_bounds(WEEK_A)[0] - dt.timedelta(microseconds=1), kols=[kol_ne])
    insight(before, kol_ne, outcomes, before.occurred_at)
    after = meeting(msl2, week_bounds(WEEK_B)[1], kols=[kol_west], products=[immunol])
    insight(after, kol_west, outcomes, after.occurred_at)
    return {
        "msl": msl,
        "msl2": msl2,
        "outcomes": outcomes,
        "dosing": dosing,
        "tumorex": tumorex,
        "curabine": curabine,
        "immunol": immunol,
    }


def insight_rows(weeks=(WEEK_A, WEEK_B)) -> set[tuple]:
    return set(
        InsightRollup.objects.filter(week__in=weeks).values_list(
            "week",
            "topic_id",
            "author_id",
            "region",
            "insights",
            "positive",
            "neutral",
            "negative",
            "mixed",
        )
    )


def product_rows(weeks=(WEEK_A, WEEK_B)) -> set[tuple]:
    return set(
        ProductRollup.objects.filter(week__in=weeks).values_list(
            "week", "product_id", "author_id", "insights"
        )
    )


def interaction_rows(weeks=(WEEK_A, WEEK_B)) -> set[tuple]:
    return set(
        InteractionRollup.objects.filter(week__in=weeks).values_list(
            "week", "author_id", "interactions"
        )
    )


def all_rows() -> tuple[list, list, list]:
    """Every rollup row there is, in a stable order, to compare before and after."""
    return (
        sorted(
            InsightRollup.objects.values_list(
                "week",
                "topic_id",
                "author_id",
                "region",
                "insights",
                "positive",
                "neutral",
                "negative",
                "mixed",
            )
        ),
        sorted(ProductRollup.objects.values_list("week", "product_id", "author_id", "insights")),
        sorted(InteractionRollup.objects.values_list("week", "author_id", "interactions")),
    )


def expected_insight_rows(d) -> set[tuple]:
    msl, msl2, outcomes, dosing = d["msl"].pk, d["msl2"].pk, d["outcomes"].pk, d["dosing"].pk
    #        week    topic     author region       n  pos neu neg mix
    return {
        (WEEK_A, outcomes, msl, "Northeast", 3, 2, 0, 1, 0),
        (WEEK_A, outcomes, msl, "", 1, 0, 0, 0, 1),
        (WEEK_A, outcomes, msl2, "West", 1, 0, 1, 0, 0),
        (WEEK_A, dosing, msl2, "West", 2, 0, 0, 2, 0),
        (WEEK_B, dosing, msl, "Northeast", 1, 1, 0, 0, 0),
    }


def expected_product_rows(d) -> set[tuple]:
    msl, msl2 = d["msl"].pk, d["msl2"].pk
    return {
        # Each of msl's four insights counts once for each of the meeting's two products.
        (WEEK_A, d["tumorex"].pk, msl, 4),
        (WEEK_A, d["curabine"].pk, msl, 4),
        (WEEK_A, d["immunol"].pk, msl2, 3),
        # The draft meeting had no product; only the submitted one's insight counts.
        (WEEK_B, d["immunol"].pk, msl, 1),
    }


def expected_interaction_rows(d) -> set[tuple]:
    msl, msl2 = d["msl"].pk, d["msl2"].pk
    return {(WEEK_A, msl, 1), (WEEK_A, msl2, 1), (WEEK_B, msl, 2)}


def test_the_weeks_are_mondays():
    assert week_start(WEEK_A) == WEEK_A
    assert week_start(WEEK_B) == WEEK_B
    assert week_start(dt.date(2025, 3, 16)) == WEEK_B


def test_insight_rollups_count_per_week_topic_author_and_region_with_the_sentiment_mix(dataset):
    rollups_refresh([WEEK_A, WEEK_B])

    assert insight_rows() == expected_insight_rows(dataset)
    assert InsightRollup.objects.count() == 5


def test_product_rollups_count_each_insight_once_per_product_of_its_interaction(dataset):
    rollups_refresh([WEEK_A, WEEK_B])

    assert product_rows() == expected_product_rows(dataset)
    assert ProductRollup.objects.count() == 4


def test_interaction_rollups_count_submitted_and_locked_meetings_per_msl(dataset):
    rollups_refresh([WEEK_A, WEEK_B])

    assert interaction_rows() == expected_interaction_rows(dataset)
    assert InteractionRollup.objects.count() == 3


def test_the_refresh_reports_how_many_rows_it_wrote(dataset):
    assert rollups_refresh([WEEK_A, WEEK_B]) == 5 + 4 + 3
    assert rollups_refresh([WEEK_A]) == 4 + 3 + 2


def test_only_the_weeks_asked_for_are_counted(dataset):
    rollups_refresh([WEEK_B])

    assert insight_rows() == {row for row in expected_insight_rows(dataset) if row[0] == WEEK_B}
    assert not InsightRollup.objects.filter(week=WEEK_A).exists()
    assert not InteractionRollup.objects.filter(week=WEEK_A).exists()


def test_running_the_refresh_twice_writes_the_same_rows_once(dataset):
    rollups_refresh([WEEK_A, WEEK_B])
    first = all_rows()

    rollups_refresh([WEEK_A, WEEK_B])
    rollups_refresh([WEEK_B, WEEK_A, WEEK_B])

    assert all_rows() == first
    assert insight_rows() == expected_insight_rows(dataset)
    assert product_rows() == expected_product_rows(dataset)
    assert interaction_rows() == expected_interaction_rows(dataset)


def test_a_refresh_replaces_stale_rows_of_its_weeks_and_leaves_other_weeks_alone(dataset):
    stale_topic = InsightTopicFactory()
    InsightRollup.objects.create(
        week=WEEK_A, topic=stale_topic, author=dataset["msl"], region="Gone", insights=99
    )
    ProductRollup.objects.create(
        week=WEEK_A, product=dataset["tumorex"], author=dataset["msl"], insights=99
    )
    InteractionRollup.objects.create(week=WEEK_B, author=dataset["msl2"], interactions=99)
    kept = InsightRollup.objects.create(
        week=OTHER_WEEK, topic=stale_topic, author=dataset["msl"], region="Kept", insights=7
    )

    rollups_refresh([WEEK_A, WEEK_B])

    assert insight_rows() == expected_insight_rows(dataset)
    assert product_rows() == expected_product_rows(dataset)
    assert interaction_rows() == expected_interaction_rows(dataset)
    assert InsightRollup.objects.get(week=OTHER_WEEK) == kept


def test_a_recount_takes_in_insights_added_since(dataset):
    rollups_refresh([WEEK_A, WEEK_B])
    late = meeting(dataset["msl2"], at(WEEK_B, days=5))
    insight(
        late, KOLFactory(territory=None), dataset["dosing"], at(WEEK_B, days=5), sentiment="mixed"
    )

    rollups_refresh([WEEK_B])

    assert InsightRollup.objects.get(week=WEEK_B, author=dataset["msl2"]).mixed == 1
    assert InteractionRollup.objects.get(week=WEEK_B, author=dataset["msl2"]).interactions == 1
    assert InsightRollup.objects.filter(week=WEEK_B).count() == 2


def test_a_report_failing_half_way_leaves_the_rollups_and_the_stored_report_as_they_were(
    dataset, monkeypatch
):
    report = trend_report_build(WEEK_B)
    rows_before, data_before = all_rows(), report.data
    # Work that a second run would count: more insights in the reported week.
    late = meeting(dataset["msl2"], at(WEEK_B, days=5), products=[dataset["tumorex"]])
    insights(late, KOLFactory(territory=None), dataset["outcomes"], at(WEEK_B, days=5), 4)

    def broken(week, baseline):
        raise RuntimeError("the topic statistics failed")

    monkeypatch.setattr(services, "_topic_rows", broken)
    with pytest.raises(RuntimeError, match="the topic statistics failed"):
        trend_report_build(WEEK_B)

    assert all_rows() == rows_before
    assert TrendReport.objects.get().data == data_before
    assert TrendReport.objects.get().pk == report.pk


def test_a_first_report_failing_half_way_leaves_no_rollups_and_no_report(dataset, monkeypatch):
    def broken(week, baseline):
        raise RuntimeError("the topic statistics failed")

    monkeypatch.setattr(services, "_topic_rows", broken)
    with pytest.raises(RuntimeError):
        trend_report_build(WEEK_B)

    assert not InsightRollup.objects.exists()
    assert not ProductRollup.objects.exists()
    assert not InteractionRollup.objects.exists()
    assert not TrendReport.objects.exists()


def test_the_nightly_task_recounts_this_week_the_last_and_the_weeks_marked_stale(organisation, msl):
    this_week = week_start(timezone.localdate())
    last_week = this_week - dt.timedelta(weeks=1)
    two_weeks_ago = this_week - dt.timedelta(weeks=2)
    kol = KOLFactory(territory=organisation["boston"])
    topic = InsightTopicFactory()
    for week, count in ((two_weeks_ago, 4), (last_week, 3), (this_week, 2)):
        done = meeting(msl, at(week, hours=0, minutes=5), kols=[kol])
        insights(done, kol, topic, at(week, hours=0, minutes=5), count)

    StaleRollupWeek.objects.filter(week=two_weeks_ago).delete()
    three_weeks_ago = this_week - dt.timedelta(weeks=3)
    done = meeting(msl, at(three_weeks_ago, hours=0, minutes=5), kols=[kol])
    insights(done, kol, topic, at(three_weeks_ago, hours=0, minutes=5), 5)

    written = refresh_recent_rollups.delay().get()

    assert written == 3 * 2  # an insight row and an interaction row for each week
    # Two weeks ago is not marked, as if counted and unchanged since: it is not recounted.
    assert dict(InsightRollup.objects.values_list("week", "insights")) == {
        three_weeks_ago: 5,
        last_week: 3,
        this_week: 2,
    }
    assert not StaleRollupWeek.objects.exists()
    assert dict(InteractionRollup.objects.values_list("week", "interactions")) == {
        three_weeks_ago: 1,
        last_week: 1,
        this_week: 1,
    }


def test_a_draft_submitted_weeks_later_brings_its_insights_into_their_week(organisation, msl):
    """The weekly report no longer recounts its whole baseline: the submission marks the
    week its insights were written in, and that week alone is recounted."""
    week = week_start(timezone.localdate()) - dt.timedelta(weeks=3)
    kol = KOLFactory(territory=organisation["boston"])
    topic = InsightTopicFactory()
    draft = meeting(msl, at(week), kols=[kol], status=InteractionStatus.DRAFT)
    insights(draft, kol, topic, at(week, hours=10), 4)
    trend_report_build(week + dt.timedelta(weeks=3))
    assert not InsightRollup.objects.filter(week=week).exists()
    assert not StaleRollupWeek.objects.exists()

    draft.status = InteractionStatus.SUBMITTED
    draft.submitted_at = draft.first_submitted_at = timezone.now()
    draft.save()
    assert set(StaleRollupWeek.objects.values_list("week", flat=True)) == {week}

    report = trend_report_build(week + dt.timedelta(weeks=3))
    assert InsightRollup.objects.get(week=week).insights == 4
    assert InteractionRollup.objects.get(week=week).interactions == 1
    assert sum(row["baseline_mean"] * 8 for row in report.data["topics"]) == 4


def test_an_edit_that_changes_no_count_marks_no_week(organisation, msl):
    kol = KOLFactory(territory=organisation["boston"])
    done = meeting(msl, at(week_start(timezone.localdate())), kols=[kol])
    StaleRollupWeek.objects.all().delete()

    done.notes = "Edited notes."
    done.save()
    Interaction.objects.get(pk=done.pk).save()

    assert not StaleRollupWeek.objects.exists()


def test_a_partly_loaded_meeting_moved_to_another_week_marks_both(organisation, msl):
    this_week = week_start(timezone.localdate())
    earlier = this_week - dt.timedelta(weeks=2)
    kol = KOLFactory(territory=organisation["boston"])
    done = meeting(msl, at(this_week), kols=[kol])
    StaleRollupWeek.objects.all().delete()

    moved = Interaction.objects.defer("occurred_at", "status").get(pk=done.pk)
    moved.occurred_at = at(earlier)
    moved.save()

    assert set(StaleRollupWeek.objects.values_list("week", flat=True)) == {this_week, earlier}


def test_a_counted_week_nothing_has_changed_is_read_not_recounted(organisation, msl):
    week = week_start(timezone.localdate()) - dt.timedelta(weeks=1)
    kol = KOLFactory(territory=organisation["boston"])
    done = meeting(msl, at(week), kols=[kol])
    insights(done, kol, InsightTopicFactory(), at(week, hours=10), 3)
    trend_report_build(week)

    with CaptureQueriesContext(connection) as queries:
        report = trend_report_build(week)

    recounts = [q for q in queries.captured_queries if q["sql"].startswith("DELETE")]
    assert recounts == []
    assert report.data["topics"][0]["count"] == 3
