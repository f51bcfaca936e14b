"""Approved materials as files: checked by their bytes when an admin uploads them, kept
outside the web root, downloaded only by the roles that share them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

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
