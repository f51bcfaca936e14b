from django.contrib import admin

from compliance.admin import ReadOnlyAdmin

from .models import Amendment, FollowUp, Insight, Interaction


@admin.register(Interaction)
class InteractionAdmin(ReadOnlyAdmin):
    """Read-only: interactions change only through their lifecycle services."""

    list_display = ["__str__", "owner", "status", "occurred_at", "first_submitted_at"]
    list_filter = ["status", "type", "channel"]
    search_fields = ["owner__username", "kols__last_name"]
    date_hierarchy = "occurred_at"
    list_select_related = ["owner"]


@admin.register(Insight)
class InsightAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kol", "topic", "category", "sentiment", "created_at"]
    list_filter = ["category", "sentiment", "importance"]
    list_select_related = ["kol", "topic", "topic__parent"]


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "owner", "status", "due_date"]
    list_filter = ["status", "kind"]
    list_select_related = ["owner"]


@admin.register(Amendment)
class AmendmentAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "author", "created_at"]
    list_select_related = ["author", "interaction"]
