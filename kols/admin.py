from django.contrib import admin

from compliance.admin import ReadOnlyAdmin
from compliance.admin_audit import AuditedAdminMixin

from .models import KOL, Affiliation, EngagementPlan, Institution, Interest, KOLImport


@admin.register(Institution)
class InstitutionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "type", "city", "country"]
    list_filter = ["type", "country"]
    search_fields = ["name", "city"]


@admin.register(Interest)
class InterestAdmin(AuditedAdminMixin, admin.ModelAdmin):
    search_fields = ["name"]


class ReadOnlyInlineMixin:
    """Shown for context; their changes go through the KOL pages, which audit them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AffiliationInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Affiliation
    extra = 0


class EngagementPlanInline(ReadOnlyInlineMixin, admin.StackedInline):
    model = EngagementPlan
    extra = 0


@admin.register(KOL)
class KOLAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """For data stewards; MSLs use the KOL pages. Changes here are audited like theirs."""

    list_display = ["__str__", "specialty", "institution", "territory", "tier", "do_not_contact"]
    list_filter = ["tier", "territory", "consent_status", "do_not_contact", "therapeutic_areas"]
    search_fields = ["first_name", "last_name", "npi", "email", "institution__name"]
    autocomplete_fields = ["institution", "interests"]
    filter_horizontal = ["therapeutic_areas"]
    list_select_related = ["institution", "territory"]
    readonly_fields = ["erased_at", "created_at", "updated_at"]
    inlines = [AffiliationInline, EngagementPlanInline]
    show_full_result_count = False

    def has_change_permission(self, request, obj=None):
        # An erased person stays erased: no one types their name back in.
        if obj is not None and obj.erased_at:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Deleting would drop their history from aggregates; erasure is the way out.
        return False


@admin.register(KOLImport)
class KOLImportAdmin(ReadOnlyAdmin):
    list_display = [
        "file_name",
        "uploaded_by",
        "uploaded_at",
        "status",
        "total_rows",
        "created_count",
        "updated_count",
        "rejected_rows",
    ]
    list_filter = ["status"]
    exclude = ["content"]

    def get_readonly_fields(self, request, obj=None):
        return [name for name in super().get_readonly_fields(request, obj) if name != "content"]
