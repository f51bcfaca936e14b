"""Trips: itinerary and expenses with receipts. The traveller writes; their manager and
compliance read."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import section_required
from compliance.forms import add_service_error
from msl_crm.uploads import ask_for_file_again, document_response, document_suffix

from .forms import ExpenseForm, ItineraryItemForm, TripForm
from .models import Expense
from .selectors import trip_get_for_user, trip_list, trips_visible_to
from .services import expense_add, expense_delete, itinerary_item_add, trip_create

PAGE_SIZE = 20


@section_required("events")
def trips(request):
    page = Paginator(trip_list(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "events/trip_list.html", {"page": page, "query_string": ""})


@section_required("events")
@require_http_methods(["GET", "POST"])
def trip_new(request):
    initial = {}
    if request.GET.get("event", "").isdigit():
        initial["event"] = request.GET["event"]
    form = TripForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            trip = trip_create(actor=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Trip saved. Add the itinerary and expenses below.")
            return redirect("events:trip", trip.pk)
    return render(request, "events/trip_form.html", {"form": form})


@section_required("events")
def trip_detail(request, pk, *, item_form=None, expense_form=None, status=200):
    trip = trip_get_for_user(user=request.user, pk=pk)
    expenses = list(trip.expenses.all())
    totals: dict[str, object] = {}
    for expense in expenses:
        totals[expense.currency] = totals.get(expense.currency, 0) + expense.amount
    context = {
        "trip": trip,
        "itinerary": list(trip.itinerary.all()),
        "expenses": expenses,
        "totals": sorted(totals.items()),
        "own": trip.traveller_id == request.user.pk,
        "item_form": item_form or ItineraryItemForm(),
        "expense_form": expense_form or ExpenseForm(initial={"spent_on": trip.departs_on}),
    }
    return render(request, "events/trip_detail.html", context, status=status)


def _own_trip(request, pk):
    trip = trip_get_for_user(user=request.user, pk=pk)
    if trip.traveller_id != request.user.pk:
        raise PermissionDenied("Only the traveller changes a trip.")
    return trip


@section_required("events")
@require_POST
def itinerary_new(request, pk):
    trip = _own_trip(request, pk)
    form = ItineraryItemForm(request.POST)
    if form.is_valid():
        try:
            itinerary_item_add(actor=request.user, trip=trip, **form.service_fields())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Added to the itinerary.")
            return redirect("events:trip", trip.pk)
    return trip_detail(request, pk, item_form=form, status=400)


@section_required("events")
@require_POST
def expense_new(request, pk):
    trip = _own_trip(request, pk)
    form = ExpenseForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            expense_add(actor=request.user, trip=trip, **form.service_fields())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Expense added.")
            return redirect("events:trip", trip.pk)
    ask_for_file_again(form, "receipt")
    return trip_detail(request, pk, expense_form=form, status=400)


def _expense(request, pk) -> Expense:
    return get_object_or_404(
        Expense.objects.select_related("trip").filter(trip__in=trips_visible_to(request.user)),
        pk=pk,
    )


@section_required("events")
def receipt(request, pk):
    expense = _expense(request, pk)
    if not expense.receipt:
        raise Http404("This expense has no receipt.")
    return document_response(
        expense.receipt,
        expense.receipt_content_type,
        download_name=f"receipt-{expense.pk}{document_suffix(expense.receipt_content_type)}",
    )


@section_required("events")
@require_POST
def expense_remove(request, pk):
    expense = _expense(request, pk)
    expense_delete(actor=request.user, expense=expense)
    messages.success(request, "Expense removed.")
    return redirect("events:trip", expense.trip_id)
