"""Escalating overdue inquiries: one e-mail a day per overdue inquiry still owed an answer,
to its assignee and the Medical Information group, however often the task runs."""

import datetime as dt

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from accounts.roles import Role
from inquiries.models import Escalation, InquiryStatus
from inquiries.services import overdue_inquiries_escalate
from inquiries.tasks import escalate_overdue_inquiries
from tests.factories import MedicalInquiryFactory, UserFactory

pytestmark = pytest.mark.django_db

S = InquiryStatus
TODAY = dt.date(2026, 11, 25)  # a Wednesday


@pytest.fixture
def team(medinfo, medinfo2):
    """The Medical Information group as the escalation sees it: two active members with an
    address, one who left, one without an address."""
    UserFactory(username="gone", roles=[Role.MEDICAL_INFORMATION], is_active=False)
    UserFactory(username="noaddress", roles=[Role.MEDICAL_INFORMATION], email="")
    return sorted([medinfo.email, medinfo2.email])


def overdue(msl, kol, **fields):
    fields.setdefault("deadline", TODAY - dt.timedelta(days=2))
    return MedicalInquiryFactory(raised_by=msl, kol=kol, **fields)


def test_each_overdue_inquiry_is_mailed_to_the_assignee_and_the_team(msl, kol, team, medinfo):
    unassigned = overdue(msl, kol)
    former_colleague = UserFactory(username="former", email="former@example.com")
    assigned = overdue(msl, kol, status=S.ASSIGNED, assignee=former_colleague)

    assert overdue_inquiries_escalate(today=TODAY) == 2

    by_subject = {message.subject: message for message in mail.outbox}
    assert len(mail.outbox) == 2
    first = by_subject[f"Overdue: inquiry #{unassigned.pk} was due {unassigned.deadline}"]
    assert first.to == team
    second = by_subject[f"Overdue: inquiry #{assigned.pk} was due {assigned.deadline}"]
    assert second.to == sorted([*team, "former@example.com"])
    assert "Assigned to: nobody yet" in first.body
    assert f"/inquiries/{assigned.pk}/" in second.body
    assert set(Escalation.objects.values_list("inquiry_id", "on_date")) == {
        (unassigned.pk, TODAY),
        (assigned.pk, TODAY),
    }


def test_an_assignee_in_the_team_is_mailed_once(msl, kol, team, medinfo):
    overdue(msl, kol, status=S.ASSIGNED, assignee=medinfo)

    overdue_inquiries_escalate(today=TODAY)

    (message,) = mail.outbox
    assert message.to == team


@pytest.mark.parametrize("status", [S.OPEN, S.ASSIGNED, S.IN_REVIEW, S.APPROVED])
def test_every_status_still_owed_an_answer_is_escalated(msl, kol, team, status):
    overdue(msl, kol, status=status)

    assert overdue_inquiries_escalate(today=TODAY) == 1


@pytest.mark.parametrize("status", [S.DELIVERED, S.CLOSED, S.CANCELLED])
def test_answered_or_cancelled_inquiries_are_never_escalated(msl, kol, team, status):
    overdue(msl, kol, status=status, deadline=TODAY - dt.timedelta(days=30))

    assert overdue_inquiries_escalate(today=TODAY) == 0
    assert mail.outbox == []
    assert not Escalation.objects.exists()


def test_an_inquiry_due_today_is_not_yet_overdue(msl, kol, team):
    overdue(msl, kol, deadline=TODAY)

    assert overdue_inquiries_escalate(today=TODAY) == 0
    assert mail.outbox == []


def test_running_again_the_same_day_sends_nothing(msl, kol, team):
    overdue(msl, kol)
    overdue_inquiries_escalate(today=TODAY)

    assert overdue_inquiries_escalate(today=TODAY) == 0
    assert len(mail.outbox) == 1
    assert Escalation.objects.count() == 1


def test_the_next_day_it_is_escalated_again(msl, kol, team):
    inquiry = overdue(msl, kol)
    overdue_inquiries_escalate(today=TODAY)
    tomorrow = TODAY + dt.timedelta(days=1)

    assert overdue_inquiries_escalate(today=tomorrow) == 1
    assert len(mail.outbox) == 2
    assert list(
        Escalation.objects.filter(inquiry=inquiry).order_by("on_date").values_list("on_date")
    ) == [(TODAY,), (tomorrow,)]


def test_an_inquiry_answered_since_is_no_longer_escalated(msl, kol, team):
    inquiry = overdue(msl, kol)
    overdue_inquiries_escalate(today=TODAY)
    inquiry.status = S.DELIVERED
    inquiry.save()

    assert overdue_inquiries_escalate(today=TODAY + dt.timedelta(days=1)) == 0
    assert len(mail.outbox) == 1


def test_nobody_to_mail_leaves_the_inquiry_for_a_later_run(msl, kol):
    # No Medical Information user and no assignee: nothing is sent, nothing is marked sent.
    overdue(msl, kol)

    assert overdue_inquiries_escalate(today=TODAY) == 0
    assert mail.outbox == []
    assert not Escalation.objects.exists()


def test_the_celery_task_escalates_what_is_overdue_today(msl, kol, team):
    today = timezone.localdate()
    late = overdue(msl, kol, deadline=today - dt.timedelta(days=1))
    overdue(msl, kol, deadline=today + dt.timedelta(days=3))

    assert escalate_overdue_inquiries.delay().get() == 1

    (message,) = mail.outbox
    assert message.subject == f"Overdue: inquiry #{late.pk} was due {late.deadline}"
    assert message.to == team
    assert Escalation.objects.get().inquiry == late
    assert escalate_overdue_inquiries.delay().get() == 0


def test_the_escalation_runs_hourly_on_weekdays():
    task = PeriodicTask.objects.get(task="inquiries.tasks.escalate_overdue_inquiries")

    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("20", "*", "1-5")


class FailingOnce(EmailBackend):
    """A mail server that refuses the first message and accepts the rest."""

    failed = False

    def send_messages(self, messages):
        if not FailingOnce.failed:
            FailingOnce.failed = True
            raise ConnectionRefusedError("mail server hiccup")
        return super().send_messages(messages)


def test_one_failing_mail_does_not_stop_the_other_escalations(msl, kol, settings):
    """The first send fails; the next inquiry is still escalated, and the failed one is
    retried on the next run because its escalation row was rolled back."""
    FailingOnce.failed = False
    settings.EMAIL_BACKEND = f"{__name__}.FailingOnce"
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    first = MedicalInquiryFactory(raised_by=msl, kol=kol, deadline=yesterday)
    second = MedicalInquiryFactory(raised_by=msl, kol=kol, deadline=yesterday)
    UserFactory(username="mi", email="mi@example.com", roles=[Role.MEDICAL_INFORMATION])

    assert overdue_inquiries_escalate() == 1
    assert overdue_inquiries_escalate() == 1

    assert Escalation.objects.filter(inquiry__in=[first, second]).count() == 2
    assert len(mail.outbox) == 2
