"""Events: the list of upcoming and past, the month calendar, an event's page with the
KOLs expected and the meetings planned there, and internal meetings' minutes."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import section_required
from compliance.forms import add_service_error

from .forms import EventForm, ExpectedKOLForm, MeetingPlanForm, ShareInsightForm
from .models import EventKind
from .selectors import (
    event_expected_kols,
    event_get_for_user,
    event_list,
    event_meetings,
    learning_hours,
    meeting_shared_insights,
    month_calendar,
    my_insights_to_share,
    quarter_start,
    training_status,
    upcoming_trips,
)
from .services import (
    event_create,
    event_meeting_plan,
    event_update,
    expected_kol_add,
    insight_share,
    may_edit_event,
)

PAGE_SIZE = 20
SHARE_INSIGHTS_SINCE = dt.timedelta(days=180)


@section_required("events")
def index(request):
    today = timezone.localdate()
    when = "past" if request.GET.get("when") == "past" else "upcoming"
    kind = request.GET.get("kind") if request.GET.get("kind") in EventKind.values else ""
    events = event_list(request.user, upcoming=when == "upcoming", today=today)
    if kind:
        events = events.filter(kind=kind)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "when": when,
        "kind": kind,
        "kinds": EventKind.choices,
        "query_string": f"when={when}&kind={kind}",
        "trips": upcoming_trips(request.user, today=today),
        "quarter_hours": learning_hours(request.user, since=quarter_start(today)),
        "quarter_start": quarter_start(today),
        "trainings_due": [
            row for row in training_status(request.user, today=today) if row.state != "current"
        ],
        "today": today,
    }
    return render(request, "events/index.html", context)


@section_required("events")
def calendar_month(request):
    today = timezone.localdate()
    try:
        first = dt.datetime.strptime(request.GET.get("month", ""), "%Y-%m").date()
    except ValueError:
        first = today.replace(day=1)
    if not dt.MINYEAR < first.year < dt.MAXYEAR:
        # The grid and the previous/next links would step outside the dates Python knows.
        first = today.replace(day=1)
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    context = {
        "weeks": month_calendar(request.user, first.year, first.month),
        "month": first,
        "previous": previous,
        "following": following,
        "today": today,
    }
    return render(request, "events/calendar.html", context)


@section_required("events")
@require_http_methods(["GET", "POST"])
def create(request):
    form = EventForm(request.POST or None, initial={"kind": request.GET.get("kind", "")})
    if request.method == "POST" and form.is_valid():
        try:
            event = event_create(
                actor=request.user,
                attendees=form.cleaned_data["attendees"],
                acknowledged=form.acknowledged,
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"“{event.title}” is on the calendar.")
            return redirect("events:detail", event.pk)
    return render(request, "events/event_form.html", {"form": form})


@section_required("events")
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    event = event_get_for_user(user=request.user, pk=pk)
    if not may_edit_event(request.user, event):
        raise PermissionDenied("Only the organiser changes an event.")
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        try:
            event_update(
                actor=request.user,
                event=event,
                attendees=form.cleaned_data["attendees"],
                acknowledged=form.acknowledged,
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Event saved.")
            return redirect("events:detail", event.pk)
    return render(request, "events/event_form.html", {"form": form, "event": event})


@section_required("events")
def detail(request, pk, *, kol_form=None, meeting_form=None, share_form=None, status=200):
    event = event_get_for_user(user=request.user, pk=pk)
    user = request.user
    context = {
        "event": event,
        "attendees": list(event.attendees.order_by("last_name", "first_name")),
        "may_edit": may_edit_event(user, event),
        "today": timezone.localdate(),
    }
    if event.is_internal:
        insights = my_insights_to_share(user, since=timezone.localdate() - SHARE_INSIGHTS_SINCE)
        context["shared"] = meeting_shared_insights(event, user)
        context["attending"] = any(person.pk == user.pk for person in context["attendees"])
        context["share_form"] = share_form or ShareInsightForm(insights=insights)
    else:
        context["expected"] = event_expected_kols(event, user)
        context["meetings"] = event_meetings(event, user)
        context["kol_form"] = kol_form or ExpectedKOLForm(user=user)
        context["meeting_form"] = meeting_form or MeetingPlanForm(user=user, event=event)
        context["my_trips"] = list(event.trips.filter(traveller=user))
    return render(request, "events/event_detail.html", context, status=status)


@section_required("events")
@require_POST
def expected_kol_new(request, pk):
    event = event_get_for_user(user=request.user, pk=pk)
    if event.is_internal:
        # An internal meeting's page has no KOL form to show the refusal under.
        messages.error(request, "KOLs are not expected at internal meetings.")
        return redirect("events:detail", event.pk)
    form = ExpectedKOLForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            expected_kol_add(actor=request.user, event=event, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{form.cleaned_data['kol']} is expected at the event.")
            return redirect("events:detail", event.pk)
    return detail(request, pk, kol_form=form, status=400)


@section_required("events")
@require_POST
def meeting_new(request, pk):
    event = event_get_for_user(user=request.user, pk=pk)
    if event.is_internal:
        messages.error(request, "KOL meetings are planned at external events.")
        return redirect("events:detail", event.pk)
    form = MeetingPlanForm(request.POST, user=request.user, event=event)
    if form.is_valid():
        try:
            meeting = event_meeting_plan(actor=request.user, event=event, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                "Meeting planned: it is in your agenda as a planned interaction, ready to log.",
            )
            return redirect("interactions:detail", meeting.interaction_id)
    return detail(request, pk, meeting_form=form, status=400)


@section_required("events")
@require_POST
def share_insight(request, pk):
    event = event_get_for_user(user=request.user, pk=pk)
    if not event.is_internal:
        # Only an internal meeting's page has the share form to show the refusal under.
        messages.error(request, "Insights are shared into internal meetings.")
        return redirect("events:detail", event.pk)
    since = timezone.localdate() - SHARE_INSIGHTS_SINCE
    form = ShareInsightForm(request.POST, insights=my_insights_to_share(request.user, since=since))
    if form.is_valid():
        try:
            insight_share(actor=request.user, meeting=event, insight=form.cleaned_data["insight"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Insight shared with the meeting's attendees.")
            return redirect("events:detail", event.pk)
    return detail(request, pk, share_form=form, status=400)
