"""Receipts and certificates: accepted by what the bytes are, not by the name; kept in the
private media folder; served only as an attachment to the people who may see the trip."""

import struct
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from events.models import Expense, LearningRecord
from msl_crm.uploads import MAX_DOCUMENT_BYTES, document_type
from tests.events.conftest import (
    HTML,
    PDF,
    ZIP,
    image_bytes,
    section,
    stored_files,
    text,
    upload,
)
from tests.factories import LearningRecordFactory, TripFactory

pytestmark = pytest.mark.django_db

NOT_A_DOCUMENT = "This file is not a PDF, PNG or JPEG document, whatever its name says."
DAMAGED = "The image is damaged or incomplete."


def png_claiming(width: int, height: int) -> bytes:
    """A PNG header announcing an image of the given size, with no pixels behind it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def too_large_pdf() -> bytes:
    return PDF + b"0" * (MAX_DOCUMENT_BYTES + 1 - len(PDF))


# The checker on its own


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("receipt.pdf", PDF, "application/pdf"),
        ("receipt.png", image_bytes("PNG"), "image/png"),
        ("receipt.jpg", image_bytes("JPEG"), "image/jpeg"),
        # The name does not matter, only what the bytes are.
        ("scan.bin", image_bytes("JPEG"), "image/jpeg"),
    ],
)
def test_real_documents_are_accepted_with_the_type_their_bytes_show(name, content, expected):
    document = upload(name, content, "application/octet-stream")

    assert document_type(document) == expected
    assert document.read() == content, "the file is rewound for saving"


@pytest.mark.parametrize("content", [HTML, ZIP, b"", b"%PD"], ids=["html", "zip", "empty", "short"])
def test_a_file_named_pdf_that_is_not_one_is_refused(content):
    with pytest.raises(ValidationError) as refusal:
        document_type(upload("receipt.pdf", content))

    assert refusal.value.messages == [NOT_A_DOCUMENT]


def test_a_file_just_over_the_limit_is_refused_and_the_limit_named():
    with pytest.raises(ValidationError) as refusal:
        document_type(upload("receipt.pdf", too_large_pdf()))

    assert refusal.value.messages == ["The file is 10.0 MB; the limit is 10 MB."]


def test_a_file_exactly_at_the_limit_is_accepted():
    content = PDF + b"0" * (MAX_DOCUMENT_BYTES - len(PDF))

    assert document_type(upload("receipt.pdf", content)) == "application/pdf"


@pytest.mark.parametrize("cut", [20, 40, -20], ids=["header", "mid-header", "pixels"])
def test_a_truncated_png_is_refused_as_damaged(cut):
    content = image_bytes("PNG")[:cut]

    with pytest.raises(ValidationError) as refusal:
        document_type(upload("receipt.png", content, "image/png"))

    assert refusal.value.messages == [DAMAGED]


def test_a_png_with_a_corrupted_byte_is_refused_as_damaged():
    content = bytearray(image_bytes("PNG"))
    content[60] ^= 0xFF

    with pytest.raises(ValidationError) as refusal:
        document_type(upload("receipt.png", bytes(content), "image/png"))

    assert refusal.value.messages == [DAMAGED]


def test_a_png_announcing_billions_of_pixels_is_refused_not_a_server_error():
    with pytest.raises(ValidationError) as refusal:
        document_type(upload("receipt.png", png_claiming(100_000, 100_000), "image/png"))

    assert refusal.value.code == "bad_image"


# Through the expense form


@pytest.fixture
def trip(msl, organisation):
    return TripFactory(traveller=msl)


def expense_data(receipt=None, **changes) -> dict:
    data = {
        "spent_on": "2026-03-02",
        "category": "ground",
        "description": "Taxi to the venue",
        "amount": "42.50",
        "currency": "USD",
    }
    if receipt is not None:
        data["receipt"] = receipt
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("taxi.pdf", PDF, "application/pdf"),
        ("taxi.png", image_bytes("PNG"), "image/png"),
        ("taxi.jpeg", image_bytes("JPEG"), "image/jpeg"),
    ],
)
def test_a_receipt_is_stored_in_the_private_folder_with_its_checked_type(
    client, msl, trip, private_media, name, content, expected
):
    client.force_login(msl)

    response = client.post(
        f"/events/trips/{trip.pk}/expenses/", expense_data(upload(name, content))
    )

    assert response.status_code == 302
    expense = Expense.objects.get()
    assert expense.receipt_content_type == expected
    stored = Path(expense.receipt.path)
    assert stored.is_relative_to(private_media)
    assert stored.read_bytes() == content
    assert stored_files(private_media) == [stored]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (HTML, NOT_A_DOCUMENT),
        (ZIP, NOT_A_DOCUMENT),
        (too_large_pdf(), "The file is 10.0 MB; the limit is 10 MB."),
        (image_bytes("PNG")[:-20], DAMAGED),
    ],
    ids=["html", "zip", "too-large", "damaged-png"],
)
def test_a_bad_receipt_is_refused_with_the_reason_and_nothing_is_saved(
    client, msl, trip, private_media, content, message
):
    client.force_login(msl)

    response = client.post(
        f"/events/trips/{trip.pk}/expenses/", expense_data(upload("receipt.pdf", content))
    )

    assert response.status_code == 400
    assert message in text(response)
    assert not Expense.objects.exists()
    assert stored_files(private_media) == []


def test_an_image_over_the_limit_is_refused_for_its_size_before_it_is_opened(
    client, msl, trip, private_media
):
    client.force_login(msl)

    response = client.post(
        f"/events/trips/{trip.pk}/expenses/",
        expense_data(upload("receipt.png", b"\x89PNG\r\n\x1a\n" + b"0" * MAX_DOCUMENT_BYTES)),
    )

    assert response.status_code == 400
    assert "the limit is 10 MB" in text(response)
    assert stored_files(private_media) == []


def test_a_receipt_many_times_the_limit_is_refused_with_its_true_size_and_the_form_kept(
    client, msl, trip, private_media
):
    client.force_login(msl)
    content = PDF + b"0" * (25 * 1024 * 1024 - len(PDF))

    response = client.post(
        f"/events/trips/{trip.pk}/expenses/",
        expense_data(upload("receipt.pdf", content), description="Taxi from the congress"),
    )

    assert response.status_code == 400
    assert "The file is 25.0 MB; the limit is 10 MB." in text(response)
    assert 'value="Taxi from the congress"' in response.content.decode()
    assert not Expense.objects.exists()
    assert stored_files(private_media) == []


# Through the learning-record form


def learning_data(certificate=None, **changes) -> dict:
    data = {
        "title": "Biostatistics for MSLs",
        "kind": "course",
        "provider": "Medical Affairs Academy",
        "completed_on": "2026-01-15",
        "hours": "6",
    }
    if certificate is not None:
        data["certificate"] = certificate
    data.update(changes)
    return data


def test_a_certificate_is_kept_with_its_checked_type_and_downloads_for_its_owner(
    client, msl, private_media
):
    client.force_login(msl)
    jpeg = image_bytes("JPEG")

    response = client.post("/events/learning/new/", learning_data(upload("cert.pdf", jpeg)))

    assert response.status_code == 302
    record = LearningRecord.objects.get()
    assert record.certificate_content_type == "image/jpeg"
    assert Path(record.certificate.path).is_relative_to(private_media)

    download = client.get(f"/events/learning/{record.pk}/certificate/")
    assert download.status_code == 200
    assert download["Content-Type"] == "image/jpeg"
    assert download["Content-Disposition"] == f'attachment; filename="certificate-{record.pk}.jpg"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == jpeg


@pytest.mark.parametrize("content", [HTML, ZIP], ids=["html", "zip"])
def test_a_certificate_that_is_not_a_document_is_refused_and_nothing_saved(
    client, msl, private_media, content
):
    client.force_login(msl)

    response = client.post("/events/learning/new/", learning_data(upload("cert.pdf", content)))

    assert response.status_code == 200
    assert NOT_A_DOCUMENT in text(response)
    assert not LearningRecord.objects.exists()
    assert stored_files(private_media) == []


ASK_AGAIN = "again: a browser clears a chosen file when the form comes back with an error."


@pytest.mark.parametrize(
    ("content", "shown", "not_shown"),
    [
        (PDF, f"Choose taxi-receipt.pdf {ASK_AGAIN}", NOT_A_DOCUMENT),
        (HTML, NOT_A_DOCUMENT, ASK_AGAIN),
    ],
    ids=["good-file-asked-again", "bad-file-named"],
)
def test_a_receipt_sent_with_another_mistake_is_named_or_asked_for_again(
    client, msl, trip, private_media, content, shown, not_shown
):
    client.force_login(msl)

    response = client.post(
        f"/events/trips/{trip.pk}/expenses/",
        expense_data(upload("taxi-receipt.pdf", content), category=""),
    )

    assert response.status_code == 400
    assert shown in text(response)
    assert not_shown not in text(response)
    assert not Expense.objects.exists()
    assert stored_files(private_media) == []


def test_a_certificate_sent_with_another_mistake_is_asked_for_again_by_name(
    client, msl, private_media
):
    client.force_login(msl)

    response = client.post(
        "/events/learning/new/", learning_data(upload("course.pdf", PDF), hours="")
    )

    assert response.status_code == 200
    assert f"Choose course.pdf {ASK_AGAIN}" in text(response)
    assert not LearningRecord.objects.exists()


def test_a_bad_certificate_sent_with_another_mistake_is_named(client, msl, private_media):
    client.force_login(msl)

    response = client.post(
        "/events/learning/new/", learning_data(upload("cert.pdf", ZIP), hours="")
    )

    assert NOT_A_DOCUMENT in text(response)
    assert ASK_AGAIN not in text(response)


def test_a_form_with_no_file_sent_does_not_ask_for_one(client, msl, trip):
    client.force_login(msl)

    response = client.post(f"/events/trips/{trip.pk}/expenses/", expense_data(category=""))

    assert response.status_code == 400
    assert ASK_AGAIN not in text(response)


def test_another_msls_certificate_is_not_found(client, msl, msl2):
    record = LearningRecordFactory(user=msl2, certificate="certificates/x.pdf")
    client.force_login(msl)

    assert client.get(f"/events/learning/{record.pk}/certificate/").status_code == 404


# Downloading a receipt


@pytest.fixture
def receipt(client, msl, trip):
    """An expense with a PNG receipt (named .pdf by the browser), uploaded by msl."""
    content = image_bytes("PNG")
    client.force_login(msl)
    client.post(
        f"/events/trips/{trip.pk}/expenses/", expense_data(upload("taxi.pdf", content, "image/png"))
    )
    client.logout()
    return Expense.objects.get(), content


def test_the_traveller_downloads_the_receipt_as_an_attachment_of_its_checked_type(
    client, msl, receipt
):
    expense, content = receipt
    client.force_login(msl)

    response = client.get(f"/events/expenses/{expense.pk}/receipt/")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == f'attachment; filename="receipt-{expense.pk}.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == content


def test_the_trip_page_links_the_receipt(client, msl, receipt):
    expense, _ = receipt
    client.force_login(msl)

    response = client.get(f"/events/trips/{expense.trip_id}/")

    assert f'href="/events/expenses/{expense.pk}/receipt/"' in section(response, "expenses")


def test_the_travellers_manager_downloads_it_too(client, manager, receipt):
    expense, content = receipt
    client.force_login(manager)

    response = client.get(f"/events/expenses/{expense.pk}/receipt/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content


def test_another_msl_gets_not_found(client, msl2, receipt):
    expense, _ = receipt
    client.force_login(msl2)

    assert client.get(f"/events/expenses/{expense.pk}/receipt/").status_code == 404


def test_a_viewer_is_forbidden(client, viewer, receipt):
    expense, _ = receipt
    client.force_login(viewer)

    assert client.get(f"/events/expenses/{expense.pk}/receipt/").status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client, receipt):
    expense, _ = receipt

    response = client.get(f"/events/expenses/{expense.pk}/receipt/")

    assert response.status_code == 302
    assert response["Location"] == (f"/accounts/login/?next=/events/expenses/{expense.pk}/receipt/")


def test_an_expense_without_a_receipt_has_nothing_to_download(client, msl, trip):
    expense = Expense.objects.create(
        trip=trip, spent_on=trip.departs_on, category="meals", description="Lunch", amount=12
    )
    client.force_login(msl)

    assert client.get(f"/events/expenses/{expense.pk}/receipt/").status_code == 404


def test_removing_the_expense_deletes_the_receipt_file_after_the_commit(
    client, msl, receipt, private_media, django_capture_on_commit_callbacks
):
    expense, _ = receipt
    assert len(stored_files(private_media)) == 1
    client.force_login(msl)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/events/expenses/{expense.pk}/delete/")

    assert response.status_code == 302
    assert not Expense.objects.exists()
    assert stored_files(private_media) == []
