import copy

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import section_required
from accounts.roles import Role
from compliance.forms import TransferOfValueForm, add_service_error
from compliance.transfers import transfer_of_value_record
from kols.models import Channel
from kols.selectors import kol_get_for_user
from msl_crm.listing import filtered_listing
from msl_crm.page_cache import page_cached

from .calendar import calendar_feed_owner, calendar_feed_rotate, calendar_for
from .filters import InteractionFilter
from .forms import AmendmentForm, FollowUpForm, InsightForm, InteractionForm
from .models import CalendarFeed
from .selectors import (
    attendee_value_summaries,
    follow_up_get_for_owner,
    interaction_get_for_user,
    interaction_list_for_user,
    interaction_sight,
    materials_shared_for,
    my_open_follow_ups,
)
from .services import (
    InteractionConflict,
    adverse_event_report_unsaved,
    follow_up_complete,
    follow_up_create,
    insight_add,
    interaction_amend,
    interaction_create,
    interaction_submit,
    interaction_update,
)

PAGE_SIZE = 25


@section_required("follow_ups")
def follow_up_list(request):
    today = timezone.localdate()
    page = Paginator(my_open_follow_ups(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "interactions/follow_up_list.html", {"page": page, "today": today})


@section_required("follow_ups")
@require_POST
def follow_up_done(request, pk):
    follow_up = follow_up_complete(
        actor=request.user, follow_up=follow_up_get_for_owner(user=request.user, pk=pk)
    )
    if request.htmx:
        return render(request, "interactions/_follow_up_done.html", {"follow_up": follow_up})
    messages.success(request, f"Done: {follow_up.description}")
    return redirect("follow_ups:list")


@section_required("interactions")
@page_cached
def interaction_list(request):
    interactions = interaction_list_for_user(request.user)
    listing = InteractionFilter(request.GET or None, queryset=interactions, user=request.user)
    found = filtered_listing(request, listing, page_size=PAGE_SIZE)
    # A link from a KOL's pages filters by the KOL itself, which the form does not show: the
    # page says which KOL, or that the link names none the user may see.
    chosen_kol = getattr(listing.form, "cleaned_data", {}).get("kol")
    every_kol = QueryDict(found.query_string, mutable=True)
    every_kol.pop("kol", None)
    context = {
        "filter": listing,
        "page": found.page,
        "query_string": found.query_string,
        "chosen_kol": chosen_kol,
        "kol_refused": listing.is_bound and "kol" in listing.form.errors,
        "every_kol_query": every_kol.urlencode(),
        "may_log": request.user.has_role(Role.MSL),
    }
    return render(request, "interactions/interaction_list.html", context)


@section_required("interactions")
def interaction_detail(request, pk):
    interaction = interaction_get_for_user(user=request.user, pk=pk)
    is_owner = interaction.owner_id == request.user.pk
    kols = list(interaction.kols.all())
    context = {
        "interaction": interaction,
        "kols": kols,
        "insights": interaction.insights.select_related("kol", "topic__parent"),
        "follow_ups": interaction.follow_ups.all(),
        "amendments": interaction.amendments.select_related("author"),
        "topics": interaction.topics.select_related("parent"),
        "materials": materials_shared_for(request.user, interaction),
        "inquiries": interaction.inquiries.all(),
        "transfers": interaction.transfers_of_value.select_related("kol"),
        "summaries": attendee_value_summaries(interaction, kols),
        "safety_reports": interaction.safety_reports.all()
        if interaction.adverse_event_mentioned
        else [],
        "is_owner": is_owner,
        "sight": interaction_sight(request.user, interaction),
        "insight_form": InsightForm(interaction=interaction) if is_owner else None,
        "follow_up_form": FollowUpForm() if is_owner else None,
    }
    return render(request, "interactions/interaction_detail.html", context)


@section_required("interactions")
@require_http_methods(["GET", "POST"])
def interaction_new(request):
    if not request.user.has_role(Role.MSL):
        raise PermissionDenied("Only MSLs log interactions.")
    form = InteractionForm(request.POST or None, user=request.user, initial=_start_from(request))
    if request.method == "POST" and form.is_valid():
        try:
            interaction = interaction_create(
                actor=request.user,
                kols=form.cleaned_data["kols"],
                relations=form.relations(),
                acknowledged=form.acknowledged,
                safety=_safety_details(request, form),
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_error(form, error)
            _keep_adverse_event(request, form)
        else:
            request.session.pop(UNSAVED_SAFETY_REPORT, None)
            messages.success(request, "The interaction was saved.")
            return redirect("interactions:detail", pk=interaction.pk)
    return render(request, "interactions/interaction_form.html", {"form": form})


def _start_from(request) -> dict:
    """A log started from elsewhere (the day's page, a KOL) names its KOL and channel in the
    address, so the form opens ready: the second click of "log it in two clicks"."""
    initial = {}
    kol = request.GET.get("kol", "")
    if kol.isdigit():
        initial["kols"] = [int(kol)]
    if request.GET.get("channel") in Channel.values:
        initial["channel"] = request.GET["channel"]
    if initial:
        # Started from a meeting that is happening now.
        initial["occurred_at"] = timezone.localtime().replace(second=0, microsecond=0)
    return initial


@section_required("interactions")
@require_http_methods(["GET", "POST"])
def interaction_edit(request, pk):
    interaction = interaction_get_for_user(user=request.user, pk=pk)
    if interaction.owner_id != request.user.pk:
        raise PermissionDenied("Nobody edits another MSL's interaction.")
    form = InteractionForm(request.POST or None, instance=interaction, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            interaction_update(
                actor=request.user,
                interaction=interaction,
                version=form.cleaned_data["version"] or 0,
                reason=form.cleaned_data.get("change_reason", ""),
                kols=form.cleaned_data["kols"],
                relations=form.relations(),
                acknowledged=form.acknowledged,
                safety=_safety_details(request, form),
                **form.service_fields(),
            )
        except InteractionConflict as conflict:
            form.add_error(None, str(conflict))
        except ValidationError as error:
            add_service_error(form, error)
            _keep_adverse_event(request, form, interaction)
        else:
            request.session.pop(UNSAVED_SAFETY_REPORT, None)
            messages.success(request, "The interaction was saved.")
            return redirect("interactions:detail", pk=interaction.pk)
    context = {
        "form": form,
        "interaction": interaction,
        "summaries": attendee_value_summaries(interaction),
    }
    return render(request, "interactions/interaction_form.html", context)


@section_required("interactions")
@require_POST
def interaction_submit_view(request, pk):
    interaction = interaction_get_for_user(user=request.user, pk=pk)
    try:
        interaction_submit(
            actor=request.user,
            interaction=interaction,
            version=_posted_version(request),
        )
    except (ValidationError, InteractionConflict) as error:
        for message in getattr(error, "messages", [str(error)]):
            messages.error(request, message)
    else:
        messages.success(
            request, "Submitted. You can still correct it until the lock window closes."
        )
    return redirect("interactions:detail", pk=interaction.pk)


@section_required("interactions")
@require_POST
def insight_new(request, pk):
    """Add an insight from the interaction page; with htmx only the insights list changes."""
    interaction = interaction_get_for_user(user=request.user, pk=pk)
    form = InsightForm(request.POST, interaction=interaction)
    if form.is_valid():
        try:
            insight_add(
                actor=request.user,
                interaction=interaction,
                acknowledged=form.acknowledged,
                **form.insight_fields(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            form = InsightForm(interaction=interaction)
    context = {
        "interaction": interaction,
        "insights": interaction.insights.select_related("kol", "topic__parent"),
        "insight_form": form,
        "is_owner": True,
        "sight": interaction_sight(request.user, interaction),
    }
    if request.htmx:
        return render(request, "interactions/_insights.html", context)
    if form.errors:
        messages.error(
            request,
            "The insight was not saved: "
            + "; ".join(f"{field}: {', '.join(errors)}" for field, errors in form.errors.items()),
        )
    return redirect("interactions:detail", pk=interaction.pk)


@section_required("interactions")
@require_POST
def follow_up_new(request, pk):
    """The inline form on the interaction page; a refused one opens the follow-up page
    with the form as typed and its errors."""
    interaction = interaction_get_for_user(user=request.user, pk=pk)
    if interaction.owner_id != request.user.pk:
        raise PermissionDenied("Only the owner plans this interaction's follow-ups.")
    return follow_up_page(
        request,
        about=interaction,
        fields={"interaction": interaction},
        done_url=reverse("interactions:detail", args=[interaction.pk]),
    )


@section_required("follow_ups")
@require_http_methods(["GET", "POST"])
def follow_up_for_kol(request, pk):
    kol = kol_get_for_user(user=request.user, pk=pk)
    return follow_up_page(request, about=kol, fields={"kol": kol}, done_url=kol.get_absolute_url())


def follow_up_page(request, *, about, fields: dict, done_url: str):
    """Plan a follow-up about an interaction, a KOL or an inquiry (the inquiries app calls
    this too), and go back where it came from."""
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            follow_up_create(actor=request.user, **fields, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Follow-up added.")
            return redirect(done_url)
    context = {"form": form, "about": about, "done_url": done_url}
    status = 400 if form.is_bound else 200
    return render(request, "interactions/follow_up_form.html", context, status=status)


@section_required("interactions")
@require_http_methods(["GET", "POST"])
def transfer_of_value_new(request, pk):
    """Record a meal or item given at the meeting; the caps decide, and a refusal comes back
    on this page with what was typed."""
    interaction = interaction_get_for_user(user=request.user, pk=pk)
    if interaction.owner_id != request.user.pk:
        raise PermissionDenied("Only the owner records what was given at this interaction.")
    form = TransferOfValueForm(request.POST or None, interaction=interaction)
    if request.method == "POST" and form.is_valid():
        try:
            transfer_of_value_record(
                actor=request.user,
                interaction=interaction,
                acknowledged=form.acknowledged,
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Transfer of value recorded.")
            return redirect("interactions:detail", pk=interaction.pk)
    context = {
        "form": form,
        "interaction": interaction,
        "summaries": attendee_value_summaries(interaction),
    }
    status = 400 if form.is_bound else 200
    return render(request, "interactions/transfer_form.html", context, status=status)


@section_required("interactions")
@require_http_methods(["GET", "POST"])
def calendar_settings(request):
    new_url = None
    if request.method == "POST":
        token = calendar_feed_rotate(user=request.user)
        new_url = request.build_absolute_uri(reverse("calendar_feed", args=[token]))
        messages.success(request, "A new calendar address was made; the old one no longer works.")
    has_feed = CalendarFeed.objects.filter(user=request.user).exists()
    return render(request, "interactions/calendar.html", {"new_url": new_url, "has_feed": has_feed})


@never_cache
def calendar_feed(request, token):
    """No login: calendar apps cannot sign in. The unguessable address is the credential."""
    owner = calendar_feed_owner(token)
    if owner is None:
        raise Http404("No such calendar.")
    response = HttpResponse(calendar_for(owner), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="msl-crm.ics"'
    return response


@section_required("interactions")
@require_http_methods(["GET", "POST"])
def interaction_amend_view(request, pk):
    interaction = interaction_get_for_user(user=request.user, pk=pk)
    if interaction.owner_id != request.user.pk:
        raise PermissionDenied("Nobody amends another MSL's interaction.")
    # Bound to a copy: a refused amendment must not leave the page showing unsaved values
    # as if they were the record.
    form = AmendmentForm(request.POST or None, instance=copy.copy(interaction))
    if request.method == "POST" and form.is_valid():
        try:
            interaction_amend(
                actor=request.user,
                interaction=interaction,
                reason=form.cleaned_data["reason"],
                acknowledged=form.acknowledged,
                **form.amended_fields(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "The amendment was recorded; the original stays visible.")
            return redirect("interactions:detail", pk=interaction.pk)
    context = {"form": form, "interaction": interaction}
    return render(request, "interactions/amendment_form.html", context)


def _posted_version(request) -> int:
    """The copy the user submitted from; an unreadable one counts as stale (a conflict
    message), never a 500."""
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else 0


UNSAVED_SAFETY_REPORT = "unsaved_safety_report"


def _safety_details(request, form) -> dict:
    return {**form.safety_details(), "report_id": request.session.get(UNSAVED_SAFETY_REPORT)}


def _keep_adverse_event(request, form, interaction=None) -> None:
    """A refused save that mentions an adverse event still reaches drug safety now."""
    if not form.cleaned_data.get("adverse_event_mentioned"):
        return
    if interaction is not None and interaction.safety_reports.exists():
        return
    if request.session.get(UNSAVED_SAFETY_REPORT):
        return
    report = adverse_event_report_unsaved(
        actor=request.user,
        kols=form.cleaned_data.get("kols") or [],
        products=form.cleaned_data.get("products") or [],
        notes=form.cleaned_data.get("notes", ""),
        safety=form.safety_details(),
    )
    request.session[UNSAVED_SAFETY_REPORT] = report.pk
    messages.warning(
        request,
        f"The interaction is not saved yet, but the adverse event went to drug safety "
        f"(safety report #{report.pk}). Correct the form and save: the report will be linked.",
    )
