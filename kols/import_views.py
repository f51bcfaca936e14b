from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import section_required

from .import_service import ImportRefused, kol_import_apply, kol_import_cancel, kol_import_upload
from .importing import (
    ALL_COLUMNS,
    LIST_SEPARATOR,
    MAX_FILE_BYTES,
    MAX_ROWS,
    REQUIRED_COLUMNS,
    ImportFileError,
    read_kol_csv,
    template_csv,
)
from .models import ImportStatus, KOLImport
from .permissions import may_edit_kols

ERRORS_PER_PAGE = 50


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=f"UTF-8, comma-separated, at most {MAX_FILE_BYTES // (1024 * 1024)} MB and "
        f"{MAX_ROWS:,} rows.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


def _require_editor(request):
    if not may_edit_kols(request.user):
        raise PermissionDenied("Your role may read KOLs but not import them.")


def _import_for_user(request, pk) -> KOLImport:
    # Another user's upload answers 404: files hold personal data.
    return get_object_or_404(KOLImport, pk=pk, uploaded_by=request.user)


@section_required("kols")
@require_http_methods(["GET", "POST"])
def import_upload(request):
    _require_editor(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            form.add_error(
                "file", f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB: split it."
            )
        else:
            try:
                kol_import, _ = kol_import_upload(
                    actor=request.user, file_name=upload.name, content=upload.read()
                )
            except ImportFileError as error:
                form.add_error("file", str(error))
            else:
                return redirect("kols:import_preview", pk=kol_import.pk)
    context = {
        "form": form,
        "columns": ALL_COLUMNS,
        "required": REQUIRED_COLUMNS,
        "separator": LIST_SEPARATOR,
        "recent": KOLImport.objects.filter(uploaded_by=request.user).defer("content")[:5],
    }
    return render(request, "kols/import_upload.html", context)


@section_required("kols")
def import_preview(request, pk):
    _require_editor(request)
    kol_import = _import_for_user(request, pk)
    preview = None
    if kol_import.status == ImportStatus.PREVIEWED:
        try:
            preview = read_kol_csv(bytes(kol_import.content), user=request.user)
        except ImportFileError as error:
            messages.error(request, str(error))
    errors = Paginator(preview.errors if preview else [], ERRORS_PER_PAGE)
    context = {
        "kol_import": kol_import,
        "preview": preview,
        "errors_page": errors.get_page(request.GET.get("page")),
    }
    return render(request, "kols/import_preview.html", context)


@section_required("kols")
@require_POST
def import_apply(request, pk):
    _require_editor(request)
    kol_import = _import_for_user(request, pk)
    valid_rows_only = request.POST.get("rows") == "valid"
    try:
        kol_import = kol_import_apply(
            actor=request.user, kol_import=kol_import, valid_rows_only=valid_rows_only
        )
    except (ImportRefused, ImportFileError) as error:
        messages.error(request, str(error))
        return redirect("kols:import_preview", pk=pk)
    messages.success(
        request,
        f"Imported: {kol_import.created_count} KOLs added, {kol_import.updated_count} updated, "
        f"{kol_import.unchanged_count} unchanged, {kol_import.rejected_rows} rows left out.",
    )
    return redirect("kols:import_preview", pk=pk)


@section_required("kols")
@require_POST
def import_cancel(request, pk):
    _require_editor(request)
    kol_import_cancel(actor=request.user, kol_import=_import_for_user(request, pk))
    messages.info(request, "The import was cancelled; nothing was saved.")
    return redirect("kols:import")


@section_required("kols")
def import_template(request):
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="kol-import-template.csv"'
    return response
