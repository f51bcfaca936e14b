"""Demo inquiries in every state, standard responses (one expired) and documented interests.

Written straight to the tables like the interactions history: the demo pretends months of
work, which the services (no delivery before the question, deadlines from today) would
refuse. Deterministic.
"""

import datetime as dt
import random

from django.utils import timezone

from accounts.models import User
from catalog.models import InsightTopic, Product
from interactions.models import FollowUp, FollowUpKind, FollowUpStatus

from .deadlines import add_business_days, add_months
from .models import (
    Delivery,
    DocumentedInterest,
    InquiryEvent,
    InquiryResponse,
    InquiryStatus,
    MedicalInquiry,
    ResponseReview,
    StandardResponse,
)

QUESTIONS = [
    ("Is there any data on dosing in patients with moderate renal impairment?", False),
    ("Has the product been studied in patients over 80?", False),
    ("What is known about use during breastfeeding?", True),
    ("Can it be combined with radiotherapy in the adjuvant setting?", True),
    ("What were the discontinuation rates due to adverse events in the pivotal trial?", False),
    ("Is there evidence for use in the paediatric population?", True),
    ("How should treatment be managed around elective surgery?", False),
]
STANDARD_BODY = (
    "Thank you for your enquiry. The enclosed summary presents the published and data-on-file "
    "evidence relevant to your question, with full references. It is provided in response to "
    "your unsolicited request and is not intended to promote any use outside the approved "
    "labelling."
)
# (status path up to the final state, days ago raised)
LIFECYCLES = [
    ([InquiryStatus.OPEN], 0),
    ([InquiryStatus.OPEN], 9),  # unassigned and overdue
    ([InquiryStatus.OPEN, InquiryStatus.ASSIGNED], 2),
    ([InquiryStatus.OPEN, InquiryStatus.ASSIGNED], 12),  # overdue
    ([InquiryStatus.OPEN, InquiryStatus.ASSIGNED, InquiryStatus.IN_REVIEW], 3),
    ([InquiryStatus.OPEN, InquiryStatus.ASSIGNED, InquiryStatus.APPROVED], 4),
    (
        [
            InquiryStatus.OPEN,
            InquiryStatus.ASSIGNED,
            InquiryStatus.APPROVED,
            InquiryStatus.DELIVERED,
        ],
        8,
    ),
    (
        [
            InquiryStatus.OPEN,
            InquiryStatus.ASSIGNED,
            InquiryStatus.APPROVED,
            InquiryStatus.DELIVERED,
            InquiryStatus.CLOSED,
        ],
        40,
    ),
    ([InquiryStatus.OPEN, InquiryStatus.CANCELLED], 20),
]


def seed(stdout) -> None:
    if MedicalInquiry.objects.exists():
        stdout.write("Inquiries: already there, none added.")
        return
    rng = random.Random(9)  # noqa: S311 - repeatable demo data, not a secret
    products = list(Product.objects.order_by("name"))
    topics = list(InsightTopic.objects.filter(parent__isnull=False).order_by("pk"))
    medinfo = list(User.objects.filter(groups__name="Medical Information").order_by("username"))
    if not (products and topics and medinfo):
        stdout.write("Inquiries: no products, topics or Medical Information users; skipped.")
        return
    standards = _standard_responses(products)
    created = 0
    for msl in User.objects.filter(groups__name="MSL", territories__isnull=False).distinct():
        kols = [
            kol
            for territory in msl.territories.all()
            for kol in territory.kols.filter(do_not_contact=False).exclude(
                consent_status="withdrawn"
            )[:20]
        ]
        if not kols:
            continue
        for path, days_ago in LIFECYCLES:
            _inquiry(
                rng, msl, rng.choice(kols), products, topics, medinfo, standards, path, days_ago
            )
            created += 1
        _interests(rng, msl, kols, products, topics)
    stdout.write(f"Inquiries: {created} in every state, standard responses and interests.")


def _standard_responses(products) -> list[StandardResponse]:
    today = timezone.localdate()
    standards = []
    for index, product in enumerate(products, start=1):
        for version, (approved, expires) in enumerate(
            [
                (today - dt.timedelta(days=500), today - dt.timedelta(days=30)),
                (today - dt.timedelta(days=30), today + dt.timedelta(days=335)),
            ],
            start=1,
        ):
            standards.append(
                StandardResponse.objects.create(
                    document_number=f"SRL-{index:03d}",
                    version=version,
                    title=f"{product.name}: use in special populations",
                    product=product,
                    body=STANDARD_BODY,
                    approved_on=approved,
                    expires_on=expires,
                )
            )
    return [standard for standard in standards if standard.is_usable()]


def _inquiry(rng, msl, kol, products, topics, medinfo, standards, path, days_ago) -> None:
    question, off_label = rng.choice(QUESTIONS)
    product = rng.choice(products)
    raised = timezone.now() - dt.timedelta(days=days_ago, hours=rng.randint(1, 6))
    urgency = "urgent" if rng.random() < 0.2 else "standard"
    inquiry = MedicalInquiry.objects.create(
        kol=kol,
        raised_by=msl,
        product=product,
        topic=rng.choice(topics),
        question=question,
        off_label=off_label,
        response_channel=rng.choice(["email", "email", "letter", "in_person"]),
        urgency=urgency,
        unsolicited_attested=True,
        requested_by=kol.display_name,
        requested_at=raised - dt.timedelta(hours=1),
        request_setting=rng.choice(["one_to_one", "congress", "phone"]),
        deadline=add_business_days(timezone.localdate(raised), 1 if urgency == "urgent" else 5),
        status=path[-1],
    )
    inquiry.created_at = raised  # saved with the rest below; auto_now_add set it to now
    author = medinfo[0]
    moment = raised
    previous = ""
    for status in path:
        actor = msl if status in (InquiryStatus.OPEN, InquiryStatus.CANCELLED) else author
        InquiryEvent.objects.create(
            inquiry=inquiry,
            actor=actor,
            from_status=previous,
            to_status=status,
            note="The KOL found the answer in a publication"
            if status == InquiryStatus.CANCELLED
            else "",
            occurred_at=moment,
        )
        previous = status
        moment += dt.timedelta(hours=rng.randint(3, 20))
    if InquiryStatus.ASSIGNED in path:
        inquiry.assignee = author
    if InquiryStatus.IN_REVIEW in path:
        InquiryResponse.objects.create(
            inquiry=inquiry,
            custom_text="Dear Doctor, thank you for your question. " + STANDARD_BODY,
            author=author,
            review=ResponseReview.PENDING,
        )
    elif InquiryStatus.APPROVED in path:
        matching = [s for s in standards if s.product_id == product.pk] or standards
        response = InquiryResponse.objects.create(
            inquiry=inquiry,
            standard_response=matching[0],
            author=author,
            review=ResponseReview.APPROVED,
            reviewed_at=moment,
            review_note="Pre-approved standard response",
        )
        if InquiryStatus.DELIVERED in path:
            delivered_on = min(timezone.localdate(moment), timezone.localdate())
            Delivery.objects.create(
                inquiry=inquiry,
                response=response,
                channel=inquiry.response_channel,
                delivered_on=delivered_on,
                delivered_to=kol.display_name,
                recorded_by=author,
            )
            inquiry.delivered_at = moment
            FollowUp.objects.create(
                owner=msl,
                kind=FollowUpKind.OTHER,
                description=f"Confirm with {kol.display_name} that the answer to inquiry "
                f"#{inquiry.pk} arrived",
                due_date=add_business_days(delivered_on, 2),
                kol=kol,
                inquiry=inquiry,
                status=FollowUpStatus.DONE if InquiryStatus.CLOSED in path else FollowUpStatus.OPEN,
            )
    if path[-1] in (InquiryStatus.CLOSED, InquiryStatus.CANCELLED):
        inquiry.closed_at = moment
    inquiry.save()


def _interests(rng, msl, kols, products, topics) -> None:
    for months_ago in (2, 14):
        requested = timezone.now() - dt.timedelta(days=30 * months_ago)
        kol = rng.choice(kols)
        DocumentedInterest.objects.create(
            kol=kol,
            raised_by=msl,
            product=rng.choice(products),
            topic=rng.choice(topics),
            description="Wants to hear about new long-term follow-up data as it is published.",
            unsolicited_attested=True,
            requested_by=kol.display_name,
            requested_at=requested,
            request_setting="one_to_one",
            valid_until=add_months(timezone.localdate(requested), 12),
        )
