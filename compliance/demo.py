"""Demo compliance rules, and a few months of violations so the trend has a shape."""

import datetime as dt
import random

from django.utils import timezone

from accounts.models import User
from catalog.models import Product

from .models import (
    CheckedText,
    MatchKind,
    ProductCertification,
    RequiredInteractionField,
    RestrictedTerm,
    Severity,
    TermPurpose,
    Violation,
    ViolationOutcome,
)

ALL_TEXTS = list(CheckedText.values)
# What each restricted (not adverse-event) term below matched in the demo history.
SAMPLES = ["cure", "best-in-class", "no side effects", "safe and effective", "free samples"]
TERMS = [
    dict(
        pattern="cure",
        match_kind=MatchKind.WORD,
        severity=Severity.BLOCK,
        explanation="Claims of cure are promotional and not supported by the label.",
        suggestion="durable response in the studied population",
    ),
    dict(
        pattern="best-in-class",
        match_kind=MatchKind.PHRASE,
        severity=Severity.BLOCK,
        explanation="Comparative superlatives are promotional claims.",
        suggestion="describe the trial results without comparison",
    ),
    dict(
        pattern=r"\b(no|zero) side[- ]effects?\b",
        match_kind=MatchKind.PATTERN,
        severity=Severity.BLOCK,
        explanation="Every medicine has side effects; this misstates the safety profile.",
        suggestion="a tolerability profile consistent with the label",
    ),
    dict(
        pattern="safe and effective",
        match_kind=MatchKind.PHRASE,
        severity=Severity.WARN,
        explanation="Only in the approved indication, and with the label's qualifiers.",
        suggestion="demonstrated efficacy and tolerability in the approved indication",
    ),
    dict(
        pattern="free samples",
        match_kind=MatchKind.PHRASE,
        severity=Severity.WARN,
        explanation="Field medical does not offer samples; refer the request to the company.",
        suggestion="",
    ),
    dict(
        pattern=r"\b(rash|hospitali[sz]ed|died|liver injury|anaphylaxis)\b",
        match_kind=MatchKind.PATTERN,
        severity=Severity.WARN,
        purpose=TermPurpose.ADVERSE_EVENT,
        explanation="A patient's side effect reported to an MSL must reach drug safety "
        "within one business day.",
        suggestion="",
    ),
]


def seed(stdout) -> None:
    if RestrictedTerm.objects.exists():
        stdout.write("Compliance rules: already there, none added.")
        return
    terms = [RestrictedTerm.objects.create(fields=ALL_TEXTS, **term) for term in TERMS]
    RequiredInteractionField.objects.get_or_create(
        interaction_type="advisory_board", field="objectives"
    )
    msls = list(User.objects.filter(groups__name="MSL").order_by("username"))
    _certify(msls)
    rng = random.Random(11)  # noqa: S311 - repeatable demo data, not a secret
    now = timezone.now()
    violations = []
    for week in range(12):
        for _ in range(rng.randint(0, 4)):
            term, sample = rng.choice(list(zip(terms, SAMPLES, strict=False)))
            outcome = (
                ViolationOutcome.BLOCKED
                if term.severity == Severity.BLOCK
                else rng.choice([ViolationOutcome.WARNED, ViolationOutcome.ACKNOWLEDGED])
            )
            violations.append(
                Violation(
                    user=rng.choice(msls),
                    term=term,
                    rule=f"Restricted term “{term.pattern}”",
                    field=CheckedText.INTERACTION_NOTES,
                    matched_text=sample,
                    outcome=outcome,
                    occurred_at=now - dt.timedelta(weeks=week, days=rng.randint(0, 4)),
                    record_label="Interaction of that day"
                    if outcome == ViolationOutcome.ACKNOWLEDGED
                    else "",
                )
            )
    if msls:
        Violation.objects.bulk_create(violations)
    stdout.write(
        f"Compliance rules: {len(terms)} restricted terms, {len(violations)} past violations."
    )


def _certify(msls) -> None:
    """Certify the demo MSLs for every product; one certification runs out soon, so the
    MSL's day has something to warn about."""
    today = timezone.localdate()
    products = list(Product.objects.order_by("name"))
    ProductCertification.objects.bulk_create(
        ProductCertification(
            user=msl,
            product=product,
            certified_on=today - dt.timedelta(days=200),
            expires_on=today + dt.timedelta(days=20 if index == 0 else 165),
            note="Demo product training",
        )
        for msl in msls
        for index, product in enumerate(products)
    )
