"""Transfers of value: caps per item and per HCP per calendar year, the Open Payments
thresholds on the pages, and the yearly export shaped like the submission."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from compliance.models import (
    CompliancePolicy,
    OpenPaymentsThreshold,
    Severity,
    TransferOfValue,
    Violation,
)
from compliance.transfers import kol_year_summary
from tests.factories import InteractionFactory, KOLFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kol(organisation):
    return KOLFactory(territory=organisation["boston"], first_name="Ana", last_name="Ruiz")


def meeting(msl, kol, when: dt.datetime):
    return InteractionFactory(owner=msl, kols=[kol], occurred_at=when)


def give(client, interaction, kol, amount: str, **extra):
    return client.post(
        f"/interactions/{interaction.pk}/transfers/",
        {"kol": kol.pk, "kind": "meal", "amount": amount, "currency": "USD", **extra},
    )


def policy(**changes) -> CompliancePolicy:
    current = CompliancePolicy.current()
    for name, value in changes.items():
        setattr(current, name, value)
    current.save()
    return current


def test_an_item_over_the_per_item_cap_is_blocked_and_recorded(client, msl, kol):
    policy(value_cap_per_item=Decimal("75"), value_cap_severity=Severity.BLOCK)
    interaction = meeting(msl, kol, timezone.now() - dt.timedelta(hours=2))
    client.force_login(msl)

    response = give(client, interaction, kol, "80.00")

    assert response.status_code == 400
    assert "over the cap of 75.00 USD per item" in response.content.decode()
    assert not TransferOfValue.objects.exists()
    violation = Violation.objects.get()
    assert (violation.outcome, violation.user) == ("blocked", msl)
    assert violation.object_id == str(interaction.pk)


def test_a_warning_cap_is_saved_once_acknowledged(client, msl, kol):
    policy(value_cap_per_item=Decimal("75"), value_cap_severity=Severity.WARN)
    interaction = meeting(msl, kol, timezone.now() - dt.timedelta(hours=2))
    client.force_login(msl)

    first = give(client, interaction, kol, "80.00")
    second = give(client, interaction, kol, "80.00", acknowledge_warnings="on")

    assert 'name="acknowledge_warnings"' in first.content.decode()
    assert 'type="checkbox"' in first.content.decode()
    assert second.status_code == 302
    transfer = TransferOfValue.objects.get()
    assert transfer.amount == Decimal("80.00")
    assert list(Violation.objects.values_list("outcome", flat=True).order_by("pk")) == [
        "warned",
        "acknowledged",
    ]


def test_the_yearly_cap_counts_only_the_same_calendar_year(client, msl, kol):
    policy(value_cap_per_item=Decimal("100"), value_cap_per_hcp_year=Decimal("150"))
    this_year = timezone.localdate().year
    december = timezone.make_aware(dt.datetime(this_year - 1, 12, 30, 12))
    january = timezone.make_aware(dt.datetime(this_year, 1, 2, 12))
    client.force_login(msl)
    last_year_meeting = meeting(msl, kol, december)
    this_year_meeting = meeting(msl, kol, january)
    TransferOfValue.objects.create(
        interaction=last_year_meeting,
        kol=kol,
        kind="meal",
        amount=Decimal("90"),
        given_on=december.date(),
        recorded_by=msl,
    )

    # 90 last December does not count against this year's cap.
    assert give(client, this_year_meeting, kol, "90.00").status_code == 302
    # But a second 90 this year would reach 180, over 150.
    refused = give(client, this_year_meeting, kol, "90.00")

    assert refused.status_code == 400
    assert f"would reach 180.00 USD in {this_year}" in refused.content.decode()
    assert TransferOfValue.objects.filter(given_on__year=this_year).count() == 1


def test_only_an_attendee_receives_and_only_the_owner_records(client, msl, msl2, kol, organisation):
    interaction = meeting(msl, kol, timezone.now() - dt.timedelta(hours=2))
    stranger = KOLFactory(territory=organisation["boston"])
    client.force_login(msl)

    not_attending = give(client, interaction, stranger, "10.00")
    client.force_login(msl2)
    other_msl = give(client, interaction, kol, "10.00")

    assert not_attending.status_code == 400
    assert other_msl.status_code == 404
    assert not TransferOfValue.objects.exists()


def test_the_running_total_shows_against_the_open_payments_thresholds(client, msl, kol):
    year = timezone.localdate().year
    OpenPaymentsThreshold.objects.update_or_create(
        program_year=year,
        defaults={"small_item": Decimal("13.82"), "annual_total": Decimal("138.13")},
    )
    interaction = meeting(msl, kol, timezone.now() - dt.timedelta(hours=2))
    for amount in ("12.00", "60.00", "70.00"):
        TransferOfValue.objects.create(
            interaction=interaction,
            kol=kol,
            kind="meal",
            amount=Decimal(amount),
            given_on=timezone.localdate(),
            recorded_by=msl,
        )
    client.force_login(msl)

    summary = kol_year_summary(kol)
    interaction_page = client.get(f"/interactions/{interaction.pk}/").content.decode()
    kol_page = client.get(f"/kols/{kol.pk}/").content.decode()

    # 142 passes 138.13, so even the 12.00 item (under 13.82) becomes reportable.
    assert summary.total == Decimal("142.00")
    assert summary.over_annual_threshold
    assert summary.reportable_total == Decimal("142.00")
    assert "142.00 USD" in interaction_page
    assert "over the annual threshold" in interaction_page
    assert "142.00 USD" in kol_page
    assert "reportable so far: 142.00" in kol_page


def test_under_the_annual_threshold_small_items_are_not_reportable(msl, kol):
    year = timezone.localdate().year
    OpenPaymentsThreshold.objects.update_or_create(
        program_year=year,
        defaults={"small_item": Decimal("13.82"), "annual_total": Decimal("138.13")},
    )
    interaction = meeting(msl, kol, timezone.now() - dt.timedelta(hours=2))
    for amount in ("12.00", "30.00"):
        TransferOfValue.objects.create(
            interaction=interaction,
            kol=kol,
            kind="meal",
            amount=Decimal(amount),
            given_on=timezone.localdate(),
            recorded_by=msl,
        )

    summary = kol_year_summary(kol)

    assert summary.total == Decimal("42.00")
    assert summary.reportable_total == Decimal("30.00")


def test_the_yearly_export_is_shaped_like_open_payments(client, msl, kol, compliance_user):
    kol.npi = "1234567893"
    kol.save()
    OpenPaymentsThreshold.objects.update_or_create(
        program_year=2025,
        defaults={"small_item": Decimal("13.46"), "annual_total": Decimal("134.54")},
    )
    when = timezone.make_aware(dt.datetime(2025, 3, 4, 12))
    interaction = meeting(msl, kol, when)
    for amount in ("10.00", "25.00"):
        TransferOfValue.objects.create(
            interaction=interaction,
            kol=kol,
            kind="meal",
            amount=Decimal(amount),
            given_on=when.date(),
            recorded_by=msl,
        )
    client.force_login(compliance_user)

    response = client.get("/compliance/open-payments/2025.csv")
    missing_year = client.get("/compliance/open-payments/2019.csv", follow=True)

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    # The 10.00 meal is under 13.46 and the year stays under 134.54: not reported.
    assert len(rows) == 1
    row = rows[0]
    assert row["Covered_Recipient_NPI"] == "1234567893"
    assert row["Covered_Recipient_Last_Name"] == "Ruiz"
    assert row["Total_Amount_of_Payment_USDollars"] == "25.00"
    assert row["Date_of_Payment"] == "03/04/2025"
    assert row["Nature_of_Payment_or_Transfer_of_Value"] == "Food and Beverage"
    assert "no Open Payments thresholds for 2019" in missing_year.content.decode()


def test_only_compliance_exports(client, msl, manager):
    for user in (msl, manager):
        client.force_login(user)
        assert client.get("/compliance/open-payments/2025.csv").status_code == 403


def test_another_currency_cannot_slip_past_the_caps(client, msl, kol):
    policy(value_cap_per_item=Decimal("75"))
    interaction = meeting(msl, kol, timezone.now() - dt.timedelta(hours=2))
    client.force_login(msl)

    response = client.post(
        f"/interactions/{interaction.pk}/transfers/",
        {"kol": kol.pk, "kind": "meal", "amount": "500.00", "currency": "EUR"},
    )

    assert response.status_code == 400
    assert "Record the value in USD" in response.content.decode()
    assert not TransferOfValue.objects.exists()
