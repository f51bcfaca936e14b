from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.access import section_required
from msl_crm.page_cache import page_cached
from reports.charts import bar_chart, line_chart
from reports.selectors import msl_topics_against_team, msl_trend_against_team

from .briefing_pack import briefing_pack_for
from .day import MyDay, ticks_today
from .services import step_tick_set
from .steps import STEP_NUMBERS, STEPS


@never_cache
@section_required("today")
@page_cached
def today(request):
    day = MyDay(request.user)
    cards = day.cards()
    context = {
        "day": day,
        "cards": cards,
        "done_count": sum(card.done for card in cards),
        "total": len(STEPS),
    }
    return render(request, "today/today.html", context)


@section_required("today")
@require_POST
def tick(request, number):
    if number not in STEP_NUMBERS:
        raise Http404("The day has twelve steps.")
    done = request.POST.get("done") != "0"
    step_tick_set(user=request.user, day=timezone.localdate(), step=number, done=done)
    if request.htmx:
        step = next(step for step in STEPS if step.number == number)
        context = {
            "step": step,
            "done": done,
            "done_count": ticks_today(request.user, timezone.localdate()),
            "total": len(STEPS),
            "oob": True,
        }
        return render(request, "today/_tick.html", context)
    return redirect(f"/today/#step-{number}")


@never_cache
@section_required("today")
def briefing_pack(request):
    pack = briefing_pack_for(request.user, today=timezone.localdate())
    return render(
        request, "today/briefing_pack.html", {"pack": pack, "today": timezone.localdate()}
    )


@section_required("today")
def my_trend(request):
    trend = msl_trend_against_team(request.user, weeks=12)
    topics = msl_topics_against_team(request.user, weeks=4)
    chart = line_chart(
        "My insights per week against my team's average",
        [f"{week:%d %b}" for week in trend["weeks"]],
        [("Me", trend["mine"]), ("Team average per MSL", trend["team_average"])],
    )
    topic_chart = bar_chart(
        "My insights by topic, last 4 weeks",
        [row["topic"] for row in topics],
        [row["mine"] for row in topics],
    )
    return render(
        request,
        "today/trend.html",
        {"chart": chart, "topic_chart": topic_chart, "topics": topics, "trend": trend},
    )
