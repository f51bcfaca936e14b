import uuid

import factory
from django.utils import timezone

from compliance.models import (
    CheckedText,
    MatchKind,
    RestrictedTerm,
    SafetyReport,
    Severity,
    TermPurpose,
    Violation,
    ViolationOutcome,
)
from msl_crm.business_days import add_business_days

from .accounts import UserFactory


class RestrictedTermFactory(factory.django.DjangoModelFactory):
    """An active whole-word warning on interaction notes. Saved without `clean`, as a row
    forced into the database would be; go through the admin to test validation."""

    class Meta:
        model = RestrictedTerm

    pattern = factory.Sequence(lambda n: f"restrictedword{n}")
    match_kind = MatchKind.WORD
    case_sensitive = False
    fields = factory.LazyFunction(lambda: [CheckedText.INTERACTION_NOTES])
    severity = Severity.WARN
    purpose = TermPurpose.RESTRICTED
    explanation = "Promotional wording is not allowed in scientific exchange."
    suggestion = ""
    is_active = True


class ViolationFactory(factory.django.DjangoModelFactory):
    """A blocked hit on interaction notes that was never saved; pass occurred_at=… to date
    it."""

    class Meta:
        model = Violation

    user = factory.SubFactory(UserFactory)
    term = None
    rule = factory.Sequence(lambda n: f"Restricted term “word{n}”")
    field = CheckedText.INTERACTION_NOTES
    matched_text = factory.Sequence(lambda n: f"word{n}")
    outcome = ViolationOutcome.BLOCKED
    occurred_at = factory.LazyFunction(timezone.now)


class SafetyReportFactory(factory.django.DjangoModelFactory):
    """A pending report learned of an hour ago, due one business day later."""

    class Meta:
        model = SafetyReport

    reporter = factory.SubFactory(UserFactory)
    learned_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(hours=1))
    deadline = factory.LazyAttribute(lambda report: add_business_days(report.learned_at, 1))
    receipt_id = factory.LazyFunction(uuid.uuid4)
    event = "Rash after the second dose."
