"""Data retention: free text past the retention period is pseudonymised by the nightly
task; the records, their structure and the audit trail stay."""

import datetime as dt

import pytest
from django.utils import timezone

from compliance.models import AuditEntry, CompliancePolicy
from compliance.retention import REMOVED
from compliance.selectors import audit_chain_verify
from compliance.tasks import apply_data_retention
from inquiries.models import InquiryStatus, MedicalInquiry
from interactions.models import Insight, Interaction, InteractionStatus
from tests.factories import InsightTopicFactory, InteractionFactory, KOLFactory
from tests.inquiries.workflow import PNG_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def kol(organisation):
    return KOLFactory(territory=organisation["boston"])


def aged(msl, kol, days: int, status=InteractionStatus.LOCKED) -> Interaction:
    when = timezone.now() - dt.timedelta(days=days)
    interaction = InteractionFactory(
        owner=msl,
        kols=[kol],
        status=status,
        occurred_at=when,
        first_submitted_at=when,
        submitted_at=when,
        notes="Dr K. said her patient in bed 4 relapsed.",
        objectives="Ask about the relapse.",
        location="Ward 4",
    )
    insight = Insight.objects.create(
        interaction=interaction,
        kol=kol,
        author=msl,
        topic=InsightTopicFactory(parent=InsightTopicFactory()),
        category="unmet_need",
        sentiment="negative",
        text="My patient Mrs B. had no options left.",
    )
    Insight.objects.filter(pk=insight.pk).update(created_at=when)
    return interaction


def closed_inquiry(msl, kol, days: int) -> MedicalInquiry:
    from tests.factories import MedicalInquiryFactory

    inquiry = MedicalInquiryFactory(
        raised_by=msl,
        kol=kol,
        question="Can Mr T. take it with warfarin?",
        signed_at=timezone.now(),
    )
    MedicalInquiry.objects.filter(pk=inquiry.pk).update(
        status=InquiryStatus.CLOSED,
        created_at=timezone.now() - dt.timedelta(days=days),
        signature_png=PNG_BYTES,
    )
    return inquiry


def test_old_free_text_is_pseudonymised_and_recent_text_kept(msl, kol):
    policy = CompliancePolicy.current()
    policy.retention_days = 365
    policy.save()
    old, recent = aged(msl, kol, 400), aged(msl, kol, 30)
    old_inquiry, recent_inquiry = closed_inquiry(msl, kol, 400), closed_inquiry(msl, kol, 30)

    result = apply_data_retention.delay().get()

    assert result == {"interactions": 1, "insights": 1, "inquiries": 1, "reports": 0}
    old.refresh_from_db()
    assert (old.notes, old.objectives, old.location) == (REMOVED, REMOVED, "")
    assert old.insights.get().text == REMOVED
    assert recent.insights.get().text.startswith("My patient")
    assert Interaction.objects.get(pk=recent.pk).notes.startswith("Dr K.")
    old_inquiry.refresh_from_db()
    assert (old_inquiry.question, old_inquiry.requested_by) == (REMOVED, REMOVED)
    assert old_inquiry.signature_png is None
    assert MedicalInquiry.objects.get(pk=recent_inquiry.pk).question.startswith("Can Mr T.")


def test_the_audit_trail_records_the_clearing_without_copying_the_text(msl, kol):
    policy = CompliancePolicy.current()
    policy.retention_days = 365
    policy.save()
    old = aged(msl, kol, 400)

    apply_data_retention.delay().get()

    entry = AuditEntry.objects.filter(
        content_type__model="interaction", object_id=str(old.pk)
    ).latest("sequence")
    assert entry.reason == "Retention period passed"
    assert "relapsed" not in str(entry.changes)
    assert audit_chain_verify().ok


def test_retention_runs_once_and_never_touches_open_work(msl, kol):
    policy = CompliancePolicy.current()
    policy.retention_days = 365
    policy.save()
    aged(msl, kol, 400)
    draft = aged(msl, kol, 400, status=InteractionStatus.DRAFT)

    first = apply_data_retention.delay().get()
    second = apply_data_retention.delay().get()

    assert (first["interactions"], first["insights"]) == (1, 1)
    assert second == {"interactions": 0, "insights": 0, "inquiries": 0, "reports": 0}
    assert Interaction.objects.get(pk=draft.pk).notes.startswith("Dr K.")
    assert draft.insights.get().text.startswith("My patient")


def test_a_zero_retention_period_keeps_everything(msl, kol):
    policy = CompliancePolicy.current()
    policy.retention_days = 0
    policy.save()
    old = aged(msl, kol, 4000)

    assert apply_data_retention.delay().get() == {}
    assert Interaction.objects.get(pk=old.pk).notes.startswith("Dr K.")
