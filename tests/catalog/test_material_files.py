"""Approved materials as files: checked by their bytes when an admin uploads them, kept
outside the web root, downloaded only by the roles that share them."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from catalog.models import ApprovedMaterial
from tests.factories import ApprovedMaterialFactory, TherapeuticAreaFactory

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
pytestmark = pytest.mark.django_db


def admin_add(client, upload):
    area = TherapeuticAreaFactory()
    return client.post(
        "/admin/catalog/approvedmaterial/add/",
        {
            "title": "Dosing card",
            "document_number": "MED-ONC-9001",
            "version": "2",
            "file": upload,
            "therapeutic_area": area.pk,
            "approved_on": "2026-01-01",
            "expires_on": "2027-01-01",
            "use": "proactive",
        },
    )


def test_an_admin_uploads_a_pdf_and_it_is_stored_privately(client, admin_user, settings):
    client.force_login(admin_user)

    response = admin_add(client, SimpleUploadedFile("card.pdf", PDF, "application/pdf"))

    assert response.status_code == 302
    material = ApprovedMaterial.objects.get(document_number="MED-ONC-9001")
    assert material.file_content_type == "application/pdf"
    assert material.file.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))


def test_a_file_that_only_claims_to_be_a_pdf_is_refused(client, admin_user):
    client.force_login(admin_user)

    response = admin_add(
        client, SimpleUploadedFile("card.pdf", b"<html>hi</html>", "application/pdf")
    )

    assert response.status_code == 200
    assert "not a PDF, PNG or JPEG document" in response.content.decode()
    assert not ApprovedMaterial.objects.filter(document_number="MED-ONC-9001").exists()


@pytest.fixture
def material_with_file():
    material = ApprovedMaterialFactory(url="")
    material.file.save("card.pdf", SimpleUploadedFile("card.pdf", PDF), save=False)
    material.file_content_type = "application/pdf"
    material.save()
    return material


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("msl", 200), ("manager", 200), ("medinfo", 200), ("compliance_user", 200), ("viewer", 403)],
)
def test_the_file_downloads_for_the_roles_that_share_materials(
    client, request, material_with_file, persona, expected
):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(f"/catalog/materials/{material_with_file.pk}/file/")

    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "attachment" in response["Content-Disposition"]
        assert b"".join(response.streaming_content) == PDF


def test_anonymous_visitors_are_sent_to_sign_in(client, material_with_file):
    response = client.get(f"/catalog/materials/{material_with_file.pk}/file/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_a_material_without_a_file_has_nothing_to_download(client, msl):
    client.force_login(msl)

    assert client.get(f"/catalog/materials/{ApprovedMaterialFactory().pk}/file/").status_code == 404


def lapse(material, *, expired: bool):
    """Moves the approval period past (expired) or into the future (not yet approved)."""
    today = timezone.localdate()
    if expired:
        material.approved_on, material.expires_on = today - dt.timedelta(days=400), today
    else:
        material.approved_on = today + dt.timedelta(days=3)
        material.expires_on = today + dt.timedelta(days=300)
    material.save()
    return material


@pytest.mark.parametrize("persona", ["msl", "manager", "medinfo"])
def test_an_expired_file_is_no_longer_handed_out_to_those_who_share_it(
    client, request, material_with_file, persona
):
    lapse(material_with_file, expired=True)
    client.force_login(request.getfixturevalue(persona))

    response = client.get(f"/catalog/materials/{material_with_file.pk}/file/")

    assert response.status_code == 403
    page = response.content.decode()
    assert f"expired on {timezone.localdate():%Y-%m-%d} and may no longer be shared" in page
    assert "compliance keeps the approved copy" in page


def test_a_file_not_yet_approved_is_not_handed_out(client, msl, material_with_file):
    lapse(material_with_file, expired=False)
    client.force_login(msl)

    response = client.get(f"/catalog/materials/{material_with_file.pk}/file/")

    assert response.status_code == 403
    approved_from = timezone.localdate() + dt.timedelta(days=3)
    assert f"is approved only from {approved_from:%Y-%m-%d}" in response.content.decode()


def test_compliance_still_opens_an_expired_file(client, compliance_user, material_with_file):
    lapse(material_with_file, expired=True)
    client.force_login(compliance_user)

    response = client.get(f"/catalog/materials/{material_with_file.pk}/file/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_the_last_day_before_expiry_still_downloads(client, msl, material_with_file):
    material_with_file.expires_on = timezone.localdate() + dt.timedelta(days=1)
    material_with_file.save()
    client.force_login(msl)

    response = client.get(f"/catalog/materials/{material_with_file.pk}/file/")

    assert response.status_code == 200
