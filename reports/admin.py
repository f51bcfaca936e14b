from django.contrib import admin

from compliance.admin import ReadOnlyAdmin

from .models import ReportSubscription, TrendReport


@admin.register(TrendReport)
class TrendReportAdmin(ReadOnlyAdmin):
    """Stored snapshots read the same for ever: never edited by hand."""

    list_display = ["__str__", "generated_at", "baseline_weeks"]
    exclude = ["data"]


@admin.register(ReportSubscription)
class ReportSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "weekly_email", "created_at"]
    list_filter = ["weekly_email"]
    list_select_related = ["user"]
