"""/compliance/audit/: search the trail, read one record's full history, export it."""

import csv

from django.contrib.contenttypes.models import ContentType
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render

from accounts.access import section_required
from msl_crm.listing import filtered_listing
from msl_crm.spreadsheets import safe_row

from .filters import AuditEntryFilter
from .selectors import audit_entries_for_review, record_history

PAGE_SIZE = 50
CSV_COLUMNS = [
    "sequence",
    "occurred_at_utc",
    "actor",
    "action",
    "record_type",
    "record_id",
    "record",
    "field",
    "before",
    "after",
    "reason",
    "request_id",
    "ip_address",
    "entry_hash",
]


@section_required("compliance")
def audit_search(request):
    entries = audit_entries_for_review()
    listing = AuditEntryFilter(request.GET or None, queryset=entries)
    found = filtered_listing(request, listing, page_size=PAGE_SIZE)
    if request.GET.get("format") == "csv":
        return _csv_response(found.results, "audit-trail.csv")
    context = {"filter": listing, "page": found.page, "query_string": found.query_string}
    return render(request, "compliance/audit_search.html", context)


@section_required("compliance")
def audit_record(request, content_type_id, object_id):
    try:
        content_type = ContentType.objects.get_for_id(content_type_id)
    except ContentType.DoesNotExist:
        raise Http404 from None
    history = record_history(content_type, object_id)
    if not history.entries:
        raise Http404
    if request.GET.get("format") == "csv":
        return _csv_response(
            history.entries, f"audit-{content_type.model}-{object_id}.csv", newest_first=False
        )
    template = (
        "compliance/audit_record_print.html"
        if request.GET.get("print")
        else "compliance/audit_record.html"
    )
    return render(request, template, {"history": history, "content_type": content_type})


class _Echo:
    def write(self, value):
        return value


def _csv_response(entries, filename: str, *, newest_first: bool = True):
    """One row per changed field, streamed so a large export never sits in memory."""
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(CSV_COLUMNS)
        queryset = entries if newest_first else sorted(entries, key=lambda e: e.sequence)
        iterable = queryset.iterator(chunk_size=2000) if hasattr(queryset, "iterator") else queryset
        for entry in iterable:
            common = [
                entry.sequence,
                entry.occurred_at.strftime("%Y-%m-%d %H:%M:%S"),
                entry.actor_name,
                entry.action,
                f"{entry.content_type.app_label}.{entry.content_type.model}",
                entry.object_id,
                entry.object_repr,
            ]
            tail = [entry.reason, entry.request_id or "", entry.ip_address or "", entry.entry_hash]
            changes = entry.changes or {"": {"before": "", "after": ""}}
            for field, change in changes.items():
                yield writer.writerow(
                    safe_row([*common, field, change.get("before"), change.get("after"), *tail])
                )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
