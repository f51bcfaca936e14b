"""Comments on insights and the mentions they raise (step 7)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import section_required
from compliance.forms import add_service_error

from .forms import CommentForm, MentionPreferenceForm
from .selectors import insight_comments, insight_get_for_user, insight_readers, mention_list
from .services import (
    comment_add,
    mention_preference_set,
    mentions_mark_read,
    wants_mention_email,
)

PAGE_SIZE = 25


@section_required("events")
@require_http_methods(["GET", "POST"])
def insight(request, pk):
    insight = insight_get_for_user(user=request.user, pk=pk)
    form = CommentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                comment_add(
                    actor=request.user,
                    insight=insight,
                    text=form.cleaned_data["text"],
                    readers=insight_readers(insight),
                    acknowledged=form.acknowledged,
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "Comment added.")
                return redirect("events:insight", insight.pk)
        status = 400
    comments = insight_comments(insight)
    mentions_mark_read(user=request.user, comment_ids=[comment.pk for comment in comments])
    context = {
        "insight": insight,
        "comments": comments,
        "form": form,
        "shared_into": list(insight.shared_into.select_related("meeting")),
    }
    return render(request, "events/insight.html", context, status=status)


@section_required("events")
@require_http_methods(["GET", "POST"])
def mentions(request):
    # Unticking the only box posts no field at all: the form is bound on any POST.
    form = MentionPreferenceForm(
        request.POST if request.method == "POST" else None,
        initial={"email": wants_mention_email(request.user)},
    )
    if request.method == "POST" and form.is_valid():
        mention_preference_set(user=request.user, email=form.cleaned_data["email"])
        messages.success(request, "Preference saved.")
        return redirect("events:mentions")
    page = Paginator(mention_list(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "events/mentions.html", {"page": page, "form": form, "query_string": ""})


@section_required("events")
@require_POST
def mentions_read(request):
    count = mentions_mark_read(user=request.user)
    messages.success(request, f"{count} marked as read.")
    return redirect("events:mentions")
