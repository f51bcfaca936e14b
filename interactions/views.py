from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import section_required

from .selectors import follow_up_get_for_owner, my_open_follow_ups
from .services import follow_up_complete

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
