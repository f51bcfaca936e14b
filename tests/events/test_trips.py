"""Trips: the traveller plans them, books the itinerary and adds expenses; their manager
and compliance read them; the page totals the expenses per currency."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from events.models import Expense, ItineraryItem, Trip
from tests.events.conftest import TIME_FORMAT, section, text
from tests.factories import ExpenseFactory, ItineraryItemFactory, TripFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def trip(msl, organisation):
    return TripFactory(traveller=msl, purpose="Thoracic Oncology Congress, Chicago")


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def expense_data(**changes) -> dict:
    data = {
        "spent_on": in_days(7).isoformat(),
        "category": "ground",
        "description": "Taxi to the venue",
        "amount": "42.50",
        "currency": "USD",
    }
    data.update(changes)
    return data


def item_data(**changes) -> dict:
    start = dt.datetime.combine(in_days(7), dt.time(8))
    data = {
        "kind": "flight",
        "starts_at": start.strftime(TIME_FORMAT),
        "ends_at": (start + dt.timedelta(hours=2)).strftime(TIME_FORMAT),
        "origin": "Boston BOS",
        "destination": "Chicago ORD",
        "carrier": "UA 1543",
        "confirmation_code": "K7Q2ZP",
    }
    data.update(changes)
    return data


def test_an_msl_plans_a_trip(client, msl):
    client.force_login(msl)

    response = client.post(
        "/events/trips/new/",
        {"purpose": "Advisory board", "departs_on": in_days(3), "returns_on": in_days(4)},
    )

    trip = Trip.objects.get()
    assert response["Location"] == f"/events/trips/{trip.pk}/"
    assert (trip.traveller, trip.purpose) == (msl, "Advisory board")


def test_a_trip_cannot_return_before_it_departs(client, msl):
    client.force_login(msl)

    response = client.post(
        "/events/trips/new/",
        {"purpose": "Advisory board", "departs_on": in_days(4), "returns_on": in_days(3)},
    )

    assert "The return cannot be before the departure." in text(response)
    assert not Trip.objects.exists()


def test_the_itinerary_is_added_and_listed(client, msl, trip):
    client.force_login(msl)

    response = client.post(f"/events/trips/{trip.pk}/itinerary/", item_data(), follow=True)

    item = ItineraryItem.objects.get()
    assert (item.trip, item.carrier, item.confirmation_code) == (trip, "UA 1543", "K7Q2ZP")
    listed = section(response, "itinerary")
    assert "Boston BOS → Chicago ORD" in listed
    assert "K7Q2ZP" in listed


def test_an_itinerary_item_cannot_end_before_it_starts(client, msl, trip):
    start = dt.datetime.combine(in_days(7), dt.time(8))
    client.force_login(msl)

    response = client.post(
        f"/events/trips/{trip.pk}/itinerary/",
        item_data(ends_at=(start - dt.timedelta(minutes=1)).strftime(TIME_FORMAT)),
    )

    assert response.status_code == 400
    assert "The end cannot be before the start." in text(response)
    assert not ItineraryItem.objects.exists()


@pytest.mark.parametrize(("typed", "stored"), [("usd", "USD"), (" eur ", "EUR"), ("Chf", "CHF")])
def test_the_currency_is_stored_in_capitals(client, msl, trip, typed, stored):
    client.force_login(msl)

    client.post(f"/events/trips/{trip.pk}/expenses/", expense_data(currency=typed))

    assert Expense.objects.get().currency == stored


@pytest.mark.parametrize("typed", ["U5D", "$$$", "US", "US-"])
def test_a_currency_that_is_not_three_letters_is_refused(client, msl, trip, typed):
    client.force_login(msl)

    response = client.post(f"/events/trips/{trip.pk}/expenses/", expense_data(currency=typed))

    assert response.status_code == 400
    assert "Use the three-letter currency code, such as USD or EUR." in text(response)
    assert not Expense.objects.exists()


@pytest.mark.parametrize("amount", ["0", "0.00", "-12.50"])
def test_the_amount_must_be_more_than_zero(client, msl, trip, amount):
    client.force_login(msl)

    response = client.post(f"/events/trips/{trip.pk}/expenses/", expense_data(amount=amount))

    assert response.status_code == 400
    assert "The amount must be more than zero." in text(response)
    assert not Expense.objects.exists()


@pytest.mark.parametrize(
    ("user_fixture", "status"), [("manager", 403), ("msl2", 404), ("compliance_user", 403)]
)
def test_only_the_traveller_adds_to_a_trip(request, client, trip, user_fixture, status):
    client.force_login(request.getfixturevalue(user_fixture))

    assert client.post(f"/events/trips/{trip.pk}/expenses/", expense_data()).status_code == status
    assert client.post(f"/events/trips/{trip.pk}/itinerary/", item_data()).status_code == status
    assert not Expense.objects.exists()
    assert not ItineraryItem.objects.exists()


def test_only_the_traveller_removes_an_expense(client, manager, msl2, trip):
    expense = ExpenseFactory(trip=trip)

    client.force_login(manager)
    assert client.post(f"/events/expenses/{expense.pk}/delete/").status_code == 403
    client.force_login(msl2)
    assert client.post(f"/events/expenses/{expense.pk}/delete/").status_code == 404
    assert Expense.objects.filter(pk=expense.pk).exists()


def test_the_manager_reads_the_trip_without_the_forms(client, manager, trip):
    client.force_login(manager)

    page = client.get(f"/events/trips/{trip.pk}/").content.decode()

    assert "Thoracic Oncology Congress, Chicago" in page
    assert f'action="/events/trips/{trip.pk}/expenses/"' not in page


def test_another_msl_does_not_find_the_trip(client, msl2, trip):
    client.force_login(msl2)

    assert client.get(f"/events/trips/{trip.pk}/").status_code == 404
    assert "Thoracic Oncology Congress" not in text(client.get("/events/trips/"))


def totals(response) -> dict[str, str]:
    footer = section(response, "expenses").split("<tfoot>")[1]
    return {
        currency: amount
        for amount, currency in re.findall(r'fw-semibold">([\d.]+) ([A-Z]{3})<', footer)
    }


def test_the_trip_page_totals_the_expenses_per_currency(client, msl, trip):
    client.force_login(msl)
    for amount, currency in (("895.00", "usd"), ("42.50", "USD"), ("120.00", "EUR")):
        client.post(
            f"/events/trips/{trip.pk}/expenses/", expense_data(amount=amount, currency=currency)
        )

    response = client.get(f"/events/trips/{trip.pk}/")

    assert totals(response) == {"EUR": "120.00", "USD": "937.50"}


def test_the_trip_list_totals_the_expenses_once_however_long_the_itinerary(
    client, msl, manager, trip
):
    for hour in (8, 15, 20):
        ItineraryItemFactory(
            trip=trip,
            starts_at=timezone.make_aware(dt.datetime.combine(trip.departs_on, dt.time(hour))),
        )
    ExpenseFactory(trip=trip, amount=Decimal("100.00"))
    ExpenseFactory(trip=trip, amount=Decimal("25.50"))
    TripFactory(traveller=msl, purpose="Nothing booked yet")

    for user in (msl, manager):
        client.force_login(user)
        rows = re.findall(
            r"<tr>(.*?)</tr>", section(client.get("/events/trips/"), "trip-list"), re.S
        )
        cells = {
            re.search(r'">([^<]+)</a>', row).group(1): re.findall(r'text-end">([^<]*)<', row)
            for row in rows
            if "href" in row
        }
        assert cells == {
            "Thoracic Oncology Congress, Chicago": ["3", "125.50 USD"],
            "Nothing booked yet": ["0", "—"],
        }


def test_the_trip_list_does_not_add_up_different_currencies(client, msl, trip):
    ExpenseFactory(trip=trip, amount=Decimal("100.00"), currency="USD")
    ExpenseFactory(trip=trip, amount=Decimal("80.00"), currency="EUR")
    client.force_login(msl)

    listing = section(client.get("/events/trips/"), "trip-list")

    assert "several currencies" in listing
    assert "180" not in listing
