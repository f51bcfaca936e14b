from django.contrib import admin

from compliance.admin import ReadOnlyAdmin
from compliance.admin_audit import AuditedAdminMixin

from .models import (
    DocumentedInterest,
    InquiryPolicy,
    MedicalInquiry,
    ServiceLevel,
    StandardResponse,
)


@admin.register(ServiceLevel)
class ServiceLevelAdmin(AuditedAdminMixin):
    list_display = ["urgency", "business_days"]


@admin.register(InquiryPolicy)
class InquiryPolicyAdmin(AuditedAdminMixin):
    list_display = ["__str__", "signature_required", "interest_validity_months"]

    def has_add_permission(self, request):
        return not InquiryPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StandardResponse)
class StandardResponseAdmin(AuditedAdminMixin):
    list_display = ["title", "document_number", "version", "product", "approved_on", "expires_on"]
    list_filter = ["product"]
    search_fields = ["title", "document_number", "body"]
    list_select_related = ["product"]


@admin.register(MedicalInquiry)
class MedicalInquiryAdmin(ReadOnlyAdmin):
    """Read-only: inquiries move only through their workflow."""

    list_display = ["__str__", "raised_by", "status", "urgency", "deadline", "assignee"]
    list_filter = ["status", "urgency", "off_label"]
    list_select_related = ["raised_by", "assignee"]
    exclude = ["signature_png"]


@admin.register(DocumentedInterest)
class DocumentedInterestAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "raised_by", "valid_until"]
    list_select_related = ["kol", "topic__parent", "raised_by"]
    exclude = ["signature_png"]
