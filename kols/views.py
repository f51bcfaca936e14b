import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods

from accounts.access import section_required
from msl_crm.listing import filtered_listing
from msl_crm.page_cache import page_cached

from .briefing import briefing_sections
from .directory import directory_rows
from .filters import KOLFilter
from .forms import EngagementPlanForm, ErasureForm, KOLForm
from .permissions import may_edit_kols, may_erase_kols
from .selectors import (
    directory_order,
    kol_areas_and_interests,
    kol_get_for_user,
    kols_visible_to,
)
from .services import (
    engagement_plan_save,
    kol_create,
    kol_erase,
    kol_export_personal_data,
    kol_update,
)

PAGE_SIZE = 25


@section_required("kols")
@page_cached
def kol_list(request):
    kols = kols_visible_to(request.user).with_directory_columns()
    directory = KOLFilter(request.GET or None, queryset=kols, user=request.user)
    found = filtered_listing(request, directory, page_size=PAGE_SIZE, order=_directory_sorted)
    extra_columns, rows = directory_rows(list(found.page.object_list), request.user)
    context = {
        "filter": directory,
        "page": found.page,
        "extra_columns": extra_columns,
        "rows": rows,
        "query_string": found.query_string,
        "may_edit": may_edit_kols(request.user),
    }
    # htmx asks for the results only; a history restore (the back button) needs the page.
    partial = request.htmx and not request.htmx.history_restore_request
    response = render(request, "kols/_results.html" if partial else "kols/kol_list.html", context)
    # One URL, two bodies: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


@section_required("kols")
@page_cached
def kol_detail(request, pk):
    kol = kol_get_for_user(user=request.user, pk=pk)
    sections = [
        {"section": section, "data": section.load(kol, request.user) if section.load else None}
        for section in briefing_sections()
    ]
    therapeutic_areas, interests = kol_areas_and_interests(kol)
    context = {
        "kol": kol,
        "sections": sections,
        "plans": kol.engagement_plans.all()[:3],
        "affiliations": kol.affiliations.select_related("institution")[:10],
        "interests": interests,
        "therapeutic_areas": therapeutic_areas,
        "may_edit": may_edit_kols(request.user),
        "may_erase": may_erase_kols(request.user),
    }
    return render(request, "kols/kol_detail.html", context)


@section_required("kols")
@require_http_methods(["GET", "POST"])
def kol_new(request):
    if not may_edit_kols(request.user):
        raise PermissionDenied("Your role may read KOLs but not add them.")
    form = KOLForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            kol = kol_create(
                actor=request.user,
                therapeutic_areas=form.cleaned_data["therapeutic_areas"],
                interests=form.interest_names(),
                **form.service_fields(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{kol.display_name} was added.")
            return redirect(kol)
    return render(request, "kols/kol_form.html", {"form": form})


@section_required("kols")
@require_http_methods(["GET", "POST"])
def kol_edit(request, pk):
    kol = kol_get_for_user(user=request.user, pk=pk)
    if not may_edit_kols(request.user):
        raise PermissionDenied("Your role may read KOLs but not change them.")
    form = KOLForm(request.POST or None, instance=kol, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            kol_update(
                actor=request.user,
                kol=kol,
                therapeutic_areas=form.cleaned_data["therapeutic_areas"],
                interests=form.interest_names(),
                **form.service_fields(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{kol.display_name} was updated.")
            return redirect(kol)
    return render(request, "kols/kol_form.html", {"form": form, "kol": kol})


@section_required("kols")
@require_http_methods(["GET", "POST"])
def engagement_plan_edit(request, pk, plan_pk=None):
    kol = kol_get_for_user(user=request.user, pk=pk)
    if not may_edit_kols(request.user):
        raise PermissionDenied("Your role may read engagement plans but not change them.")
    plan = get_object_or_404(kol.engagement_plans, pk=plan_pk) if plan_pk else None
    initial = {} if plan else {"year": timezone.localdate().year}
    form = EngagementPlanForm(request.POST or None, instance=plan, initial=initial, kol=kol)
    if request.method == "POST" and form.is_valid():
        try:
            engagement_plan_save(actor=request.user, plan=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"The {form.instance.year} engagement plan was saved.")
            return redirect(kol)
    return render(
        request, "kols/engagement_plan_form.html", {"form": form, "kol": kol, "plan": plan}
    )


@section_required("kols")
def kol_export(request, pk):
    """The KOL's personal data as JSON, for a data-subject access request."""
    kol = kol_get_for_user(user=request.user, pk=pk)
    if not may_erase_kols(request.user):
        raise PermissionDenied("Only compliance may export a person's data.")
    data = kol_export_personal_data(actor=request.user, kol=kol)
    body = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kol-{kol.pk}-personal-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@section_required("kols")
@require_http_methods(["GET", "POST"])
def kol_erase_view(request, pk):
    kol = kol_get_for_user(user=request.user, pk=pk)
    if not may_erase_kols(request.user):
        raise PermissionDenied("Only compliance may erase a person's data.")
    form = ErasureForm(request.POST or None, kol=kol)
    if request.method == "POST" and form.is_valid():
        kol_erase(actor=request.user, kol=kol, reason=form.cleaned_data["reason"])
        messages.success(request, "The KOL's personal data was erased.")
        return redirect("kols:list")
    return render(request, "kols/kol_erase.html", {"form": form, "kol": kol})


def _directory_sorted(results, directory):
    searched = directory.is_bound and bool(directory.form.cleaned_data.get("q"))
    order = directory_order(results.query.order_by, searched=searched)
    # A tie-breaker keeps pages stable when many KOLs share a name or tier.
    return results.order_by(*order, "pk")
