from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse

from accounts.roles import Role
from compliance.admin import ReadOnlyAdmin

from .models import Amendment, FollowUp, Insight, Interaction
from .services import interaction_unlock


class UnlockForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Recorded in the audit trail with each unlocked interaction.",
    )


@admin.register(Interaction)
class InteractionAdmin(ReadOnlyAdmin):
    """Read-only: interactions change only through their lifecycle services."""

    list_display = ["__str__", "owner", "status", "occurred_at", "first_submitted_at"]
    list_filter = ["status", "type", "channel"]
    search_fields = ["owner__username", "kols__last_name"]
    date_hierarchy = "occurred_at"
    list_select_related = ["owner"]
    actions = ["unlock_for_correction"]

    def has_unlock_permission(self, request):
        return request.user.is_superuser or request.user.has_role(Role.COMPLIANCE)

    @admin.action(
        description="Unlock for correction by the owner (keeps first-submitted time)",
        permissions=["unlock"],
    )
    def unlock_for_correction(self, request, queryset):
        form = UnlockForm(request.POST if "reason" in request.POST else None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": "Unlock interactions for correction",
                "form": form,
                "interactions": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/interactions/unlock.html", context)
        unlocked = 0
        for interaction in queryset:
            try:
                interaction_unlock(
                    actor=request.user, interaction=interaction, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.WARNING)
            else:
                unlocked += 1
        self.message_user(request, f"Unlocked {unlocked} interaction(s).", messages.SUCCESS)
        return None


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
