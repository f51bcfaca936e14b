from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile

from compliance.admin_audit import AuditedAdminMixin
from msl_crm.uploads import ask_for_file_again, document_type

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


class ApprovedMaterialForm(forms.ModelForm):
    # Links to approved documents are https; say so rather than lean on Django's old default.
    url = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = ApprovedMaterial
        fields = [
            "title",
            "document_number",
            "version",
            "file",
            "url",
            "therapeutic_area",
            "products",
            "approved_on",
            "expires_on",
            "use",
        ]

    def clean_file(self):
        """Accepted by what the bytes are (PDF, PNG, JPEG), not by the file's name."""
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            self.instance.file_content_type = document_type(upload)
        elif not upload:
            self.instance.file_content_type = ""
        return upload

    def full_clean(self):
        super().full_clean()
        ask_for_file_again(self, "file")


@admin.register(ApprovedMaterial)
class ApprovedMaterialAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = ApprovedMaterialForm
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
