"""The weekly e-mail: one message to every subscriber in blind copy, the chart in its HTML
part and the report as a PDF attachment, no quotes anywhere in it (one message to all, so the
firewall cannot decide per reader), and only to subscribers who may open the reports; nobody
subscribed, nothing sent; the scheduled task builds the report and mails it."""

import datetime as dt

import pytest

from accounts.roles import Role
from reports.models import TrendReport
from reports.services import last_complete_week, trend_report_build, trend_report_mail
from reports.tasks import build_weekly_trend_report
from tests.factories import (
    InsightTopicFactory,
    KOLFactory,
    ReportSubscriptionFactory,
    UserFactory,
)

from .data import at, insight, insights, meeting, pdf_text

pytestmark = pytest.mark.django_db

WEEK = dt.date(2025, 3, 10)
QUOTE = "Peers keep asking for long-term follow-up."


@pytest.fixture
def emerging(organisation, msl):
    """Twelve insights on long-term outcomes in the week of WEEK (none before), one of
    them important enough to be quoted."""

    def make(week):
        kol = KOLFactory(last_name="Quibblesworth", territory=organisation["boston"])
        topic = InsightTopicFactory(
            name="Long-term outcomes", parent=InsightTopicFactory(name="Efficacy")
        )
        done = meeting(msl, at(week, days=1), kols=[kol])
        insights(done, kol, topic, at(week, days=1), 11, sentiment="negative")
        insight(done, kol, topic, at(week, days=2), importance=3, text=QUOTE)

    return make


@pytest.fixture
def subscribers(manager, viewer, compliance_user):
    ReportSubscriptionFactory(user=manager)
    ReportSubscriptionFactory(user=viewer)
    ReportSubscriptionFactory(user=compliance_user)
    # Not mailed: switched off, account deactivated, no address.
    ReportSubscriptionFactory(
        user=UserFactory(username="switched-off", roles=[Role.MANAGER]), weekly_email=False
    )
    ReportSubscriptionFactory(
        user=UserFactory(username="left", roles=[Role.MANAGER], is_active=False)
    )
    ReportSubscriptionFactory(
        user=UserFactory(username="no-address", roles=[Role.VIEWER], email="")
    )
    return ["compliance@example.com", "manager@example.com", "viewer@example.com"]


def test_one_message_goes_to_every_subscriber_in_blind_copy(emerging, subscribers, mailoutbox):
    emerging(WEEK)
    report = trend_report_build(WEEK)

    sent = trend_report_mail(report)

    assert sent == 3
    (message,) = mailoutbox
    assert sorted(message.bcc) == subscribers
    assert message.to == []
    assert message.cc == []
    assert message.subject == "Insight trends, week of 2025-03-10"


def test_the_message_has_the_chart_in_its_html_part_and_the_pdf_attached(
    emerging, subscribers, mailoutbox
):
    emerging(WEEK)
    trend_report_mail(trend_report_build(WEEK))

    (message,) = mailoutbox
    assert "Efficacy › Long-term outcomes: 12 this week" in message.body
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    assert "<svg" in html
    assert 'aria-label="Insights per topic this week"' in html
    assert "<strong>Efficacy › Long-term outcomes</strong>: 12 this week" in html
    ((filename, content, attachment_type),) = message.attachments
    assert filename == "insight-trends-2025-03-10.pdf"
    assert attachment_type == "application/pdf"
    assert content.startswith(b"%PDF")
    assert "Emerging topics" in pdf_text(content)


def test_the_message_carries_no_quote_and_no_kol_name(emerging, subscribers, mailoutbox):
    emerging(WEEK)
    report = trend_report_build(WEEK)
    assert report.data["emerging"][0]["quotes"][0] == QUOTE  # the stored report has it

    trend_report_mail(report)

    (message,) = mailoutbox
    html = message.alternatives[0][0]
    pdf = pdf_text(message.attachments[0][1])
    for text in (message.body, html, pdf):
        assert QUOTE not in text
        assert "Quibblesworth" not in text


def test_nothing_is_sent_without_subscribers(emerging, manager, mailoutbox):
    ReportSubscriptionFactory(user=manager, weekly_email=False)
    emerging(WEEK)

    assert trend_report_mail(trend_report_build(WEEK)) == 0
    assert mailoutbox == []


def test_the_weekly_task_builds_last_weeks_report_and_mails_it(emerging, subscribers, mailoutbox):
    week = last_complete_week()
    emerging(week)

    pk = build_weekly_trend_report.delay().get()

    report = TrendReport.objects.get()
    assert report.pk == pk
    assert report.week == week
    assert report.data["emerging"][0]["count"] == 12
    (message,) = mailoutbox
    assert message.subject == f"Insight trends, week of {week:%Y-%m-%d}"
    assert sorted(message.bcc) == subscribers


def test_the_weekly_task_with_mail_true_builds_the_week_it_is_given(
    emerging, subscribers, mailoutbox
):
    emerging(WEEK)

    build_weekly_trend_report.delay("2025-03-12", mail=True)

    assert TrendReport.objects.get().week == WEEK
    assert [message.subject for message in mailoutbox] == ["Insight trends, week of 2025-03-10"]


def test_the_weekly_task_without_mail_only_builds(emerging, subscribers, mailoutbox):
    emerging(WEEK)

    build_weekly_trend_report.delay(WEEK.isoformat(), mail=False)

    assert TrendReport.objects.filter(week=WEEK).exists()
    assert mailoutbox == []


def test_a_subscriber_whose_role_no_longer_opens_reports_is_not_mailed(
    emerging, subscribers, medinfo, mailoutbox
):
    """The e-mail is the report: it goes only to people who may open /reports/. A manager
    who became an MSL keeps their subscription row, as does anyone given one in the admin;
    neither may read the report on the site (403), so neither gets it by e-mail."""
    former_manager = UserFactory(username="former-manager", roles=[Role.MSL])
    ReportSubscriptionFactory(user=former_manager)
    ReportSubscriptionFactory(user=medinfo)
    emerging(WEEK)

    trend_report_mail(trend_report_build(WEEK))

    (message,) = mailoutbox
    assert sorted(message.bcc) == subscribers
