from django.contrib import admin
from django.db import models

from compliance.admin_audit import AuditedAdminMixin

from .models import ApprovedMaterial, Indication, InsightTopic, Product, TherapeuticArea


@admin.register(TherapeuticArea)
class TherapeuticAreaAdmin(AuditedAdminMixin, admin.ModelAdmin):
    search_fields = ["name"]


class IndicationInline(admin.TabularInline):
    model = Indication
    extra = 0


@admin.register(Product)
class ProductAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "generic_name", "therapeutic_area", "is_marketed"]
    list_filter = ["therapeutic_area", "is_marketed"]
    search_fields = ["name", "generic_name"]
    list_select_related = ["therapeutic_area"]
    inlines = [IndicationInline]


@admin.register(InsightTopic)
class InsightTopicAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "is_active"]
    list_filter = ["is_active", "parent"]
    search_fields = ["name", "parent__name"]
    list_select_related = ["parent"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            # Only top-level topics can be parents: the taxonomy has two levels.
            kwargs["queryset"] = InsightTopic.objects.filter(parent=None)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ApprovedMaterial)
class ApprovedMaterialAdmin(AuditedAdminMixin, admin.ModelAdmin):
    # Links to approved documents are https; say so rather than lean on Django's old default.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "title",
        "document_number",
        "version",
        "therapeutic_area",
        "use",
        "approved_on",
        "expires_on",
    ]
    list_filter = ["therapeutic_area", "use", "products"]
    search_fields = ["title", "document_number"]
    date_hierarchy = "expires_on"
    filter_horizontal = ["products"]
    list_select_related = ["therapeutic_area"]
