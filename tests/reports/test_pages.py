"""The reports pages: who opens them, what each reader's dashboard counts (a manager their
team, viewers and compliance everyone), quotes on a stored report only for roles the
firewall lets see them, the report as CSV, XLSX and PDF, a dashboard whose cost does not
grow with the data, running last week's report on demand, and the weekly e-mail switch."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape
from lxml import html
from openpyxl import load_workbook

from accounts.models import Team
from accounts.roles import Role
from interactions.models import Insight, InteractionStatus, LastMeeting
from reports.models import ReportSubscription, TrendReport
from reports.rollups import rollups_refresh
from reports.services import last_complete_week, trend_report_build
from reports.statistics import METHOD
from tests.factories import (
    InsightTopicFactory,
    KOLFactory,
    ProductFactory,
    ReportSubscriptionFactory,
    TerritoryFactory,
    TherapeuticAreaFactory,
    TrendReportFactory,
    UserFactory,
)

from .data import at, insight, insights, meeting, pdf_text, table_rows

pytestmark = pytest.mark.django_db

URL = "/reports/"
OUTCOMES = "Efficacy › Long-term outcomes"
QUOTES = [
    "Relapse after stopping early worries the board.",
    "Five-year outcomes would change referrals.",
    "Peers keep asking for long-term follow-up.",
]


@pytest.fixture
def week():
    return last_complete_week()


@pytest.fixture
def work(organisation, msl, msl2, week):
    """Last week: msl (the manager's team) 5 insights on long-term outcomes, msl2 (another
    team) 7 on it and 4 on dosing; the week before, msl 2 on long-term outcomes. Rollups
    counted, as the nightly task would."""
    kol_boston = KOLFactory(last_name="Quibblesworth", territory=organisation["boston"])
    kol_bay = KOLFactory(last_name="Okafor", territory=organisation["bay_area"])
    outcomes = InsightTopicFactory(
        name="Long-term outcomes", parent=InsightTopicFactory(name="Efficacy")
    )
    dosing = InsightTopicFactory(name="Dosing")
    product = ProductFactory(name="Tumorex", therapeutic_area=TherapeuticAreaFactory(name="Onc"))
    previous = week - dt.timedelta(weeks=1)

    mine = meeting(msl, at(week, days=1), kols=[kol_boston], products=[product])
    insights(mine, kol_boston, outcomes, at(week, days=1), 2, sentiment="negative")
    for n, text in enumerate(QUOTES):
        insight(mine, kol_boston, outcomes, at(week, days=2, hours=n), importance=3, text=text)
    earlier = meeting(msl, at(previous, days=1), kols=[kol_boston])
    insights(earlier, kol_boston, outcomes, at(previous, days=1), 2)
    theirs = meeting(msl2, at(week, days=3), kols=[kol_bay])
    insights(theirs, kol_bay, outcomes, at(week, days=3), 7, sentiment="mixed")
    insights(theirs, kol_bay, dosing, at(week, days=4), 4, sentiment="positive")
    rollups_refresh([previous, week])
    return {"outcomes": outcomes, "dosing": dosing}


@pytest.fixture
def report(work, week):
    return trend_report_build(week)


def topic_table(response) -> dict[str, list[int]]:
    return {
        name: [int(value) for value in values]
        for name, values in table_rows(response.content, "topic-table").items()
    }


# Who opens the pages.


@pytest.mark.parametrize("persona", ["manager", "viewer", "compliance_user", "admin_user"])
def test_the_dashboard_opens_for_managers_viewers_and_compliance(client, persona, request):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(URL)

    assert response.status_code == 200
    assert "Insight dashboard" in response.content.decode()


@pytest.mark.parametrize("persona", ["msl", "medinfo"])
def test_the_dashboard_is_forbidden_to_msls_and_medical_information(client, persona, request):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("persona", ["msl", "medinfo"])
def test_a_stored_report_is_forbidden_to_msls_and_medical_information(
    client, persona, request, report
):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(f"{URL}{report.pk}/").status_code == 403
    assert client.get(f"{URL}{report.pk}/?format=xlsx").status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_unknown_report_is_not_found(client, viewer):
    client.force_login(viewer)

    assert client.get(f"{URL}999999/").status_code == 404


# What the dashboard counts.


def test_the_managers_dashboard_counts_only_their_teams_insights(client, manager, work):
    client.force_login(manager)

    table = topic_table(client.get(URL))

    # msl's 2 then 5 on long-term outcomes; none of msl2's 7, nor their dosing topic.
    assert list(table) == [OUTCOMES]
    assert len(table[OUTCOMES]) == 12
    assert table[OUTCOMES][-2:] == [2, 5]
    assert sum(table[OUTCOMES]) == 7


def test_coverage_counts_the_teams_tier_one_kols_met_in_the_last_90_days(
    client, manager, msl, msl2, organisation
):
    now = timezone.now()
    boston, other_team = organisation["boston"], organisation["bay_area"]
    met, met_long_ago, only_a_draft, never = (
        KOLFactory(territory=boston, tier=1) for _ in range(4)
    )
    meeting(msl, now - dt.timedelta(days=10), kols=[met])
    meeting(msl, now - dt.timedelta(days=100), kols=[met_long_ago])
    meeting(msl, now - dt.timedelta(days=1), kols=[only_a_draft], status=InteractionStatus.DRAFT)
    meeting(msl, now - dt.timedelta(days=3), kols=[KOLFactory(territory=boston, tier=2)])
    meeting(msl2, now - dt.timedelta(days=3), kols=[KOLFactory(territory=other_team, tier=1)])
    client.force_login(manager)

    page = html.fromstring(client.get(URL).content)
    coverage = " ".join(page.xpath('//*[@data-testid="coverage"]')[0].text_content().split())

    assert coverage == "25.0% of tier-1 KOLs met in the last 90 days (1 of 4)."
    assert never.pk not in LastMeeting.objects.values_list("kol_id", flat=True)


@pytest.mark.parametrize("persona", ["viewer", "compliance_user"])
def test_viewers_and_compliance_see_organisation_wide_counts(client, persona, request, work):
    client.force_login(request.getfixturevalue(persona))

    table = topic_table(client.get(URL))

    assert list(table) == [OUTCOMES, "Dosing"]  # most insights first
    assert table[OUTCOMES][-2:] == [2, 12]
    assert table["Dosing"][-2:] == [0, 4]
    assert sum(table["Dosing"]) == 4


def test_a_manager_without_a_team_sees_no_insights(client, work):
    other = UserFactory(username="other-manager", roles=[Role.MANAGER])
    client.force_login(other)

    response = client.get(URL)

    assert topic_table(response) == {}
    assert "No insights in these weeks." in response.content.decode()


def test_the_dashboard_shows_the_latest_reports_emerging_topics_and_lists_reports(
    client, viewer, report
):
    TrendReportFactory(week=report.week - dt.timedelta(weeks=5))
    client.force_login(viewer)

    response = client.get(URL)

    page = response.content.decode()
    assert f"week of {report.week:%Y-%m-%d}" in page
    assert f"<strong>{OUTCOMES}</strong>: 12 this week" in page
    assert escape(METHOD) in page
    assert f'href="/reports/{report.pk}/"' in page
    assert page.count('class="list-group-item') == 2
    # The dashboard names no quote, whoever reads it.
    assert not any(quote in page for quote in QUOTES)


def test_the_report_list_is_paged_by_twelve(client, viewer):
    for n in range(13):
        TrendReportFactory(week=dt.date(2024, 12, 30) - dt.timedelta(weeks=n))
    client.force_login(viewer)

    first = client.get(URL).content.decode()
    second = client.get(URL, {"page": 2}).content.decode()

    assert first.count('class="list-group-item') == 12
    assert second.count('class="list-group-item') == 1
    assert "week of 2024-10-07" in second


# A stored report and its quotes.


@pytest.mark.parametrize("persona", ["manager", "compliance_user"])
def test_a_stored_report_shows_quotes_to_roles_that_may_see_them(client, persona, request, report):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(f"{URL}{report.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    for quote in QUOTES:
        assert f"“{quote}”" in page
    assert "Quotes are not shown to your role." not in page
    assert "Quibblesworth" not in page
    assert "Okafor" not in page


def test_a_stored_report_shows_the_viewer_no_quotes(client, viewer, report):
    client.force_login(viewer)

    response = client.get(f"{URL}{report.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Quotes are not shown to your role." in page
    assert not any(quote in page for quote in QUOTES)
    assert 'data-testid="emerging-topic"' in page


def test_a_stored_report_shows_its_topic_table_and_chart(client, viewer, report):
    client.force_login(viewer)

    response = client.get(f"{URL}{report.pk}/")

    rows = table_rows(response.content, "topics")
    assert rows[OUTCOMES] == ["12", "2", "10", "0.25", rows[OUTCOMES][4], "0 / 3 / 2 / 7"]
    assert rows["Dosing"][:3] == ["4", "0", "4"]
    assert "<svg" in response.content.decode()


def test_a_stored_report_reads_the_same_after_the_insights_change(client, manager, report):
    Insight.objects.filter(text=QUOTES[0]).update(text="Rewritten later.")
    Insight.objects.all().update(sentiment="positive")
    client.force_login(manager)

    page = client.get(f"{URL}{report.pk}/").content.decode()

    assert f"“{QUOTES[0]}”" in page
    assert "Rewritten later." not in page
    assert "0 / 3 / 2 / 7" in page


# Downloads.


def test_the_csv_download_holds_the_topics_and_the_dimensions(client, viewer, report, week):
    client.force_login(viewer)

    response = client.get(f"{URL}{report.pk}/", {"format": "csv"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="insight-trends-{week:%Y-%m-%d}.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [f"Insight trends, week of {week:%Y-%m-%d}"]
    assert rows[1] == ["Method", METHOD]
    assert rows[3] == [
        "Topic",
        "This week",
        "Last week",
        "Change",
        "Baseline mean",
        "p-value",
        "Emerging",
        "Positive",
        "Neutral",
        "Negative",
        "Mixed",
    ]
    assert rows[4][:5] == [OUTCOMES, "12", "2", "10", "0.25"]
    assert float(rows[4][5]) < 0.01
    assert rows[4][6:] == ["yes", "0", "3", "2", "7"]
    assert rows[5] == ["Dosing", "4", "0", "4", "0.0", rows[5][5], "", "4", "0", "0", "0"]
    products = rows.index(["Products"])
    assert rows[products + 1] == ["Name", "This week", "Last week", "Baseline mean"]
    assert rows[products + 2] == ["Tumorex", "5", "0", "0.0"]
    regions = rows.index(["Regions"])
    assert rows[regions + 2 : regions + 4] == [
        ["West", "11", "0", "0.0"],
        ["Northeast", "5", "2", "0.25"],
    ]
    assert not any(quote in response.content.decode() for quote in QUOTES)


def xlsx(client, report):
    response = client.get(f"{URL}{report.pk}/", {"format": "xlsx"})
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].endswith('.xlsx"')
    return load_workbook(io.BytesIO(response.content))


def cells(workbook) -> list:
    return [
        value
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
    ]


@pytest.mark.parametrize("persona", ["manager", "compliance_user"])
def test_the_xlsx_download_has_a_quotes_sheet_for_roles_that_may_see_quotes(
    client, persona, request, report
):
    client.force_login(request.getfixturevalue(persona))

    workbook = xlsx(client, report)

    assert workbook.sheetnames == [
        "Topics",
        "Products",
        "Therapeutic areas",
        "Regions",
        "Quotes",
        "Method",
    ]
    topics = list(workbook["Topics"].iter_rows(values_only=True))
    assert topics[1][:5] == (OUTCOMES, 12, 2, 10, 0.25)
    assert list(workbook["Quotes"].iter_rows(values_only=True)) == [
        ("Emerging topic", "Quote"),
        *((OUTCOMES, quote) for quote in reversed(QUOTES)),
    ]
    assert workbook["Method"]["A1"].value == METHOD
    assert list(workbook["Therapeutic areas"].iter_rows(values_only=True))[1] == (
        "Onc",
        5,
        0,
        0,
    )


def test_the_xlsx_download_has_no_quotes_for_the_viewer(client, viewer, report):
    client.force_login(viewer)

    workbook = xlsx(client, report)

    assert workbook.sheetnames == ["Topics", "Products", "Therapeutic areas", "Regions", "Method"]
    assert not any(value in QUOTES for value in cells(workbook))


def test_the_pdf_download_is_a_pdf_with_quotes_for_the_manager(client, manager, report, week):
    client.force_login(manager)

    response = client.get(f"{URL}{report.pk}/", {"format": "pdf"})

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="insight-trends-{week:%Y-%m-%d}.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Emerging topics" in text
    assert all(quote in text for quote in QUOTES)


def test_the_pdf_download_has_no_quotes_for_the_viewer(client, viewer, report):
    client.force_login(viewer)

    response = client.get(f"{URL}{report.pk}/", {"format": "pdf"})

    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Emerging topics" in text
    assert not any(quote in text for quote in QUOTES)


# The dashboard's cost.


def populate(scale: int, week: dt.date) -> None:
    """`scale` MSLs in each of two teams (one the manager's), each with a KOL, a topic and
    three submitted meetings a week for four weeks with two insights each, and `scale`
    stored reports."""
    oncology = Team.objects.get(name="Oncology Northeast")
    immunology = Team.objects.get(name="Immunology West")
    offset = TrendReport.objects.count()
    for team in (oncology, immunology):
        territory = TerritoryFactory(team=team)
        for _ in range(scale):
            msl = UserFactory(roles=[Role.MSL])
            team.members.add(msl)
            kol = KOLFactory(territory=territory)
            topic = InsightTopicFactory()
            for weeks_ago in range(4):
                day = week - dt.timedelta(weeks=weeks_ago)
                for n in range(3):
                    done = meeting(msl, at(day, days=n), kols=[kol])
                    insights(done, kol, topic, at(day, days=n), 2)
    for n in range(scale):
        TrendReportFactory(week=dt.date(2024, 12, 30) - dt.timedelta(weeks=offset + n))
    rollups_refresh([week - dt.timedelta(weeks=n) for n in range(4)])


def dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    assert topic_table(response)  # counts shown, not the empty table
    return len(queries)


@pytest.mark.parametrize("persona", ["manager", "viewer"])
def test_the_dashboard_costs_the_same_queries_for_five_times_the_data(
    client, persona, request, organisation, week, django_assert_max_num_queries
):
    client.force_login(request.getfixturevalue(persona))
    populate(1, week)
    trend_report_build(week)
    small = dashboard_queries(client)

    populate(4, week)
    trend_report_build(week)
    large = dashboard_queries(client)

    assert large == small
    # 16 when written: session, user, roles, firewall-free aggregates, the report list.
    # Built afresh: asked again unchanged, the page comes from the page cache.
    with django_assert_max_num_queries(18):
        client.get(URL, HTTP_CACHE_CONTROL="no-cache")


# Running last week's report on demand.


@pytest.mark.parametrize("persona", ["manager", "compliance_user"])
def test_run_now_builds_last_weeks_report(client, persona, request, work, week, mailoutbox):
    ReportSubscriptionFactory(user=request.getfixturevalue("viewer"))
    client.force_login(request.getfixturevalue(persona))

    response = client.post(f"{URL}run/", follow=True)

    assert response.redirect_chain == [(URL, 302)]
    assert "The report for last week is being built" in response.content.decode()
    report = TrendReport.objects.get()
    assert report.week == week
    assert report.data["emerging"][0]["topic"] == OUTCOMES
    # On demand, the report is not mailed.
    assert mailoutbox == []


def test_run_now_is_refused_to_the_viewer(client, viewer, work):
    client.force_login(viewer)

    response = client.post(f"{URL}run/", follow=True)

    assert response.redirect_chain == [(URL, 302)]
    assert "Only managers and compliance run reports on demand." in response.content.decode()
    assert not TrendReport.objects.exists()


def test_the_run_button_is_shown_to_the_manager_only(client, manager, viewer):
    client.force_login(manager)
    assert "Run last week's report now" in client.get(URL).content.decode()
    client.force_login(viewer)
    assert "Run last week" not in client.get(URL).content.decode()


def test_run_now_is_forbidden_to_an_msl_and_needs_a_post(client, msl, manager):
    client.force_login(msl)
    assert client.post(f"{URL}run/").status_code == 403
    client.force_login(manager)
    assert client.get(f"{URL}run/").status_code == 405
    assert not TrendReport.objects.exists()


# The weekly e-mail switch.


@pytest.mark.parametrize("persona", ["manager", "viewer"])
def test_the_weekly_email_is_switched_on_and_off(client, persona, request):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert "E-mail me the weekly report" in client.get(URL).content.decode()

    on = client.post(f"{URL}subscription/", {"weekly_email": "on"}, follow=True)

    assert ReportSubscription.objects.get(user=user).weekly_email is True
    assert "You will get the weekly report by e-mail." in on.content.decode()
    assert "Stop the weekly e-mail" in on.content.decode()

    off = client.post(f"{URL}subscription/", follow=True)

    assert ReportSubscription.objects.get(user=user).weekly_email is False
    assert "You will no longer get the weekly report by e-mail." in off.content.decode()
    assert "E-mail me the weekly report" in off.content.decode()
    assert ReportSubscription.objects.count() == 1


def test_the_weekly_email_switch_is_forbidden_to_an_msl_and_needs_a_post(client, msl, viewer):
    client.force_login(msl)
    assert client.post(f"{URL}subscription/", {"weekly_email": "on"}).status_code == 403
    client.force_login(viewer)
    assert client.get(f"{URL}subscription/").status_code == 405
    assert not ReportSubscription.objects.exists()


def test_the_pdf_prints_a_quote_with_angle_brackets_as_written(
    client, manager, organisation, msl, week
):
    """A quote is the KOL's words, not ReportLab markup: "<B and B>" must neither break the
    PDF nor turn into bold text."""
    said = "Arm A<B for the elderly, B>C for the young."
    kol = KOLFactory(territory=organisation["boston"])
    topic = InsightTopicFactory(name="Sequencing")
    done = meeting(msl, at(week, days=1), kols=[kol])
    insights(done, kol, topic, at(week, days=1), 11)
    insight(done, kol, topic, at(week, days=2), importance=3, text=said)
    report = trend_report_build(week)
    assert report.data["emerging"][0]["quotes"][0] == said
    client.force_login(manager)
    client.raise_request_exception = False

    response = client.get(f"{URL}{report.pk}/", {"format": "pdf"})

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert f"“{said}”" in pdf_text(response.content)


def test_viewers_see_activity_without_the_names_of_msls(client, viewer, manager, msl, organisation):
    from reports.models import InteractionRollup
    from reports.rollups import week_start

    last_week = week_start(timezone.localdate()) - dt.timedelta(weeks=1)
    InteractionRollup.objects.create(week=last_week, author=msl, interactions=4)
    name = msl.get_full_name() or msl.username

    client.force_login(viewer)
    as_viewer = client.get("/reports/").content.decode()
    client.force_login(manager)
    as_manager = client.get("/reports/").content.decode()

    assert name not in as_viewer
    assert "MSL 1" in as_viewer
    assert name in as_manager
