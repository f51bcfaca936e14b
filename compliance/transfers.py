"""Transfers of value to HCPs: recorded on the interaction, held against the admin's caps,
and reported in the shape of the US Open Payments submission."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from kols.models import KOL

from .config import compliance_config
from .engine import RuleRefusal, records_refusals, rule_violations_record
from .models import (
    OPEN_PAYMENTS_NATURE,
    CompliancePolicy,
    OpenPaymentsThreshold,
    Severity,
    TransferOfValue,
    ViolationOutcome,
)
from .services import audit_created


@dataclass(frozen=True)
class YearSummary:
    """An HCP's transfers of value in one calendar year, against the Open Payments
    thresholds of that program year (None where no threshold row exists)."""

    year: int
    currency: str
    total: Decimal
    count: int
    threshold: OpenPaymentsThreshold | None
    # What would be reported: everything once the annual total is exceeded, otherwise only
    # the items at or above the small-item threshold.
    reportable_total: Decimal | None

    @property
    def over_annual_threshold(self) -> bool:
        return self.threshold is not None and self.total > self.threshold.annual_total


def kol_year_summary(kol, year: int | None = None) -> YearSummary:
    return kol_year_summaries([kol], year)[kol.pk]


def kol_year_summaries(kols, year: int | None = None) -> dict[int, YearSummary]:
    """Each KOL's transfers of value in the year against the thresholds, in three queries
    however many KOLs there are."""
    year = year or timezone.localdate().year
    currency = CompliancePolicy.current().value_currency
    threshold = compliance_config().thresholds.get(year)
    amounts: dict[int, list[Decimal]] = {kol.pk: [] for kol in kols}
    rows = TransferOfValue.objects.filter(
        kol__in=list(amounts), given_on__year=year, currency=currency
    ).values_list("kol_id", "amount")
    for kol_id, amount in rows:
        amounts[kol_id].append(amount)
    return {
        kol_id: _summary(year, currency, values, threshold) for kol_id, values in amounts.items()
    }


def _summary(year, currency, amounts: list[Decimal], threshold) -> YearSummary:
    total = sum(amounts, Decimal("0"))
    reportable = None
    if threshold is not None:
        reportable = (
            total
            if total > threshold.annual_total
            else sum((a for a in amounts if a >= threshold.small_item), Decimal("0"))
        )
    return YearSummary(year, currency, total, len(amounts), threshold, reportable)


@records_refusals
@transaction.atomic
def transfer_of_value_record(
    *,
    actor,
    interaction,
    kol,
    kind: str,
    amount: Decimal,
    currency: str = "USD",
    description: str = "",
    acknowledged: bool = False,
) -> TransferOfValue:
    if interaction.owner_id != actor.pk:
        raise PermissionDenied("Only the interaction's owner records what was given.")
    if interaction.status == "locked":
        raise ValidationError("This interaction is locked: record the transfer by amendment.")
    if not interaction.kols.filter(pk=kol.pk).exists():
        raise ValidationError({"kol": "Only a KOL who attended received something here."})
    policy = CompliancePolicy.current()
    if currency.upper() != policy.value_currency:
        # Caps, totals and the Open Payments export are kept in one currency; another one
        # would slip past all three.
        raise ValidationError(
            {"currency": f"Record the value in {policy.value_currency}, the policy's currency."}
        )
    # Two gifts recorded at once must not both pass the yearly cap: lock the HCP first.
    KOL.objects.select_for_update().filter(pk=kol.pk).first()
    when = interaction.occurred_at or interaction.planned_at
    given_on = timezone.localdate(when) if when else timezone.localdate()
    transfer = TransferOfValue(
        interaction=interaction,
        kol=kol,
        kind=kind,
        amount=amount,
        currency=currency.upper(),
        description=description,
        given_on=given_on,
        recorded_by=actor,
    )
    transfer.full_clean()
    problems = _cap_problems(transfer)
    if problems:
        warn_only = policy.value_cap_severity == Severity.WARN
        if not (warn_only and acknowledged):
            raise RuleRefusal(
                {"amount": problems},
                rule_problems={"amount": problems},
                record=interaction,
                acknowledgeable=warn_only,
            )
    transfer.save()
    audit_created(actor=actor, instance=transfer)
    if problems:
        rule_violations_record(
            actor=actor,
            problems={"amount": problems},
            record=transfer,
            outcome=ViolationOutcome.ACKNOWLEDGED,
        )
    return transfer


def _cap_problems(transfer: TransferOfValue) -> list[str]:
    policy = CompliancePolicy.current()
    if transfer.currency != policy.value_currency:
        return []
    problems = []
    if transfer.amount > policy.value_cap_per_item:
        problems.append(
            f"{transfer.amount} {transfer.currency} is over the cap of "
            f"{policy.value_cap_per_item} {policy.value_currency} per item."
        )
    so_far = TransferOfValue.objects.filter(
        kol=transfer.kol, given_on__year=transfer.given_on.year, currency=transfer.currency
    ).aggregate(total=Sum("amount"))["total"] or Decimal("0")
    if so_far + transfer.amount > policy.value_cap_per_hcp_year:
        problems.append(
            f"{transfer.kol.display_name} would reach {so_far + transfer.amount} "
            f"{transfer.currency} in {transfer.given_on.year}, over the yearly cap of "
            f"{policy.value_cap_per_hcp_year} {policy.value_currency} per HCP."
        )
    return problems


OPEN_PAYMENTS_COLUMNS = [
    "Covered_Recipient_Type",
    "Covered_Recipient_NPI",
    "Covered_Recipient_First_Name",
    "Covered_Recipient_Last_Name",
    "Recipient_City",
    "Recipient_Country",
    "Total_Amount_of_Payment_USDollars",
    "Date_of_Payment",
    "Number_of_Payments_Included_in_Total_Amount",
    "Form_of_Payment_or_Transfer_of_Value",
    "Nature_of_Payment_or_Transfer_of_Value",
    "Name_of_Drug_or_Biological_or_Device_or_Medical_Supply_1",
    "Record_ID",
]


def open_payments_rows(year: int) -> list[list[str]]:
    """One row per reportable transfer of the program year, USD only, shaped like the
    Open Payments general-payments submission."""
    threshold = OpenPaymentsThreshold.objects.filter(program_year=year).first()
    if threshold is None:
        raise ValidationError(
            f"There are no Open Payments thresholds for {year}; an admin adds them first."
        )
    transfers = list(
        TransferOfValue.objects.filter(given_on__year=year, currency="USD")
        .select_related("kol")
        .prefetch_related("interaction__products")
        .order_by("kol__last_name", "kol__first_name", "given_on", "pk")
    )
    totals: dict[int, Decimal] = {}
    for transfer in transfers:
        totals[transfer.kol_id] = totals.get(transfer.kol_id, Decimal("0")) + transfer.amount
    rows = []
    for transfer in transfers:
        over = totals[transfer.kol_id] > threshold.annual_total
        if transfer.amount < threshold.small_item and not over:
            continue
        products = list(transfer.interaction.products.all())
        rows.append(
            [
                "Covered Recipient Physician",
                transfer.kol.npi,
                transfer.kol.first_name,
                transfer.kol.last_name,
                transfer.kol.city,
                transfer.kol.country,
                f"{transfer.amount:.2f}",
                transfer.given_on.strftime("%m/%d/%Y"),
                "1",
                "In-kind items and services",
                OPEN_PAYMENTS_NATURE[transfer.kind],
                products[0].name if products else "",
                f"TOV-{transfer.pk}",
            ]
        )
    return rows


@dataclass(frozen=True)
class KOLValueBriefing:
    summary: YearSummary
    recent: list


def kol_value_briefing(kol, user) -> KOLValueBriefing:
    """The KOL briefing's section: this year's total against the thresholds, and the last
    items given (by anyone: caps count every MSL's gifts). One query reads both: the five
    latest are the first five of this year's items joined with the five latest."""
    year = timezone.localdate().year
    currency = CompliancePolicy.current().value_currency
    latest = TransferOfValue.objects.filter(kol=kol).order_by("-given_on", "-pk")[:5]
    rows = list(
        TransferOfValue.objects.filter(kol=kol)
        .filter(Q(pk__in=latest.values("pk")) | Q(given_on__year=year, currency=currency))
        .select_related("recorded_by")
        .order_by("-given_on", "-pk")
    )
    this_year = [
        row.amount for row in rows if row.given_on.year == year and row.currency == currency
    ]
    threshold = compliance_config().thresholds.get(year)
    return KOLValueBriefing(summary=_summary(year, currency, this_year, threshold), recent=rows[:5])
