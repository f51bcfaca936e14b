"""Reads of the compliance app."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Max, Q, QuerySet
from django.db.models.functions import TruncDate

from .audit_chain import compute_entry_hash
from .models import (
    GENESIS_HASH,
    AuditChainHead,
    AuditEntry,
    ProductCertification,
    SafetyReport,
    SafetyReportStatus,
    Violation,
    ViolationOutcome,
)


@dataclass(frozen=True)
class ChainVerification:
    ok: bool
    checked: int
    broken_sequence: int | None = None
    broken_entry_id: int | None = None
    problem: str = ""

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "broken_sequence": self.broken_sequence,
            "broken_entry_id": self.broken_entry_id,
            "problem": self.problem,
        }


def audit_chain_verify(*, chunk_size: int = 2000) -> ChainVerification:
    """Walk the whole audit chain in order and stop at the first entry that does not hold.

    An edited entry no longer matches its own hash; a removed entry leaves a gap in the
    sequence or a head that points past the last entry; entries moved about no longer name
    their predecessor's hash.
    """
    # The head first: entries written while the walk runs lie beyond it and are checked next
    # time, instead of looking like a chain whose head was tampered with.
    head = AuditChainHead.objects.filter(pk=AuditChainHead.SINGLETON_ID).first()
    if head is None:
        if AuditEntry.objects.exists():
            return ChainVerification(False, 0, None, None, "the chain head record is missing")
        return ChainVerification(True, 0)
    expected_sequence = 1
    previous_hash = GENESIS_HASH
    checked = 0
    entries = (
        AuditEntry.objects.filter(sequence__lte=head.last_sequence)
        .order_by("sequence")
        .iterator(chunk_size=chunk_size)
    )
    for entry in entries:
        # Content types are cached by Django, so this costs no query per entry.
        entry.content_type = ContentType.objects.get_for_id(entry.content_type_id)
        problem = _entry_problem(entry, expected_sequence, previous_hash)
        if problem:
            return ChainVerification(False, checked, entry.sequence, entry.pk, problem)
        checked += 1
        expected_sequence = entry.sequence + 1
        previous_hash = entry.entry_hash

    last_sequence = expected_sequence - 1
    if (head.last_sequence, head.last_hash) != (last_sequence, previous_hash):
        return ChainVerification(
            False,
            checked,
            last_sequence + 1,
            None,
            f"the chain ends at entry #{last_sequence}, but entries up to "
            f"#{head.last_sequence} were written: the newest entries were removed",
        )
    return ChainVerification(True, checked)


def _entry_problem(entry: AuditEntry, expected_sequence: int, previous_hash: str) -> str:
    if entry.sequence != expected_sequence:
        return f"entry #{expected_sequence} is missing (the next entry found is #{entry.sequence})"
    if entry.previous_hash != previous_hash:
        return "it does not follow the entry before it (entries removed or reordered)"
    if compute_entry_hash(entry) != entry.entry_hash:
        return "its content does not match its hash (the entry was altered)"
    return ""


def violations_for_review():
    return Violation.objects.select_related("user", "term", "content_type").order_by(
        "-occurred_at", "-pk"
    )


TREND_COLUMN_WIDTH = 48
TREND_BAR_HEIGHT = 110
TREND_BASELINE = 130


def violation_trend(*, weeks: int, today, users=None) -> list[dict]:
    """Violations per week (Monday first) for the last `weeks` weeks, blocked and warned
    apart, oldest first, for the trend on /compliance/."""
    start = today - dt.timedelta(days=today.weekday()) - dt.timedelta(weeks=weeks - 1)
    violations = Violation.objects.filter(occurred_at__date__gte=start)
    if users is not None:
        violations = violations.filter(user__in=users)
    rows = (
        violations.annotate(day=TruncDate("occurred_at"))
        .values("day", "outcome")
        .annotate(count=Count("pk"))
    )
    buckets = [
        {"week": start + dt.timedelta(weeks=index), "blocked": 0, "warned": 0}
        for index in range(weeks)
    ]
    for row in rows:
        index = (row["day"] - start).days // 7
        if 0 <= index < weeks:
            key = "blocked" if row["outcome"] == ViolationOutcome.BLOCKED else "warned"
            buckets[index][key] += row["count"]
    peak = max((bucket["blocked"] + bucket["warned"] for bucket in buckets), default=0) or 1
    # Bar geometry for the SVG chart (attributes, not styles: the CSP forbids inline styles).
    for index, bucket in enumerate(buckets):
        bucket["total"] = bucket["blocked"] + bucket["warned"]
        blocked_height = round(TREND_BAR_HEIGHT * bucket["blocked"] / peak)
        warned_height = round(TREND_BAR_HEIGHT * bucket["warned"] / peak)
        bucket["x"] = index * TREND_COLUMN_WIDTH + 10
        bucket["centre"] = index * TREND_COLUMN_WIDTH + TREND_COLUMN_WIDTH // 2
        bucket["blocked_y"] = TREND_BASELINE - blocked_height
        bucket["blocked_height"] = blocked_height
        bucket["warned_y"] = TREND_BASELINE - blocked_height - warned_height
        bucket["warned_height"] = warned_height
    return buckets


def safety_reports_awaiting(*, reporter=None) -> list[SafetyReport]:
    """Reports not yet forwarded, the most urgent first (for /compliance/ and the MSL's day)."""
    reports = SafetyReport.objects.filter(status=SafetyReportStatus.PENDING).select_related(
        "reporter", "kol", "product"
    )
    if reporter is not None:
        reports = reports.filter(reporter=reporter)
    return list(reports.order_by("deadline", "pk")[:50])


def violations_since(user, *, since: dt.datetime) -> QuerySet[Violation]:
    return Violation.objects.filter(user=user, occurred_at__gte=since)


CERTIFICATION_WARNING = dt.timedelta(days=30)


def certifications_expiring(
    user, *, today: dt.date, within: dt.timedelta = CERTIFICATION_WARNING
) -> list[tuple[str, dt.date]]:
    """(product name, until) for each product whose latest certification of the user ends
    within the coming days, the soonest first."""
    return list(
        ProductCertification.objects.filter(user=user, certified_on__lte=today)
        .values_list("product__name")
        .annotate(until=Max("expires_on"))
        .filter(until__gte=today, until__lte=today + within)
        .order_by("until")
    )


def audit_entries_for_review():
    return AuditEntry.objects.select_related("content_type").order_by("-sequence")


@dataclass(frozen=True)
class RecordHistory:
    content_type: ContentType
    object_id: str
    entries: list[AuditEntry]

    @property
    def label(self) -> str:
        return self.entries[-1].object_repr if self.entries else ""

    @property
    def changed_after_first_entry(self) -> bool:
        """Whether anything happened to the record after the entry that first recorded it:
        the question a printed history must answer at a glance."""
        return len(self.entries) > 1

    @property
    def changes_after_first_entry(self) -> list[AuditEntry]:
        return self.entries[1:]


def record_history(content_type: ContentType, object_id: str) -> RecordHistory:
    entries = list(
        AuditEntry.objects.filter(content_type=content_type, object_id=str(object_id))
        .select_related("content_type")
        .order_by("sequence")
    )
    return RecordHistory(content_type, str(object_id), entries)


@dataclass(frozen=True)
class SafetyTimeliness:
    on_time: int
    late: int
    pending: int
    overdue_pending: int

    @property
    def forwarded(self) -> int:
        return self.on_time + self.late


def safety_timeliness(*, since: dt.datetime, now: dt.datetime, reporters=None) -> SafetyTimeliness:
    """How reports learned of since `since` reached drug safety against their deadline,
    counted by the database; `reporters` (users) narrows it to a team."""
    reports = SafetyReport.objects.filter(learned_at__gte=since)
    if reporters is not None:
        reports = reports.filter(reporter__in=reporters)
    counts = reports.aggregate(
        on_time=Count("pk", filter=Q(forwarded_at__lte=F("deadline"))),
        late=Count("pk", filter=Q(forwarded_at__gt=F("deadline"))),
        pending=Count("pk", filter=Q(status=SafetyReportStatus.PENDING)),
        overdue_pending=Count("pk", filter=Q(status=SafetyReportStatus.PENDING, deadline__lt=now)),
    )
    return SafetyTimeliness(**counts)
