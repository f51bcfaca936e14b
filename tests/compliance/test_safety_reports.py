"""Adverse events: a flagged interaction or inquiry gets a safety report in the same
transaction, forwarded to drug safety after the commit, at least once and counted once;
a mail server or broker that is down leaves the report pending, never the save failed, and
the resend task delivers it later. Compliance sees what is still waiting, and what is late."""

import datetime as dt
import logging

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from compliance.models import (
    CompliancePolicy,
    SafetyReport,
    SafetyReportStatus,
)
from compliance.safety import safety_report_forward
from compliance.tasks import forward_safety_report, resend_pending_safety_reports
from inquiries.models import MedicalInquiry
from interactions.models import Interaction, InteractionStatus
from msl_crm.celery import app
from tests.compliance.pages import TIME_FORMAT, inquiry_data, log_data
from tests.factories import (
    InteractionFactory,
    KOLFactory,
    ProductFactory,
    SafetyReportFactory,
)
from tests.inquiries.workflow import raise_inquiry

pytestmark = pytest.mark.django_db

MAILBOX = "intake@drug-safety.example.com"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


class FailingEmailBackend(BaseEmailBackend):
    """A mail server that refuses every connection."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


@pytest.fixture(autouse=True)
def policy(db):
    policy = CompliancePolicy.current()
    policy.drug_safety_mailbox = MAILBOX
    policy.save()
    return policy


@pytest.fixture
def kol(organisation):
    return KOLFactory(territory=organisation["boston"], last_name="Alvarez")


@pytest.fixture
def product(db):
    return ProductFactory(name="Oncozumab")


def flagged(kol, product, **changes) -> dict:
    fields = {
        "notes": "Dr Alvarez mentioned a patient on Oncozumab.",
        "products": [product.pk],
        "adverse_event_mentioned": "on",
        "ae_patient": "woman in her 60s",
        "ae_event": "Severe rash after the second infusion.",
    }
    return log_data(kol, **(fields | changes))


def safety_mails():
    return [message for message in mail.outbox if MAILBOX in message.to]


def test_a_flagged_interaction_gets_one_report_forwarded_after_the_commit(
    client, msl, kol, product, django_capture_on_commit_callbacks
):
    client.force_login(msl)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post("/interactions/new/", flagged(kol, product))

    assert response.status_code == 302
    interaction = Interaction.objects.get()
    report = SafetyReport.objects.get()
    assert report.interaction == interaction
    assert (report.reporter, report.kol, report.product) == (msl, kol, product)
    assert report.patient == "woman in her 60s"
    assert report.event == "Severe rash after the second infusion."
    assert report.learned_at == interaction.occurred_at
    assert report.status == SafetyReportStatus.FORWARDED
    assert report.forwarded_at is not None
    assert report.attempts == 1
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [MAILBOX]
    assert message.extra_headers["X-Safety-Report-Receipt"] == str(report.receipt_id)
    assert str(report.receipt_id) in message.subject
    assert "Severe rash after the second infusion." in message.body


def test_the_report_is_queued_only_once_the_save_commits(
    client, msl, kol, product, django_capture_on_commit_callbacks
):
    client.force_login(msl)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post("/interactions/new/", flagged(kol, product))

    assert SafetyReport.objects.get().status == SafetyReportStatus.PENDING
    assert mail.outbox == [], "nothing leaves before the transaction commits"
    assert len(callbacks) == 1

    callbacks[0]()

    assert len(mail.outbox) == 1
    assert SafetyReport.objects.get().status == SafetyReportStatus.FORWARDED


def test_the_details_are_optional_and_the_report_says_what_is_missing(
    client, msl, kol, django_capture_on_commit_callbacks
):
    client.force_login(msl)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/interactions/new/",
            log_data(kol, notes="A patient was hospitalised.", adverse_event_mentioned="on"),
        )

    report = SafetyReport.objects.get()
    assert report.event == "A patient was hospitalised.", "the notes stand in for the event"
    assert report.missing_elements == ["an identifiable patient", "the company's product"]
    assert "Still missing for a valid case" in mail.outbox[0].body


def test_the_deadline_is_one_business_day_after_a_friday_meeting(
    client, msl, kol, product, django_capture_on_commit_callbacks
):
    friday_afternoon = timezone.make_aware(dt.datetime(2025, 6, 13, 16, 0))
    meeting = timezone.make_aware(dt.datetime(2025, 6, 13, 14, 30))
    client.force_login(msl)

    with (
        time_machine.travel(friday_afternoon, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(
            "/interactions/new/", flagged(kol, product, occurred_at=meeting.strftime(TIME_FORMAT))
        )

    report = SafetyReport.objects.get()
    assert report.learned_at == meeting
    assert report.deadline == timezone.make_aware(dt.datetime(2025, 6, 16, 14, 30))
    assert timezone.localtime(report.deadline).strftime("%A") == "Monday"


def test_the_deadline_runs_from_when_the_msl_says_they_learned_of_it(
    client, msl, kol, product, django_capture_on_commit_callbacks
):
    wednesday = timezone.make_aware(dt.datetime(2025, 6, 11, 12, 0))
    learned = timezone.make_aware(dt.datetime(2025, 6, 10, 9, 15))
    client.force_login(msl)

    with (
        time_machine.travel(wednesday, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(
            "/interactions/new/", flagged(kol, product, ae_learned_at=learned.strftime(TIME_FORMAT))
        )

    report = SafetyReport.objects.get()
    assert report.learned_at == learned
    assert report.deadline == timezone.make_aware(dt.datetime(2025, 6, 11, 9, 15))


def test_flagging_on_edit_reports_once_however_often_it_is_saved(
    client, msl, kol, product, django_capture_on_commit_callbacks
):
    interaction = InteractionFactory(owner=msl, kols=[kol])
    client.force_login(msl)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/interactions/{interaction.pk}/edit/",
            flagged(kol, product, version=interaction.version),
        )
        client.post(
            f"/interactions/{interaction.pk}/edit/",
            flagged(kol, product, version=interaction.version + 1, ae_patient="woman, 64"),
        )

    assert Interaction.objects.get(pk=interaction.pk).version == interaction.version + 2
    report = SafetyReport.objects.get()
    assert report.interaction_id == interaction.pk
    assert len(safety_mails()) == 1


def test_forwarding_again_sends_nothing_more(
    client, msl, kol, product, django_capture_on_commit_callbacks
):
    client.force_login(msl)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/interactions/new/", flagged(kol, product))
    report = SafetyReport.objects.get()

    again = safety_report_forward(report.pk)
    by_task = forward_safety_report.delay(report.pk).get()
    resent = resend_pending_safety_reports.delay().get()

    assert again is False
    assert by_task is False
    assert resent == 0
    assert len(mail.outbox) == 1
    report.refresh_from_db()
    assert report.status == SafetyReportStatus.FORWARDED
    assert report.attempts == 1
    assert SafetyReport.objects.count() == 1


def test_a_mail_server_that_is_down_leaves_the_report_pending_and_the_save_done(
    client, msl, kol, product, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.FailingEmailBackend"
    client.force_login(msl)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/interactions/new/", flagged(kol, product))

    assert response.status_code == 302
    interaction = Interaction.objects.get()
    assert interaction.adverse_event_mentioned
    report = SafetyReport.objects.get()
    assert report.status == SafetyReportStatus.PENDING
    assert report.attempts > 0
    assert report.last_error == "ConnectionRefusedError: mail server down"
    assert report.forwarded_at is None

    settings.EMAIL_BACKEND = LOCMEM
    resent = resend_pending_safety_reports.delay().get()

    assert resent == 1
    report.refresh_from_db()
    assert report.status == SafetyReportStatus.FORWARDED
    assert report.last_error == ""
    assert len(safety_mails()) == 1
    assert mail.outbox[0].extra_headers["X-Safety-Report-Receipt"] == str(report.receipt_id)

    assert resend_pending_safety_reports.delay().get() == 0
    assert len(safety_mails()) == 1


def test_a_missing_mailbox_keeps_the_report_pending_with_the_reason(
    client, msl, kol, product, policy, django_capture_on_commit_callbacks
):
    policy.drug_safety_mailbox = ""
    policy.save()
    client.force_login(msl)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/interactions/new/", flagged(kol, product))

    assert response.status_code == 302
    report = SafetyReport.objects.get()
    assert report.status == SafetyReportStatus.PENDING
    assert "No drug-safety mailbox" in report.last_error
    assert mail.outbox == []


def _drop_broker_connections():
    """Forget pooled broker connections, so the next publish connects to the configured
    broker instead of reusing one made for an earlier configuration. (Not `app.close()`:
    that also unregisters the app, and tasks imported afterwards would not be found.)"""
    app._pool = None  # kombu keeps the pool itself, shared: it is not ours to close
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


def test_a_broker_that_is_down_leaves_the_report_pending_and_the_save_done(
    client, msl, kol, product, redis_url, caplog, django_capture_on_commit_callbacks
):
    keys = (
        "task_always_eager",
        "broker_url",
        "broker_connection_timeout",
        "broker_connection_retry",
        "task_publish_retry",
    )
    saved = {key: app.conf[key] for key in keys}
    client.force_login(msl)
    try:
        _drop_broker_connections()
        app.conf.update(
            task_always_eager=False,
            broker_url="redis://127.0.0.1:1/0",
            broker_connection_timeout=1,
            broker_connection_retry=False,
            task_publish_retry=False,
        )
        with (
            caplog.at_level(logging.WARNING, logger="compliance.safety"),
            django_capture_on_commit_callbacks(execute=True) as callbacks,
        ):
            response = client.post("/interactions/new/", flagged(kol, product))
    finally:
        _drop_broker_connections()
        app.conf.update(saved)

    assert len(callbacks) == 1, "the forwarding was attempted after the commit"
    assert "not queued now; the resend task will" in caplog.text, "the publish failed"
    assert response.status_code == 302
    assert Interaction.objects.get().adverse_event_mentioned
    report = SafetyReport.objects.get()
    assert report.status == SafetyReportStatus.PENDING
    assert report.attempts == 0, "the task never ran"
    assert mail.outbox == []

    resent = resend_pending_safety_reports.delay().get()

    assert resent == 1
    report.refresh_from_db()
    assert report.status == SafetyReportStatus.FORWARDED
    assert len(safety_mails()) == 1


def test_an_inquiry_raised_with_an_adverse_event_gets_its_report(
    msl, kol, product, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        inquiry = raise_inquiry(
            msl,
            kol,
            product=product,
            adverse_event_mentioned=True,
            question="A patient had a seizure on Oncozumab: is that known?",
        )

    report = SafetyReport.objects.get()
    assert report.inquiry == inquiry
    assert report.interaction is None
    assert (report.reporter, report.kol, report.product) == (msl, kol, product)
    assert report.event == "A patient had a seizure on Oncozumab: is that known?"
    assert report.learned_at == inquiry.requested_at
    assert report.status == SafetyReportStatus.FORWARDED
    assert len(safety_mails()) == 1
    assert f"Medical inquiry #{inquiry.pk}" in mail.outbox[0].body


def test_an_inquiry_without_an_adverse_event_gets_no_report(
    msl, kol, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        raise_inquiry(msl, kol)

    assert not SafetyReport.objects.exists()
    assert mail.outbox == []


def test_an_open_inquiry_corrected_to_mention_an_adverse_event_gets_its_report(
    client, msl, kol, django_capture_on_commit_callbacks
):
    inquiry = raise_inquiry(msl, kol, question="A patient had a seizure: is that known?")
    client.force_login(msl)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/inquiries/{inquiry.pk}/edit/",
            inquiry_data(
                kol,
                question=inquiry.question,
                adverse_event_mentioned="on",
                unsolicited_attested=None,
                signature=None,
            ),
        )

    assert response.status_code == 302
    assert MedicalInquiry.objects.get(pk=inquiry.pk).adverse_event_mentioned
    report = SafetyReport.objects.get()
    assert report.inquiry == inquiry
    assert len(safety_mails()) == 1


def test_an_inquiry_is_reported_once_however_often_the_flag_is_corrected(
    client, msl, kol, django_capture_on_commit_callbacks
):
    inquiry = raise_inquiry(msl, kol, question="A patient had a seizure: is that known?")
    client.force_login(msl)
    url = f"/inquiries/{inquiry.pk}/edit/"

    def edit(**changes):
        data = inquiry_data(
            kol, question=inquiry.question, unsolicited_attested=None, signature=None
        )
        return client.post(url, data | changes)

    with django_capture_on_commit_callbacks(execute=True):
        flagged_response = edit(adverse_event_mentioned="on")
        unflagged_response = edit(urgency="urgent")
        reflagged_response = edit(adverse_event_mentioned="on", urgency="urgent")

    assert {flagged_response.status_code, unflagged_response.status_code} == {302}
    assert reflagged_response.status_code == 302
    assert MedicalInquiry.objects.get(pk=inquiry.pk).adverse_event_mentioned
    assert SafetyReport.objects.filter(inquiry=inquiry).count() == 1, "one event, one report"
    assert len(safety_mails()) == 1


def test_an_amendment_that_records_an_adverse_event_gets_its_report(
    client, msl, kol, django_capture_on_commit_callbacks
):
    interaction = InteractionFactory(
        owner=msl,
        kols=[kol],
        status=InteractionStatus.LOCKED,
        notes="A patient was hospitalised after the infusion.",
        first_submitted_at=timezone.now(),
        submitted_at=timezone.now(),
    )
    client.force_login(msl)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/interactions/{interaction.pk}/amend/",
            {
                "notes": interaction.notes,
                "duration_minutes": "45",
                "adverse_event_mentioned": "on",
                "reason": "Forgot to flag the adverse event",
            },
        )

    assert response.status_code == 302
    assert Interaction.objects.get(pk=interaction.pk).adverse_event_mentioned
    report = SafetyReport.objects.get()
    assert report.interaction_id == interaction.pk
    assert len(safety_mails()) == 1


def test_the_interaction_page_says_where_the_report_stands(
    client, msl, kol, product, django_capture_on_commit_callbacks
):
    client.force_login(msl)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/interactions/new/", flagged(kol, product))
    interaction = Interaction.objects.get()
    report = SafetyReport.objects.get()

    page = client.get(f"/interactions/{interaction.pk}/").content.decode()

    status = page[page.index('data-testid="safety-status"') :]
    status = status[: status.index("</div>")]
    assert f"Safety report #{report.pk}: forwarded to drug safety on" in status


def report_cell(page: str, report) -> str:
    """The first cell of the report's row on /compliance/."""
    table = page[page.index('data-testid="safety-reports"') :]
    start = table.index(f"<td>#{report.pk}")
    return table[start : table.index("</td>", start)]


def test_compliance_sees_pending_reports_and_which_are_late(client, compliance_user, msl):
    now = timezone.now()
    late = SafetyReportFactory(
        reporter=msl, learned_at=now - dt.timedelta(days=4), deadline=now - dt.timedelta(hours=1)
    )
    due = SafetyReportFactory(
        reporter=msl, learned_at=now - dt.timedelta(hours=1), deadline=now + dt.timedelta(days=1)
    )
    forwarded = SafetyReportFactory(
        reporter=msl,
        learned_at=now - dt.timedelta(days=5),
        deadline=now - dt.timedelta(days=4),
        status=SafetyReportStatus.FORWARDED,
        forwarded_at=now - dt.timedelta(days=5),
    )
    client.force_login(compliance_user)

    page = client.get("/compliance/").content.decode()

    assert 'data-testid="safety-reports"' in page
    assert "Late" in report_cell(page, late)
    assert "Late" not in report_cell(page, due)
    assert f"<td>#{forwarded.pk}" not in page
    assert page.index(f"<td>#{late.pk}") < page.index(f"<td>#{due.pk}"), "most urgent first"


def test_a_report_becomes_late_when_its_deadline_passes(client, compliance_user, msl):
    friday = timezone.make_aware(dt.datetime(2025, 6, 13, 10, 0))
    report = SafetyReportFactory(reporter=msl, learned_at=friday)
    client.force_login(compliance_user)

    with time_machine.travel(friday + dt.timedelta(days=3, hours=-1), tick=False):
        on_monday_morning = client.get("/compliance/").content.decode()
    with time_machine.travel(friday + dt.timedelta(days=3, hours=1), tick=False):
        after_the_deadline = client.get("/compliance/").content.decode()

    assert "Late" not in report_cell(on_monday_morning, report)
    assert "Late" in report_cell(after_the_deadline, report)


def test_the_reason_a_report_waits_is_shown(client, compliance_user, msl):
    SafetyReportFactory(reporter=msl, attempts=3, last_error="ConnectionRefusedError: down")
    client.force_login(compliance_user)

    page = client.get("/compliance/").content.decode()

    assert "ConnectionRefusedError: down" in page


def test_nothing_waiting_is_said_plainly(client, compliance_user):
    client.force_login(compliance_user)

    page = client.get("/compliance/").content.decode()

    assert 'data-testid="safety-reports"' not in page
    assert "Every safety report has reached drug safety." in page


def test_a_refused_save_still_sends_the_adverse_event_and_the_retry_links_it(
    client, msl, kol, django_capture_on_commit_callbacks
):
    from compliance.models import RestrictedTerm, SafetyReport
    from interactions.models import Interaction
    from tests.compliance.pages import log_data

    RestrictedTerm.objects.create(
        pattern="cure",
        match_kind="word",
        fields=["interaction_notes"],
        severity="block",
        explanation="Promotional.",
    )
    client.force_login(msl)
    flagged = {"adverse_event_mentioned": "on", "ae_event": "Rash after the second dose"}

    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post("/interactions/new/", log_data(kol, notes="A cure.", **flagged))
    report = SafetyReport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post("/interactions/new/", log_data(kol, notes="Rash seen.", **flagged))

    assert refused.status_code == 200
    assert "went to drug safety" in refused.content.decode()
    assert saved.status_code == 302
    assert SafetyReport.objects.count() == 1
    report.refresh_from_db()
    assert report.interaction == Interaction.objects.get()
    assert report.event == "Rash after the second dose"
