import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import section_required
from msl_crm.listing import filtered_listing
from msl_crm.spreadsheets import safe_row

from .engine import FORM_FIELD, MAX_CHECKED_CHARS, scan
from .filters import ViolationFilter
from .models import CheckedText
from .selectors import (
    TREND_COLUMN_WIDTH,
    safety_reports_awaiting,
    violation_trend,
    violations_for_review,
)
from .transfers import OPEN_PAYMENTS_COLUMNS, open_payments_rows

PAGE_SIZE = 25
TREND_WEEKS = 12


@login_required
@require_POST
def live_check(request):
    """What the engine would say about the text being typed; nothing is recorded until the
    record is saved."""
    checked_field = request.POST.get("checked_field", "")
    if checked_field not in CheckedText.values:
        return HttpResponseBadRequest("Unknown field.")
    text = request.POST.get(FORM_FIELD[checked_field], "")[:MAX_CHECKED_CHARS]
    hits = scan({checked_field: text})
    return render(request, "compliance/_live_check.html", {"hits": hits})


@section_required("compliance")
def dashboard(request):
    violations = violations_for_review()
    listing = ViolationFilter(request.GET or None, queryset=violations)
    found = filtered_listing(request, listing, page_size=PAGE_SIZE)
    context = {
        "filter": listing,
        "page": found.page,
        "query_string": found.query_string,
        "trend": violation_trend(weeks=TREND_WEEKS, today=timezone.localdate()),
        "trend_width": TREND_WEEKS * TREND_COLUMN_WIDTH,
        "safety_reports": safety_reports_awaiting(),
        "now": timezone.now(),
        "open_payments_years": [timezone.localdate().year, timezone.localdate().year - 1],
    }
    return render(request, "compliance/dashboard.html", context)


@section_required("compliance")
def open_payments_export(request, year: int):
    """The year's reportable transfers of value, shaped like an Open Payments submission."""
    try:
        rows = open_payments_rows(year)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("compliance:dashboard")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="open-payments-{year}.csv"'
    writer = csv.writer(response)
    writer.writerow(OPEN_PAYMENTS_COLUMNS)
    writer.writerows(safe_row(row) for row in rows)
    return response
