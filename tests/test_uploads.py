"""A file sent to any form: kept whole up to the largest size a form accepts, and beyond it
no more than that on disk, with its true size still known."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from msl_crm.uploads import MAX_UPLOAD_BYTES

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


def test_a_file_at_the_limit_arrives_whole():
    content = bytes(range(256)) * (MAX_UPLOAD_BYTES // 256)

    upload, _ = received(content)

    assert upload.size == MAX_UPLOAD_BYTES
    assert upload.read() == content


def test_a_small_file_stays_in_memory_and_whole():
    upload, _ = received(b"%PDF-small")

    assert not hasattr(upload, "temporary_file_path")
    assert upload.read() == b"%PDF-small"
