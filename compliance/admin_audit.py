"""Makes Django admin writes go through the audit trail like every other write."""

from django.contrib import admin
from django.db import transaction

from .audit_chain import snapshot
from .services import audit_changed, audit_created, audit_deleted


class AuditedAdminMixin(admin.ModelAdmin):
    """Records each add, change and delete made in the admin, many-to-many links included.

    The admin saves the object first and its many-to-many links afterwards, both inside one
    transaction; the entry is written after the links so that it shows the complete change.
    """

    def save_model(self, request, obj, form, change):
        stored = type(obj)._default_manager.get(pk=obj.pk) if change else None
        request._audit_before = snapshot(stored) if stored else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before = getattr(request, "_audit_before", None)
        if before is None:
            audit_created(actor=request.user, instance=obj, reason="Added in the admin site")
        else:
            audit_changed(
                actor=request.user, instance=obj, before=before, reason="Changed in the admin site"
            )

    def save_formset(self, request, form, formset, change):
        """Inline rows (a product's indications) are regulated records of their own: each
        added, changed or deleted row gets its entry."""
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            audit_deleted(actor=request.user, instance=obj, reason="Deleted in the admin site")
            obj.delete()
        for obj in instances:
            stored = type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk else None
            before = snapshot(stored) if stored else None
            obj.save()
            if before is None:
                audit_created(actor=request.user, instance=obj, reason="Added in the admin site")
            else:
                audit_changed(
                    actor=request.user,
                    instance=obj,
                    before=before,
                    reason="Changed in the admin site",
                )
        formset.save_m2m()

    def delete_model(self, request, obj):
        audit_deleted(actor=request.user, instance=obj, reason="Deleted in the admin site")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # The bulk-delete action, unlike the delete page, runs outside a transaction.
        with transaction.atomic():
            for obj in queryset:
                audit_deleted(actor=request.user, instance=obj, reason="Deleted in the admin site")
            super().delete_queryset(request, queryset)
