from django import forms
from django.contrib import admin

from .admin_audit import AuditedAdminMixin
from .models import (
    AuditChainVerification,
    AuditEntry,
    CheckedText,
    CompliancePolicy,
    FirewallRule,
    OpenPaymentsThreshold,
    ProductCertification,
    RequiredInteractionField,
    RestrictedTerm,
    SafetyReport,
    TransferOfValue,
    Violation,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records written only by services: the admin may look, never touch."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: the trail is written by services and never edited by hand."""

    list_display = [
        "sequence",
        "occurred_at",
        "actor_name",
        "action",
        "content_type",
        "object_repr",
    ]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "actor_name", "object_id", "request_id"]
    date_hierarchy = "occurred_at"
    list_per_page = 50
    show_full_result_count = False


@admin.register(AuditChainVerification)
class AuditChainVerificationAdmin(ReadOnlyAdmin):
    list_display = ["verified_at", "ok", "entries_checked", "broken_sequence"]
    list_filter = ["ok"]


@admin.register(RequiredInteractionField)
class RequiredInteractionFieldAdmin(AuditedAdminMixin):
    list_display = ["interaction_type", "field", "created_at"]
    list_filter = ["interaction_type"]


class RestrictedTermForm(forms.ModelForm):
    fields = forms.MultipleChoiceField(
        choices=CheckedText.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Which free-text fields the rule reads.",
    )

    class Meta:
        model = RestrictedTerm
        fields = [
            "pattern",
            "match_kind",
            "case_sensitive",
            "fields",
            "severity",
            "purpose",
            "explanation",
            "suggestion",
            "is_active",
        ]


@admin.register(RestrictedTerm)
class RestrictedTermAdmin(AuditedAdminMixin):
    form = RestrictedTermForm
    list_display = ["pattern", "match_kind", "severity", "purpose", "is_active", "updated_at"]
    list_filter = ["severity", "purpose", "match_kind", "is_active"]
    search_fields = ["pattern", "explanation", "suggestion"]


@admin.register(Violation)
class ViolationAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "user", "rule", "matched_text", "outcome"]
    list_filter = ["outcome", "field"]
    list_select_related = ["user"]
    date_hierarchy = "occurred_at"


@admin.register(CompliancePolicy)
class CompliancePolicyAdmin(AuditedAdminMixin):
    list_display = ["__str__", "drug_safety_mailbox", "lock_window_hours", "max_backdate_days"]

    def has_add_permission(self, request):
        return not CompliancePolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SafetyReport)
class SafetyReportAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "reporter", "learned_at", "deadline", "status", "attempts"]
    list_filter = ["status"]
    list_select_related = ["reporter"]
    date_hierarchy = "learned_at"


@admin.register(ProductCertification)
class ProductCertificationAdmin(AuditedAdminMixin):
    list_display = ["user", "product", "certified_on", "expires_on", "source"]
    list_filter = ["product", "source"]
    search_fields = ["user__username", "user__last_name", "product__name"]
    list_select_related = ["user", "product"]


@admin.register(FirewallRule)
class FirewallRuleAdmin(AuditedAdminMixin):
    list_display = [
        "role",
        "may_see_notes",
        "may_see_quotes",
        "may_see_identifiable_insights",
        "may_see_off_label_inquiries",
    ]
    list_editable = [
        "may_see_notes",
        "may_see_quotes",
        "may_see_identifiable_insights",
        "may_see_off_label_inquiries",
    ]


@admin.register(OpenPaymentsThreshold)
class OpenPaymentsThresholdAdmin(AuditedAdminMixin):
    list_display = ["program_year", "small_item", "annual_total"]


@admin.register(TransferOfValue)
class TransferOfValueAdmin(ReadOnlyAdmin):
    list_display = ["given_on", "kol", "kind", "amount", "currency", "recorded_by"]
    list_filter = ["kind", "currency"]
    list_select_related = ["kol", "recorded_by"]
    date_hierarchy = "given_on"
