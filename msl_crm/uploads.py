"""Uploaded documents (receipts, certificates): kept outside the web root and served only
through views that check permission, and accepted by what the bytes are, not by the name."""

import os
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http import FileResponse
from django.utils.deconstruct import deconstructible
from PIL import Image, UnidentifiedImageError

# The largest file any form accepts: each form refuses a file over it by its size, and the
# upload handler below keeps no more of a file than that on disk.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_DOCUMENT_BYTES = MAX_UPLOAD_BYTES


@dataclass(frozen=True)
class DocumentType:
    content_type: str
    signature: bytes
    is_image: bool
    suffix: str


DOCUMENT_TYPES = (
    DocumentType("application/pdf", b"%PDF-", False, ".pdf"),
    DocumentType("image/png", b"\x89PNG\r\n\x1a\n", True, ".png"),
    DocumentType("image/jpeg", b"\xff\xd8\xff", True, ".jpg"),
)
ACCEPTED = "PDF, PNG or JPEG"


@deconstructible
class PrivateStorage(FileSystemStorage):
    """PRIVATE_MEDIA_ROOT read on every use, so tests can point it at a temporary folder."""

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None  # never served directly

    def _save(self, name, content):
        if getattr(content, "cut_short", False):
            # A form that forgot its size check must fail loudly, not keep the first 10 MB.
            raise SuspiciousFileOperation(f"{name} was larger than any upload kept whole.")
        return super()._save(name, content)


private_storage = PrivateStorage()


class BoundedUploadHandler(TemporaryFileUploadHandler):
    """Writes to disk at most one byte more of a file than any form accepts and drops the
    rest, which the parser still counts. A file of gigabytes then fills no disk (a body limit
    at the proxy keeps it from holding a worker, see the README); its size stays true, so
    the form refuses it saying how large it was, and the form's other fields still arrive to
    be shown again."""

    def receive_data_chunk(self, raw_data, start):
        room = MAX_UPLOAD_BYTES + 1 - start
        if room > 0:
            self.file.write(raw_data[:room])

    def file_complete(self, file_size):
        upload = super().file_complete(file_size)
        upload.cut_short = file_size > MAX_UPLOAD_BYTES + 1
        return upload


def ask_for_file_again(form, field_name: str) -> None:
    """A form shown again after an error cannot hold the file that was sent with it: browsers
    clear a file input. Say so beside the field, naming the file, rather than let the next
    submission go without it."""
    upload = form.files.get(field_name)
    if upload and form.errors and field_name not in form.errors:
        form.add_error(
            field_name,
            f"Choose {upload.name} again: a browser clears a chosen file when the form "
            "comes back with an error.",
        )


def document_type(upload) -> str:
    """The checked content type of an uploaded receipt or certificate, or a ValidationError
    that says what is accepted."""
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_DOCUMENT_BYTES // 1024 // 1024} MB.",
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for kind in DOCUMENT_TYPES:
        if head.startswith(kind.signature):
            if kind.is_image:
                _check_image(upload)
            return kind.content_type
    raise ValidationError(
        f"This file is not a {ACCEPTED} document, whatever its name says.", code="bad_type"
    )


def _check_image(upload) -> None:
    try:
        with Image.open(upload) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ValidationError("The image is damaged or incomplete.", code="bad_image") from error
    except Image.DecompressionBombError as error:
        # A few bytes announcing billions of pixels: refused, not a server error.
        raise ValidationError(
            "The image is too large to check; scan it at a lower resolution.", code="bad_image"
        ) from error
    finally:
        upload.seek(0)


def document_response(field_file, content_type: str, *, download_name: str) -> FileResponse:
    """Serve a stored document as an attachment with its checked type, never sniffed or
    rendered inline by the browser."""
    response = FileResponse(
        field_file.open("rb"), as_attachment=True, filename=download_name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def document_suffix(content_type: str) -> str:
    return next((kind.suffix for kind in DOCUMENT_TYPES if kind.content_type == content_type), "")
