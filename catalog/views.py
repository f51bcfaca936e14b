from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.access import section_required
from msl_crm.uploads import document_response, document_suffix

from .models import ApprovedMaterial
from .selectors import material_opens_for


@section_required("kols")
def material_file(request, pk):
    """An approved document, for the roles that work with KOLs (who share it) while it is
    approved, and for compliance at any time."""
    material = get_object_or_404(ApprovedMaterial, pk=pk)
    if not material.file:
        raise Http404("This material is a link, not a file.")
    if not material_opens_for(request.user, material):
        raise PermissionDenied(material.closed_reason())
    return document_response(
        material.file,
        material.file_content_type,
        download_name=f"{material.document_number}-v{material.version}"
        f"{document_suffix(material.file_content_type)}",
    )
