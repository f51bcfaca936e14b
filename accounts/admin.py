from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction

from compliance.admin_audit import AuditedAdminMixin
from compliance.audit_chain import snapshot
from compliance.services import audit_changed

from .models import Team, Territory, User


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets[:1],
        ("Personal info", {"fields": ("first_name", "last_name", "email", "job_title")}),
        *DjangoUserAdmin.fieldsets[2:],
    )
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups"]

    def user_change_password(self, request, id, form_url=""):
        # Django's password page saves through its form, outside save_model; audit it here.
        with transaction.atomic():
            user = self.get_object(request, id)
            before = snapshot(user) if user else None
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302 and before is not None:
                user.refresh_from_db()
                audit_changed(
                    actor=request.user,
                    instance=user,
                    before=before,
                    reason="Password set in the admin site",
                )
        return response


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AuditedAdminMixin, DjangoGroupAdmin):
    """Roles are groups: changing what a role may do is audited like any other change."""


@admin.register(Team)
class TeamAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "manager"]
    search_fields = ["name"]
    autocomplete_fields = ["manager"]
    filter_horizontal = ["members"]
    list_select_related = ["manager"]


@admin.register(Territory)
class TerritoryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "region", "country", "team"]
    list_filter = ["country", "region", "team"]
    search_fields = ["name", "code", "region"]
    filter_horizontal = ["assignees"]
    list_select_related = ["team"]
