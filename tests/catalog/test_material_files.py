"""Approved materials as files: checked by their bytes when an admin uploads them, kept
outside the web root, downloaded only by the roles that share them."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import ApprovedMaterial
from tests.factories import ApprovedMaterialFactory, TherapeuticAreaFactory

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
pytestmark = pytest.mark.django_db


def admin_add(client, upload, **changes):
    area = TherapeuticAreaFactory()
    return client.post(
        "/admin/catalog/approvedmaterial/add/",
        {
            **changes,
            "title": changes.get("title", "Dosing card"),
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


def test_a_file_sent_with_another_mistake_is_asked_for_again_by_name(client, admin_user):
    client.force_login(admin_user)

    response = admin_add(client, SimpleUploadedFile("card.pdf", PDF, "application/pdf"), title="")

    assert response.status_code == 200
    assert "Choose card.pdf again: a browser clears a chosen file" in response.content.decode()
    assert not ApprovedMaterial.objects.exists()


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


# A fixed day: the approval periods below are counted from it.
TODAY = dt.date(2026, 6, 10)


@pytest.fixture
def on_a_fixed_day():
    with time_machine.travel(dt.datetime(2026, 6, 10, 11, 0, tzinfo=dt.UTC), tick=False):
        yield


def approved(material, *, from_day: dt.date, until: dt.date):
    material.approved_on, material.expires_on = from_day, until
    material.save()
    return material


@pytest.mark.parametrize("persona", ["msl", "manager", "medinfo"])
def test_an_expired_file_is_no_longer_handed_out_to_those_who_share_it(
    client, request, on_a_fixed_day, material_with_file, persona
):
    approved(material_with_file, from_day=dt.date(2025, 6, 1), until=TODAY)
    client.force_login(request.getfixturevalue(persona))

    response = client.get(f"/catalog/materials/{material_with_file.pk}/file/")

    assert response.status_code == 403
    page = response.content.decode()
    assert "expired on 2026-06-10 and may no longer be shared" in page
    assert "compliance keeps the approved copy" in page


def test_a_file_not_yet_approved_is_not_handed_out(client, msl, on_a_fixed_day, material_with_file):
    approved(material_with_file, from_day=dt.date(2026, 6, 11), until=dt.date(2027, 6, 11))
    client.force_login(msl)

    response = client.get(f"/catalog/materials/{material_with_file.pk}/file/")

    assert response.status_code == 403
    assert "is approved only from 2026-06-11" in response.content.decode()


def test_compliance_still_opens_an_expired_file(
    client, compliance_user, on_a_fixed_day, material_with_file
):
    approved(material_with_file, from_day=dt.date(2025, 6, 1), until=TODAY)
    client.force_login(compliance_user)

    response = client.get(f"/catalog/materials/{material_with_file.pk}/file/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_the_first_and_the_last_day_of_approval_download(
    client, msl, on_a_fixed_day, material_with_file
):
    client.force_login(msl)
    url = f"/catalog/materials/{material_with_file.pk}/file/"

    approved(material_with_file, from_day=TODAY, until=dt.date(2027, 1, 1))
    assert client.get(url).status_code == 200
    approved(material_with_file, from_day=dt.date(2025, 6, 1), until=dt.date(2026, 6, 11))
    assert client.get(url).status_code == 200
