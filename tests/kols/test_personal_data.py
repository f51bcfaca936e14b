"""Data-subject requests, handled by compliance: export everything held about a KOL, or erase
who they are while keeping what was learnt, and an audit trail that does not repeat them."""

import datetime as dt
import json

import pytest

from compliance.models import AuditEntry
from compliance.selectors import audit_chain_verify
from kols.models import Affiliation, ConsentStatus, EngagementPlan
from kols.services import kol_create
from tests.factories import (
    AffiliationFactory,
    EngagementPlanFactory,
    InstitutionFactory,
    KOLFactory,
    TherapeuticAreaFactory,
)
from tests.kols.pages import listed_ids, text

pytestmark = pytest.mark.django_db

NPI = "1234567893"


@pytest.fixture
def kol(organisation, msl):
    # Created through the service, as the product does, so the trail holds its creation.
    kol = kol_create(
        actor=msl,
        first_name="Maria",
        last_name="Alvarez",
        credentials="MD",
        specialty="Hematology",
        institution=InstitutionFactory(name="Dana-Farber Cancer Institute", city="Boston"),
        npi=NPI,
        email="m.alvarez@dfci.example.org",
        phone="+1 617 555 0100",
        city="Brookline",
        country="US",
        territory=organisation["boston"],
        consent_status=ConsentStatus.GRANTED,
        consent_date=dt.date(2024, 3, 1),
        therapeutic_areas=[TherapeuticAreaFactory(name="Hematologic malignancies")],
        interests=["CAR-T", "minimal residual disease"],
    )
    AffiliationFactory(
        kol=kol,
        role="Chief of Hematology",
        institution=InstitutionFactory(name="Brigham and Women's Hospital", city="Boston"),
        start_date=dt.date(2019, 1, 1),
    )
    EngagementPlanFactory(kol=kol, year=2025, objectives="Discuss Maria's MRD registry.")
    return kol


# Export.


def test_compliance_exports_a_kols_personal_data_as_a_json_attachment(client, compliance_user, kol):
    client.force_login(compliance_user)

    response = client.get(f"/kols/{kol.pk}/export/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == (
        f'attachment; filename="kol-{kol.pk}-personal-data.json"'
    )
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["kol"]["first_name"] == "Maria"
    assert data["kol"]["last_name"] == "Alvarez"
    assert data["kol"]["npi"] == NPI
    assert data["kol"]["email"] == "m.alvarez@dfci.example.org"
    assert data["kol"]["consent_date"] == "2024-03-01"
    assert sorted(data["kol"]["interests"]) == ["CAR-T", "minimal residual disease"]
    assert data["kol"]["therapeutic_areas"] == ["Hematologic malignancies"]
    assert data["affiliations"] == [
        {
            "institution": "Brigham and Women's Hospital, Boston",
            "role": "Chief of Hematology",
            "start_date": "2019-01-01",
            "end_date": None,
        }
    ]
    assert data["engagement_plans"][0]["objectives"] == "Discuss Maria's MRD registry."


def test_compliance_exports_a_kol_in_no_territory(client, compliance_user, db):
    kol = KOLFactory(last_name="Nowhere", territory=None)
    client.force_login(compliance_user)

    response = client.get(f"/kols/{kol.pk}/export/")

    assert response.status_code == 200
    assert json.loads(response.content)["kol"]["last_name"] == "Nowhere"


@pytest.mark.parametrize("persona", ["msl", "manager"])
@pytest.mark.parametrize("action", ["export/", "erase/"])
def test_field_roles_may_not_export_or_erase_a_kol_they_see(client, request, kol, persona, action):
    client.force_login(request.getfixturevalue(persona))

    get = client.get(f"/kols/{kol.pk}/{action}")
    post = client.post(f"/kols/{kol.pk}/{action}", {"reason": "Asked", "confirm_name": "Alvarez"})

    assert (get.status_code, post.status_code) == (403, 403)
    assert "Alvarez" not in get.content.decode()
    kol.refresh_from_db()
    assert kol.last_name == "Alvarez"
    assert kol.erased_at is None


# Erasure refused.


def erase(client, user, kol, **data):
    client.force_login(user)
    return client.post(f"/kols/{kol.pk}/erase/", data)


def assert_untouched(kol):
    kol.refresh_from_db()
    assert (kol.first_name, kol.last_name, kol.npi) == ("Maria", "Alvarez", NPI)
    assert kol.erased_at is None
    assert kol.interests.count() == 2
    assert Affiliation.objects.filter(kol=kol).exists()
    assert not AuditEntry.objects.filter(reason__startswith="Personal data erased").exists()


def test_the_erasure_form_asks_for_a_reason_and_the_last_name(client, compliance_user, kol):
    client.force_login(compliance_user)

    page = text(client.get(f"/kols/{kol.pk}/erase/"))

    assert "Erase Maria Alvarez, MD" in page
    assert 'name="reason"' in page
    assert "Type the KOL's last name to confirm" in page


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_erasure_without_a_reason_is_refused(client, compliance_user, kol, reason):
    response = erase(client, compliance_user, kol, reason=reason, confirm_name="Alvarez")

    assert response.status_code == 200
    assert "This field is required." in text(response)
    assert_untouched(kol)


@pytest.mark.parametrize("typed", ["Alvares", "Maria", "Alvarez Maria", "KOL"])
def test_an_erasure_with_the_wrong_last_name_is_refused(client, compliance_user, kol, typed):
    response = erase(client, compliance_user, kol, reason="DSAR-2025-014", confirm_name=typed)

    assert response.status_code == 200
    assert "That is not this KOL's last name." in text(response)
    assert_untouched(kol)


def test_an_erasure_without_the_last_name_is_refused(client, compliance_user, kol):
    response = erase(client, compliance_user, kol, reason="DSAR-2025-014", confirm_name="")

    assert response.status_code == 200
    assert "This field is required." in text(response)
    assert_untouched(kol)


# Erasure done.


@pytest.fixture
def erased(client, compliance_user, kol):
    response = erase(
        client, compliance_user, kol, reason="DSAR-2025-014 by e-mail", confirm_name=" alvarez "
    )
    assert response.status_code == 302
    assert response["Location"] == "/kols/"
    kol.refresh_from_db()
    return kol


def test_an_erasure_pseudonymises_the_kol(erased):
    assert erased.first_name == "Erased"
    assert erased.last_name == f"KOL {erased.pk}"
    assert erased.npi == ""
    assert erased.email == ""
    assert erased.phone == ""
    assert erased.city == ""
    assert erased.credentials == ""
    assert erased.do_not_contact is True
    assert erased.consent_status == ConsentStatus.WITHDRAWN
    assert erased.erased_at is not None


def test_an_erasure_removes_interests_and_affiliations_and_blanks_plans(erased):
    assert not erased.interests.exists()
    assert not Affiliation.objects.filter(kol=erased).exists()
    assert list(EngagementPlan.objects.filter(kol=erased).values_list("objectives", flat=True)) == [
        "(erased)"
    ]


def test_an_erased_kol_disappears_from_the_directory(client, erased, compliance_user, msl):
    for user in (compliance_user, msl):
        client.force_login(user)
        response = client.get("/kols/")
        assert erased.pk not in listed_ids(response)
        assert "Alvarez" not in text(response)


def test_the_erasure_is_confirmed_to_compliance(client, erased):
    response = client.get("/kols/")

    assert "The KOL's personal data was erased." in text(response)


def test_the_erasure_is_audited_without_repeating_who_was_erased(erased, compliance_user):
    entry = AuditEntry.objects.filter(object_id=str(erased.pk)).order_by("sequence").last()

    assert entry.action == "update"
    assert entry.actor_user_id == compliance_user.pk
    assert entry.reason == "Personal data erased: DSAR-2025-014 by e-mail"
    recorded = str(entry.changes)
    for personal in (
        "Maria",
        "Alvarez",
        NPI,
        "m.alvarez@dfci.example.org",
        "617 555 0100",
        "Brookline",
        "minimal residual disease",
    ):
        assert personal not in recorded, personal
        assert personal not in entry.object_repr, personal
    assert entry.changes["first_name"] == {"before": "(erased)", "after": "Erased"}
    assert entry.changes["npi"] == {"before": "(erased)", "after": ""}
    assert entry.changes["do_not_contact"] == {"before": "(erased)", "after": True}


def test_the_audit_chain_still_verifies_after_an_erasure(erased):
    assert (
        AuditEntry.objects.filter(object_id=str(erased.pk), content_type__model="kol").count() == 2
    )
    assert audit_chain_verify().ok


def test_an_export_is_recorded_and_carries_what_other_apps_register(
    client, compliance_user, organisation
):
    from compliance.models import AuditEntry
    from kols import selectors
    from tests.factories import KOLFactory

    kol = KOLFactory(territory=organisation["boston"])
    selectors.register_personal_data_section("interactions", lambda k: [f"met {k.last_name}"])
    try:
        client.force_login(compliance_user)
        response = client.get(f"/kols/{kol.pk}/export/")
    finally:
        selectors._personal_data_sections.pop("interactions")

    assert response.json()["interactions"] == [f"met {kol.last_name}"]
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor_name == "compliance"
    assert entry.object_id == str(kol.pk)
