"""Learning records and required trainings (step 8)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.access import section_required
from compliance.forms import add_service_error
from msl_crm.uploads import ask_for_file_again, document_response, document_suffix

from .forms import LearningRecordForm
from .selectors import learning_hours, learning_visible_to, quarter_start, training_status
from .services import learning_record_create

PAGE_SIZE = 20


@section_required("events")
def learning(request):
    today = timezone.localdate()
    records = (
        learning_visible_to(request.user)
        .filter(user=request.user)
        .select_related("requirement", "event")
    )
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query_string": "",
        "trainings": training_status(request.user, today=today),
        "quarter_hours": learning_hours(request.user, since=quarter_start(today)),
        "year_hours": learning_hours(request.user, since=today.replace(month=1, day=1)),
        "quarter_start": quarter_start(today),
        "today": today,
    }
    return render(request, "events/learning.html", context)


@section_required("events")
@require_http_methods(["GET", "POST"])
def learning_new(request):
    initial = {"completed_on": timezone.localdate()}
    for name in ("requirement", "event"):
        if request.GET.get(name, "").isdigit():
            initial[name] = request.GET[name]
    if "requirement" in initial:
        initial["kind"] = "training"
    form = LearningRecordForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            record = learning_record_create(actor=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            note = (
                f" It certifies you for {record.requirement.product} until "
                f"{record.expires_on:%Y-%m-%d}."
                if record.certification_id
                else ""
            )
            messages.success(request, f"Recorded “{record.title}”, {record.hours} hours.{note}")
            return redirect("events:learning")
    if form.is_bound:
        ask_for_file_again(form, "certificate")
    return render(request, "events/learning_form.html", {"form": form})


@section_required("events")
def certificate(request, pk):
    record = get_object_or_404(learning_visible_to(request.user), pk=pk)
    if not record.certificate:
        raise Http404("No certificate was uploaded for this record.")
    return document_response(
        record.certificate,
        record.certificate_content_type,
        download_name=f"certificate-{record.pk}{document_suffix(record.certificate_content_type)}",
    )
