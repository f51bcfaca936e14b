from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import section_required
from accounts.roles import Role
from kols.selectors import kols_visible_to

from .forms import ImportForm, SaveToKOLForm, WatchTopicForm
from .models import ClinicalTrial, Contributor, Publication, WatchTopic
from .pubmed import LiteratureFileError, parse_pubmed
from .selectors import (
    LINKS,
    feed_for,
    feed_states,
    previous_visit,
    shared_by_colleagues,
    watch_topics_for,
)
from .services import (
    feed_mark_read,
    feed_save_to_kol,
    feed_share_with_my_team,
    feed_visit_record,
    match_decide,
    publications_import,
    trials_import,
    watch_topic_create,
)
from .trials import parse_trials

PAGE_SIZE = 20
KINDS = {"publications": Publication, "trials": ClinicalTrial}


@section_required("literature")
def feed(request):
    kind = request.GET.get("kind") if request.GET.get("kind") in KINDS else "publications"
    items, link = feed_for(request.user, kind)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    since = previous_visit(request.user)
    feed_visit_record(request.user)
    states = feed_states(request.user, page.object_list, link)
    shared = shared_by_colleagues(request.user, page.object_list, link)
    for item in page.object_list:
        entry = states.get(item.pk)
        item.feed_read = bool(entry and entry.read_at)
        item.feed_saved = len(entry.saved_to.all()) if entry else 0
        item.feed_shared_by = shared.get(item.pk, [])
        item.feed_i_shared = bool(entry and entry.shared_with_id)
    context = {
        "page": page,
        "kind": kind,
        "since": since,
        "topics": watch_topics_for(request.user),
        "team": request.user.teams.order_by("name").first(),
        "query_string": f"kind={kind}",
    }
    return render(request, "literature/feed.html", context)


@section_required("literature")
@require_POST
def mark_read(request, kind, pk):
    item = _item(kind, pk)
    read = request.POST.get("read") != "0"
    feed_mark_read(user=request.user, read=read, **{_link(kind): item})
    if request.htmx:
        return render(
            request, "literature/_read_toggle.html", {"item": item, "kind": kind, "read": read}
        )
    return redirect(f"/literature/?kind={kind}")


@section_required("literature")
@require_http_methods(["GET", "POST"])
def save_to_kol(request, kind, pk):
    item = _item(kind, pk)
    form = SaveToKOLForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        feed_save_to_kol(user=request.user, kol=form.cleaned_data["kol"], **{_link(kind): item})
        messages.success(request, f"Saved to {form.cleaned_data['kol'].display_name}.")
        return redirect(f"/literature/?kind={kind}")
    context = {"form": form, "item": item, "kind": kind}
    return render(request, "literature/save.html", context, status=400 if form.is_bound else 200)


@section_required("literature")
@require_POST
def share(request, kind, pk):
    item = _item(kind, pk)
    entry = feed_share_with_my_team(user=request.user, **{_link(kind): item})
    if entry is None:
        messages.error(request, "You are in no team to share with.")
    else:
        messages.success(request, f"Shared with {entry.shared_with.name}.")
    return redirect(f"/literature/?kind={kind}")


@section_required("literature")
@require_http_methods(["GET", "POST"])
def topics(request):
    form = WatchTopicForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        topic = watch_topic_create(
            actor=request.user,
            team=form.cleaned_data["share_with_team"],
            products=form.cleaned_data["products"],
            **{name: form.cleaned_data[name] for name in ("name", "terms", "therapeutic_area")},
        )
        messages.success(request, f"Watching “{topic.name}”.")
        return redirect("literature:topics")
    context = {"form": form, "topics": watch_topics_for(request.user)}
    return render(request, "literature/topics.html", context)


@section_required("literature")
@require_POST
def topic_delete(request, pk):
    topic = get_object_or_404(WatchTopic, pk=pk, owner=request.user)
    topic.delete()
    messages.success(request, f"No longer watching “{topic.name}”.")
    return redirect("literature:topics")


@section_required("literature")
@require_POST
def match_decision(request, pk, decision):
    if decision not in {"confirm", "reject"}:
        raise Http404
    # Only a match to a KOL the user may see; anything else is 404, like the KOL itself.
    contributor = get_object_or_404(
        Contributor, pk=pk, kol__in=kols_visible_to(request.user).values("pk")
    )
    if not request.user.has_role(*_matchers()):
        raise PermissionDenied("Only MSLs and managers confirm author matches.")
    match_decide(actor=request.user, contributor=contributor, confirm=decision == "confirm")
    messages.success(request, "Match confirmed." if decision == "confirm" else "Match rejected.")
    if contributor.kol_id:
        return redirect(contributor.kol)
    return redirect("literature:feed")


@staff_member_required
@require_http_methods(["GET", "POST"])
def import_file(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        content = form.cleaned_data["file"].read()
        try:
            if form.cleaned_data["kind"] == "pubmed":
                result = publications_import(parse_pubmed(content))
            else:
                result = trials_import(parse_trials(content))
        except LiteratureFileError as error:
            form.add_error("file", f"{error} Nothing was imported.")
        else:
            messages.success(request, f"Imported: {result}.")
            return redirect("literature:import")
    return render(request, "literature/import.html", {"form": form})


def _item(kind, pk):
    if kind not in KINDS:
        raise Http404
    return get_object_or_404(KINDS[kind], pk=pk)


def _link(kind) -> str:
    return LINKS[kind]


def _matchers():
    return (Role.MSL, Role.MANAGER)
