from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.access import section_required
from accounts.roles import Role
from compliance.firewall import QUOTES, may_see
from msl_crm.page_cache import page_cached

from .charts import bar_chart, line_chart
from .exports import report_csv, report_pdf, report_xlsx, topic_chart
from .models import ReportSubscription, TrendReport
from .selectors import dashboard_for
from .services import report_subscription_set
from .tasks import build_weekly_trend_report

PAGE_SIZE = 12


def may_run_reports(user) -> bool:
    return user.is_superuser or user.has_role(Role.MANAGER, Role.COMPLIANCE)


@section_required("reports")
@page_cached
def dashboard(request):
    board = dashboard_for(request.user)
    week_labels = [f"{week:%d %b}" for week in board.weeks]
    charts = {
        "topics": line_chart("Insights per week, top topics", week_labels, board.topic_series),
        "activity": line_chart(
            "Interactions logged per MSL per week", week_labels[-8:], board.activity
        ),
        "violations": bar_chart(
            "Compliance violations per week",
            [f"{row['week']:%d %b}" for row in board.violations],
            [row["total"] for row in board.violations],
        ),
        "inquiries": bar_chart(
            "Inquiries answered within service level (%)",
            [f"{m.product} · {m.urgency}" for m in board.inquiries],
            [round(100 * m.within_service_level) for m in board.inquiries],
            unit="%",
        ),
    }
    reports = Paginator(TrendReport.objects.order_by("-week"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "board": board,
        "charts": charts,
        "week_labels": week_labels,
        "page": reports,
        "may_run": may_run_reports(request.user),
        "subscribed": ReportSubscription.objects.filter(
            user=request.user, weekly_email=True
        ).exists(),
    }
    return render(request, "reports/dashboard.html", context)


@section_required("reports")
def report_detail(request, pk):
    report = get_object_or_404(TrendReport, pk=pk)
    quotes = may_see(request.user, QUOTES)
    download = request.GET.get("format")
    stem = f"insight-trends-{report.week:%Y-%m-%d}"
    if download == "csv":
        return _download(report_csv(report), "text/csv; charset=utf-8", f"{stem}.csv")
    if download == "xlsx":
        return _download(
            report_xlsx(report, include_quotes=quotes),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            f"{stem}.xlsx",
        )
    if download == "pdf":
        return _download(
            report_pdf(report, include_quotes=quotes), "application/pdf", f"{stem}.pdf"
        )
    context = {
        "report": report,
        "data": report.data,
        "chart": topic_chart(report),
        "quotes": quotes,
    }
    return render(request, "reports/report_detail.html", context)


@section_required("reports")
@require_POST
def run_now(request):
    if not may_run_reports(request.user):
        messages.error(request, "Only managers and compliance run reports on demand.")
        return redirect("reports:dashboard")
    try:
        build_weekly_trend_report.delay(mail=False)
    except Exception:
        messages.error(request, "The report could not be queued now; try again shortly.")
    else:
        messages.success(request, "The report for last week is being built; it appears below.")
    return redirect("reports:dashboard")


@section_required("reports")
@require_POST
def subscription(request):
    wanted = request.POST.get("weekly_email") == "on"
    report_subscription_set(user=request.user, weekly_email=wanted)
    messages.success(
        request,
        "You will get the weekly report by e-mail."
        if wanted
        else "You will no longer get the weekly report by e-mail.",
    )
    return redirect("reports:dashboard")


def _download(content, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
