"""A file sent to any form: kept whole up to the largest size a form accepts, and beyond it
no more than that on disk, with its true size still known."""

from pathlib import Path

import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import TooManyFilesSent
from django.test import RequestFactory

from msl_crm.uploads import MAX_UPLOAD_BYTES, PrivateStorage

MB = 1024 * 1024


def received(content: bytes):
    """The file and the other field as a view finds them, parsed by the configured handlers."""
    request = RequestFactory().post(
        "/anywhere/", {"note": "kept", "file": SimpleUploadedFile("big.pdf", content)}
    )
    return request.FILES["file"], request.POST["note"]


def test_a_file_far_over_the_limit_keeps_its_size_but_not_its_bytes():
    upload, note = received(b"%PDF-" + b"0" * (3 * MAX_UPLOAD_BYTES))

    assert upload.size == 3 * MAX_UPLOAD_BYTES + 5
    assert Path(upload.temporary_file_path()).stat().st_size == MAX_UPLOAD_BYTES + 1
    assert note == "kept"
    assert upload.cut_short


def test_a_file_cut_short_is_never_stored(tmp_path):
    """A form that forgot to check the size fails loudly rather than keep a truncated copy."""
    upload, _ = received(b"%PDF-" + b"0" * (2 * MAX_UPLOAD_BYTES))

    with pytest.raises(SuspiciousFileOperation, match="larger than any upload kept whole"):
        PrivateStorage(location=tmp_path).save("receipt.pdf", upload)
    assert list(tmp_path.iterdir()) == []


def test_a_request_with_more_files_than_any_form_takes_is_refused():
    files = {f"file{n}": SimpleUploadedFile(f"{n}.pdf", b"%PDF-") for n in range(3)}
    request = RequestFactory().post("/anywhere/", files)

    with pytest.raises(TooManyFilesSent):
        request.FILES  # noqa: B018 - parsing the body is what is refused


def test_a_file_at_the_limit_arrives_whole():
    content = bytes(range(256)) * (MAX_UPLOAD_BYTES // 256)

    upload, _ = received(content)

    assert upload.size == MAX_UPLOAD_BYTES
    assert upload.read() == content
    assert not upload.cut_short


def test_a_small_file_stays_in_memory_and_whole():
    upload, _ = received(b"%PDF-small")

    assert not hasattr(upload, "temporary_file_path")
    assert upload.read() == b"%PDF-small"
