from django.contrib import admin

from compliance.admin_audit import AuditedAdminMixin

from .models import Event, ExpectedKOL, LearningRecord, TrainingRequirement, Trip


@admin.register(TrainingRequirement)
class TrainingRequirementAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "role",
        "product",
        "is_adverse_event_reporting",
        "valid_for_months",
        "active",
    ]
    list_filter = ["role", "is_adverse_event_reporting", "active"]
    search_fields = ["title"]
    list_select_related = ["product"]


class ExpectedKOLInline(admin.TabularInline):
    model = ExpectedKOL
    extra = 0
    autocomplete_fields = ["kol"]
    raw_id_fields = ["added_by"]


@admin.register(Event)
class EventAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "starts_on", "ends_on", "location", "organiser"]
    list_filter = ["kind", "therapeutic_area"]
    search_fields = ["title", "location"]
    date_hierarchy = "starts_on"
    list_select_related = ["organiser"]
    raw_id_fields = ["organiser"]
    filter_horizontal = ["attendees"]
    inlines = [ExpectedKOLInline]


@admin.register(Trip)
class TripAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["purpose", "traveller", "departs_on", "returns_on", "event"]
    search_fields = ["purpose", "traveller__username"]
    list_select_related = ["traveller", "event"]
    readonly_fields = ["traveller", "event", "purpose", "departs_on", "returns_on"]

    def has_add_permission(self, request):
        return False  # travellers plan their own trips


@admin.register(LearningRecord)
class LearningRecordAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "user", "kind", "completed_on", "hours", "expires_on"]
    list_filter = ["kind", "requirement"]
    search_fields = ["title", "user__username"]
    list_select_related = ["user"]
    readonly_fields = [field.name for field in LearningRecord._meta.fields if field.name != "id"]

    def has_add_permission(self, request):
        return False  # people record their own learning, which certifies them
