"""Writing a checked KOL file: all rows, or only the valid ones if the user says so, in one
transaction with bulk statements and one audit entry per KOL created or changed."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from compliance.audit_chain import related_values, snapshot
from compliance.models import AuditAction
from compliance.services import AuditItem, audit_record_many

from .importing import ImportPreview, ParsedRow, read_kol_csv
from .models import (
    KOL,
    KOL_EDITABLE_FIELDS,
    ConsentStatus,
    ImportStatus,
    Institution,
    InstitutionType,
    Interest,
    KOLImport,
)
from .search import kols_search_text_refresh

BATCH_SIZE = 1000
ROW_FIELDS = KOL_EDITABLE_FIELDS


class ImportRefused(Exception):
    """The import cannot go ahead as asked; the message says why, nothing was written."""


@transaction.atomic
def kol_import_upload(*, actor, file_name: str, content: bytes) -> tuple[KOLImport, ImportPreview]:
    """Check a file (ImportFileError if it cannot be read at all) and keep it for the decision."""
    preview = read_kol_csv(content, user=actor)
    kol_import = KOLImport.objects.create(
        uploaded_by=actor,
        file_name=file_name[:255],
        content=content,
        total_rows=preview.total_rows,
        rejected_rows=preview.rejected_rows,
    )
    return kol_import, preview


@transaction.atomic
def kol_import_cancel(*, actor, kol_import: KOLImport) -> None:
    kol_import = KOLImport.objects.select_for_update().get(pk=kol_import.pk)
    if kol_import.status == ImportStatus.PREVIEWED:
        kol_import.status = ImportStatus.CANCELLED
        kol_import.finished_at = timezone.now()
        kol_import.content = b""  # personal data is kept no longer than the decision needs
        kol_import.save(update_fields=["status", "finished_at", "content"])


@transaction.atomic
def kol_import_apply(*, actor, kol_import: KOLImport, valid_rows_only: bool) -> KOLImport:
    # The lock and the status check make a double-clicked "Import" run once.
    kol_import = KOLImport.objects.select_for_update().get(pk=kol_import.pk)
    if kol_import.status != ImportStatus.PREVIEWED:
        raise ImportRefused(f"This file was already {kol_import.get_status_display().lower()}.")
    # Checked again: KOLs may have been added or changed since the preview.
    preview = read_kol_csv(bytes(kol_import.content), user=actor)
    if preview.errors and not valid_rows_only:
        raise ImportRefused(
            f"{preview.rejected_rows} row(s) were rejected, so nothing was imported. Fix the "
            "file and upload it again, or choose to import only the valid rows."
        )
    if not preview.rows:
        raise ImportRefused("No row of this file is valid, so there is nothing to import.")

    institutions = _create_institutions(preview.rows)
    interests = _interests_by_name(preview.rows)
    audit_items: list[AuditItem] = []
    created = _create_kols(
        [row for row in preview.rows if row.existing_id is None], institutions, interests
    )
    audit_items += created
    updated, unchanged = _update_kols(
        [row for row in preview.rows if row.existing_id is not None], institutions, interests
    )
    audit_items += updated
    reason = f"Imported from {kol_import.file_name} (import #{kol_import.pk})"
    audit_record_many(
        actor=actor,
        items=[AuditItem(item.action, item.target, item.changes, reason) for item in audit_items],
    )
    kol_import.status = ImportStatus.IMPORTED
    kol_import.rejected_rows = preview.rejected_rows
    kol_import.created_count = len(created)
    kol_import.updated_count = len(updated)
    kol_import.unchanged_count = unchanged
    kol_import.finished_at = timezone.now()
    # The file held personal data; once imported, the KOL records (and their erasure) are
    # what counts, not a copy that erasure could not reach.
    kol_import.content = b""
    kol_import.save()
    return kol_import


def _create_institutions(rows: list[ParsedRow]) -> dict[tuple[str, str], Institution]:
    """Institutions the file names that are not known yet: one per name and city, however
    the rows spell them."""
    new: dict[tuple[str, str], Institution] = {}
    for row in rows:
        if row.institution_key and row.institution_key not in new:
            name, city = row.institution_label
            new[row.institution_key] = Institution(
                name=name, city=city, country=row.fields["country"], type=InstitutionType.OTHER
            )
    Institution.objects.bulk_create(new.values(), batch_size=BATCH_SIZE)
    return new


def _interests_by_name(rows: list[ParsedRow]) -> dict[str, Interest]:
    wanted = {name.lower(): name for row in rows for name in row.interests}
    known = {i.name.lower(): i for i in Interest.objects.all()}
    missing = [Interest(name=wanted[key]) for key in wanted if key not in known]
    Interest.objects.bulk_create(missing, batch_size=BATCH_SIZE)
    known.update({i.name.lower(): i for i in missing})
    return known


def _row_values(row: ParsedRow, institutions, *, only_given: bool = False) -> dict:
    """The KOL fields a row sets. For an update (`only_given`), only the fields whose column
    the file has: a file without a phone column must not wipe every phone number."""
    names = ROW_FIELDS
    if only_given:
        names = [name for name in ROW_FIELDS if name in row.columns]
    values = {name: row.fields[name] for name in names}
    if row.institution_key and "institution" in values:
        values["institution"] = institutions[row.institution_key]
    return values


def _protect_contact_wishes(kol: KOL, values: dict) -> dict:
    """An import may record a do-not-contact or a withdrawal, never undo one: that takes a
    person deciding, on the KOL's page, not a spreadsheet that happens to lack the flag."""
    values = dict(values)
    if kol.do_not_contact:
        values.pop("do_not_contact", None)
    if kol.consent_status == ConsentStatus.WITHDRAWN:
        for name in ("consent_status", "consent_date", "consent_source"):
            values.pop(name, None)
    return values


def _create_kols(rows, institutions, interests) -> list[AuditItem]:
    kols = [KOL(**_row_values(row, institutions)) for row in rows]
    KOL.objects.bulk_create(kols, batch_size=BATCH_SIZE)
    area_links, interest_links, items = [], [], []
    for kol, row in zip(kols, rows, strict=True):
        kol_interests = _unique(interests[name.lower()] for name in row.interests)
        area_links += [
            KOL.therapeutic_areas.through(kol_id=kol.pk, therapeuticarea_id=area.pk)
            for area in _unique(row.therapeutic_areas)
        ]
        interest_links += [
            KOL.interests.through(kol_id=kol.pk, interest_id=interest.pk)
            for interest in kol_interests
        ]
        after = snapshot(kol, many_to_many=False)
        after["therapeutic_areas"] = related_values(_unique(row.therapeutic_areas))
        after["interests"] = related_values(kol_interests)
        changes = {name: {"before": None, "after": value} for name, value in after.items()}
        items.append(AuditItem(AuditAction.CREATE, kol, changes))
    KOL.therapeutic_areas.through.objects.bulk_create(area_links, batch_size=BATCH_SIZE)
    KOL.interests.through.objects.bulk_create(interest_links, batch_size=BATCH_SIZE)
    kols_search_text_refresh(kol.pk for kol in kols)
    return items


def _update_kols(rows, institutions, interests) -> tuple[list[AuditItem], int]:
    if not rows:
        return [], 0
    # Locked, so an edit made while the import runs is neither lost nor mis-audited.
    kols = (
        KOL.objects.select_for_update()
        .prefetch_related("therapeutic_areas", "interests")
        .in_bulk([row.existing_id for row in rows])
    )
    items, changed_kols, unchanged = [], [], 0
    changed_fields: set[str] = set()
    for row in rows:
        kol = kols[row.existing_id]
        before = snapshot(kol, many_to_many=False)
        before["therapeutic_areas"] = related_values(kol.therapeutic_areas.all())
        before["interests"] = related_values(kol.interests.all())
        values = _protect_contact_wishes(kol, _row_values(row, institutions, only_given=True))
        for name, value in values.items():
            setattr(kol, name, value)
        new_areas = (
            _unique(row.therapeutic_areas)
            if "therapeutic_areas" in row.columns
            else list(kol.therapeutic_areas.all())
        )
        new_interests = (
            _unique(interests[name.lower()] for name in row.interests)
            if "interests" in row.columns
            else list(kol.interests.all())
        )
        after = snapshot(kol, many_to_many=False)
        after["therapeutic_areas"] = related_values(new_areas)
        after["interests"] = related_values(new_interests)
        changes = {
            name: {"before": before.get(name), "after": value}
            for name, value in after.items()
            if before.get(name) != value and name != "updated_at"
        }
        if not changes:
            unchanged += 1
            continue
        changed_fields |= {name for name in changes if name in ROW_FIELDS}
        changed_kols.append(kol)
        if "therapeutic_areas" in changes:
            kol.therapeutic_areas.set(new_areas)
        if "interests" in changes:
            kol.interests.set(new_interests)
        items.append(AuditItem(AuditAction.UPDATE, kol, changes))
    if changed_kols:
        now = timezone.now()
        for kol in changed_kols:
            kol.updated_at = now
        KOL.objects.bulk_update(
            changed_kols, [*sorted(changed_fields), "updated_at"], batch_size=BATCH_SIZE
        )
        kols_search_text_refresh(kol.pk for kol in changed_kols)
    return items, unchanged


def _unique(objects):
    seen, result = set(), []
    for obj in objects:
        if obj.pk not in seen:
            seen.add(obj.pk)
            result.append(obj)
    return result


STALE_PREVIEW_AGE = dt.timedelta(hours=24)


def kol_imports_purge_stale(*, now=None) -> int:
    """Cancel previews nobody decided on within a day, dropping the personal data they hold."""
    cutoff = (now or timezone.now()) - STALE_PREVIEW_AGE
    return KOLImport.objects.filter(status=ImportStatus.PREVIEWED, uploaded_at__lt=cutoff).update(
        status=ImportStatus.CANCELLED, content=b"", finished_at=timezone.now()
    )
