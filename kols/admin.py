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


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0
    autocomplete_fields = ["institution"]


class EngagementPlanInline(admin.StackedInline):
    model = EngagementPlan
    extra = 0
    autocomplete_fields = ["owner"]


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
