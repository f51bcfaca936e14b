"""Reads of inquiries. Who sees what:

- Medical Information and compliance: every inquiry;
- an MSL: the inquiries they raised; a manager: those raised by their team;
- an off-label inquiry's content (question, KOL, answer) only to the raising MSL, Medical
  Information and compliance; a manager sees that it exists and its status, nothing more;
- viewers: nothing.
"""

import datetime as dt
import statistics
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    When,
)
from django.db.models.functions import TruncDate
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.roles import Role
from accounts.scoping import scope_for_user, sees_everything
from compliance.firewall import OFF_LABEL_INQUIRIES, may_see
from interactions.selectors import kol_behind_plan

from .deadlines import add_business_days
from .models import (
    ACTIVE_STATUSES,
    DocumentedInterest,
    InquiryStatus,
    MedicalInquiry,
    StandardResponse,
)

QUEUE_VIEWS = {
    "unassigned": "Unassigned",
    "mine": "Assigned to me",
    "due_soon": "Due soon",
    "overdue": "Overdue",
    "open": "All open",
    "done": "Delivered and closed",
}


def works_inquiries(user) -> bool:
    return user.is_active and (user.has_role(Role.MEDICAL_INFORMATION) or sees_everything(user))


def inquiries_visible_to(user) -> QuerySet[MedicalInquiry]:
    if not user.is_authenticated:
        return MedicalInquiry.objects.none()
    if works_inquiries(user):
        return MedicalInquiry.objects.all()
    return scope_for_user(MedicalInquiry.objects.all(), user, owner_field="raised_by")


def content_visible(user, inquiry: MedicalInquiry) -> bool:
    """May `user` read what was asked and answered (not only that the inquiry exists)?
    For off-label inquiries the firewall decides, per role."""
    return not inquiry.off_label or may_see(
        user, OFF_LABEL_INQUIRIES, author_id=inquiry.raised_by_id
    )


def inquiry_get_for_user(*, user, pk) -> MedicalInquiry:
    return get_object_or_404(
        inquiries_visible_to(user).select_related(
            "kol__institution", "raised_by", "assignee", "product", "topic__parent", "interaction"
        ),
        pk=pk,
    )


def inquiry_list_for_user(user, *, view: str | None = None, today: dt.date | None = None):
    today = today or timezone.localdate()
    # The KOLs in a second query of a page's few: joined, PostgreSQL hashed all 20,000
    # KOLs to sort the queue before cutting its first page.
    inquiries = (
        inquiries_visible_to(user)
        .select_related("raised_by", "assignee", "product")
        .prefetch_related("kol")
    )
    if view == "unassigned":
        inquiries = inquiries.filter(status=InquiryStatus.OPEN)
    elif view == "mine":
        inquiries = inquiries.filter(assignee=user, status__in=ACTIVE_STATUSES)
    elif view == "due_soon":
        inquiries = inquiries.filter(
            status__in=ACTIVE_STATUSES,
            deadline__gte=today,
            deadline__lte=add_business_days(today, 1),
        )
    elif view == "overdue":
        inquiries = inquiries.overdue(today)
    elif view == "open":
        inquiries = inquiries.filter(status__in=ACTIVE_STATUSES)
    elif view == "done":
        return inquiries.exclude(status__in=ACTIVE_STATUSES).order_by("-created_at", "-pk")
    elif view is None:
        # The MSL's and manager's list: what is still owed an answer first, by deadline,
        # then the answered ones, newest first.
        return inquiries.annotate(
            answered=Case(When(status__in=ACTIVE_STATUSES, then=0), default=1)
        ).order_by("answered", "deadline", "-created_at", "-pk")
    return inquiries.order_by("deadline", "pk")


def queue_counts(user, *, today: dt.date | None = None) -> dict[str, int]:
    """How many inquiries each queue tab holds, in one query."""
    today = today or timezone.localdate()
    active = Q(status__in=ACTIVE_STATUSES)
    # Every tab counts active inquiries: said first, the (status, deadline) index finds them
    # instead of a scan of every inquiry ever answered.
    return (
        inquiries_visible_to(user)
        .filter(active)
        .aggregate(
            unassigned=Count("pk", filter=Q(status=InquiryStatus.OPEN)),
            mine=Count("pk", filter=active & Q(assignee=user)),
            due_soon=Count(
                "pk",
                filter=active & Q(deadline__gte=today, deadline__lte=add_business_days(today, 1)),
            ),
            overdue=Count("pk", filter=active & Q(deadline__lt=today)),
            open=Count("pk", filter=active),
        )
    )


def my_open_inquiries(user, *, today: dt.date, limit: int) -> list[MedicalInquiry]:
    """The inquiries the user raised that are still being answered, the nearest deadline
    first, each with whether its KOL's engagement plan is behind (`kol_behind_plan`)."""
    return list(
        MedicalInquiry.objects.filter(raised_by=user, status__in=ACTIVE_STATUSES)
        .select_related("kol", "product")
        .annotate(kol_behind_plan=kol_behind_plan(OuterRef("kol"), today=today))
        .order_by("deadline", "pk")[:limit]
    )


def kol_recent_inquiries(kol, user, *, days: int = 180, limit: int = 10) -> list[MedicalInquiry]:
    """Open inquiries and those of the last months, for the KOL briefing; each carries
    `content_hidden` for the off-label ones the reader may only know exist."""
    since = timezone.now() - dt.timedelta(days=days)
    inquiries = list(
        inquiries_visible_to(user)
        .filter(Q(status__in=ACTIVE_STATUSES) | Q(created_at__gte=since), kol=kol)
        .select_related("product")
        .order_by("-created_at")[:limit]
    )
    # On a KOL's page, an off-label inquiry the reader may not read would still tell them
    # which KOL it concerns: leave it out rather than mark it restricted.
    return [inquiry for inquiry in inquiries if content_visible(user, inquiry)]


def kol_inquiry_briefing(kol, user) -> dict:
    """The briefing's inquiries section: recent inquiries and the documented interests that
    still allow proactive follow-up."""
    return {
        "kol": kol,
        "inquiries": kol_recent_inquiries(kol, user),
        "interests": list(
            interests_visible_to(user)
            .filter(kol=kol, valid_until__gte=timezone.localdate())
            .select_related("product", "topic__parent")
        ),
    }


def usable_standard_responses(product=None) -> QuerySet[StandardResponse]:
    responses = StandardResponse.objects.usable().select_related("product")
    if product is not None:
        responses = responses.filter(Q(product=product) | Q(product__isnull=True))
    return responses.order_by("title", "-version")


def valid_interests(kols, *, on: dt.date | None = None) -> QuerySet[DocumentedInterest]:
    on = on or timezone.localdate()
    return DocumentedInterest.objects.filter(kol__in=kols, valid_until__gte=on)


def interests_visible_to(user) -> QuerySet[DocumentedInterest]:
    if works_inquiries(user):
        return DocumentedInterest.objects.all()
    return scope_for_user(DocumentedInterest.objects.all(), user, owner_field="raised_by")


def answering_inquiries(interaction, kols) -> QuerySet[MedicalInquiry]:
    """The unsolicited inquiries an interaction answers: raised from it, not cancelled, and
    asked by a KOL who attended."""
    if interaction is None or not interaction.pk:
        return MedicalInquiry.objects.none()
    return interaction.inquiries.exclude(status=InquiryStatus.CANCELLED).filter(kol__in=kols)


def reactive_materials_grounds(interaction, kols) -> Q:
    """Which reactive-only materials an interaction may share: those for the products of the
    inquiries it answers, and of the attending KOLs' still-valid documented interests."""
    inquiry_products = answering_inquiries(interaction, kols).values("product")
    interest_products = valid_interests(kols).values("product")
    return Q(products__in=inquiry_products) | Q(products__in=interest_products)


def off_label_needs_an_inquiry(interaction) -> dict[str, list[str]]:
    """Submission rule: off-label discussion is allowed only in answer to an unsolicited
    request, so it needs an inquiry the interaction answers."""
    if not interaction.off_label_discussed:
        return {}
    if answering_inquiries(interaction, interaction.kols.all()).exists():
        return {}
    return {
        "off_label_discussed": [
            "Off-label discussion needs a linked unsolicited inquiry: raise the KOL's "
            "question as an inquiry from this interaction, then submit."
        ]
    }


@dataclass(frozen=True)
class InquiryMetric:
    product: str
    urgency: str
    answered: int
    median_hours: float
    within_service_level: float  # share, 0..1


def inquiry_metrics(*, since: dt.datetime | None = None, raised_by=None) -> list[InquiryMetric]:
    """Per product and urgency: answered inquiries, the median hours from raising to
    delivery, and the share delivered by the deadline. For the reports dashboard;
    `raised_by` (users) narrows it to a team's inquiries."""
    delivered = MedicalInquiry.objects.filter(
        status__in=[InquiryStatus.DELIVERED, InquiryStatus.CLOSED], delivered_at__isnull=False
    )
    if since is not None:
        delivered = delivered.filter(created_at__gte=since)
    if raised_by is not None:
        delivered = delivered.filter(raised_by__in=raised_by)
    # The day of delivery where no delivery record says it: in the site's time zone.
    delivered = delivered.alias(delivered_day=TruncDate("delivered_at"))
    # Each row's time to answer and punctuality are worked out by the database: a thousand
    # rows of a manager's quarter otherwise meant converting four timestamps apiece.
    rows = delivered.annotate(
        time_to_answer=ExpressionWrapper(
            F("delivered_at") - F("created_at"), output_field=DurationField()
        ),
        on_time=Case(
            When(
                Q(delivery__delivered_on__lte=F("deadline"))
                | Q(
                    delivery__delivered_on__isnull=True,
                    delivered_day__lte=F("deadline"),
                ),
                then=True,
            ),
            default=False,
            output_field=BooleanField(),
        ),
    ).values_list("product__name", "urgency", "time_to_answer", "on_time")
    groups: dict[tuple[str, str], list[tuple[float, bool]]] = {}
    for product, urgency, time_to_answer, on_time in rows:
        hours = time_to_answer.total_seconds() / 3600
        groups.setdefault((product or "No product", urgency), []).append((hours, on_time))
    return [
        InquiryMetric(
            product=product,
            urgency=urgency,
            answered=len(values),
            median_hours=round(statistics.median(h for h, _ in values), 1),
            within_service_level=sum(on_time for _, on_time in values) / len(values),
        )
        for (product, urgency), values in sorted(groups.items())
    ]
