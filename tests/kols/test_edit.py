"""Adding and changing KOLs through the form: validated in full, kept in the user's
territories, and recorded in the audit trail."""

import datetime as dt

import pytest

from compliance.models import AuditEntry
from compliance.selectors import audit_chain_verify
from kols.models import KOL, ConsentStatus, Interest
from tests.factories import InterestFactory, KOLFactory, TherapeuticAreaFactory
from tests.kols.pages import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas(db):
    return {
        "oncology": TherapeuticAreaFactory(name="Oncology"),
        "hematology": TherapeuticAreaFactory(name="Hematology"),
        "immunology": TherapeuticAreaFactory(name="Immunology"),
    }


@pytest.fixture
def form_data(organisation, areas):
    return {
        "first_name": "Amelia",
        "last_name": "Okafor",
        "credentials": "MD",
        "specialty": "Hematology",
        "npi": "1234567893",
        "email": "a.okafor@hospital.example.org",
        "phone": "+1 617 555 0199",
        "city": "Boston",
        "country": "US",
        "territory": organisation["boston"].pk,
        "therapeutic_areas": [areas["oncology"].pk, areas["hematology"].pk],
        "interests_text": "CAR-T, biomarkers",
        "tier": "1",
        "preferred_channel": "video",
        "consent_status": "granted",
        "consent_date": "2025-01-15",
        "consent_source": "Signed form at ASH 2024",
    }


def audit_entries(kol):
    return AuditEntry.objects.filter(
        content_type__app_label="kols", content_type__model="kol", object_id=str(kol.pk)
    ).order_by("sequence")


# Creating.


def test_an_msl_adds_a_kol_and_lands_on_their_briefing(client, msl, form_data, areas):
    client.force_login(msl)

    response = client.post("/kols/new/", form_data)

    kol = KOL.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/kols/{kol.pk}/"
    assert (kol.first_name, kol.last_name, kol.specialty) == ("Amelia", "Okafor", "Hematology")
    assert kol.npi == "1234567893"
    assert kol.territory.name == "Boston"
    assert kol.tier == 1
    assert kol.consent_status == ConsentStatus.GRANTED
    assert kol.consent_date == dt.date(2025, 1, 15)
    assert set(kol.therapeutic_areas.all()) == {areas["oncology"], areas["hematology"]}
    assert sorted(kol.interests.values_list("name", flat=True)) == ["CAR-T", "biomarkers"]

    briefing = client.get(response["Location"])
    assert "Amelia Okafor, MD was added." in text(briefing)


def test_adding_a_kol_is_recorded_in_the_audit_trail(client, msl, form_data):
    client.force_login(msl)

    client.post("/kols/new/", form_data)

    kol = KOL.objects.get()
    entry = audit_entries(kol).get()
    assert entry.action == "create"
    assert entry.actor_user_id == msl.pk
    assert entry.changes["last_name"] == {"before": None, "after": "Okafor"}
    assert entry.changes["npi"] == {"before": None, "after": "1234567893"}
    assert len(entry.changes["interests"]["after"]) == 2
    assert audit_chain_verify().ok


def test_interests_reuse_existing_tags_whatever_their_case(client, msl, form_data):
    existing = InterestFactory(name="CAR-T")
    client.force_login(msl)

    client.post("/kols/new/", {**form_data, "interests_text": " car-t ,Biomarkers, biomarkers,, "})

    kol = KOL.objects.get()
    assert Interest.objects.count() == 2
    assert existing in kol.interests.all()
    assert sorted(kol.interests.values_list("name", flat=True)) == ["Biomarkers", "CAR-T"]


def test_a_lowercase_country_code_is_accepted_in_capitals(client, msl, form_data):
    client.force_login(msl)

    response = client.post("/kols/new/", {**form_data, "country": "us"})

    assert response.status_code == 302
    assert KOL.objects.get().country == "US"


def test_the_new_kol_form_offers_only_the_msls_territories(client, msl, organisation):
    client.force_login(msl)

    page = text(client.get("/kols/new/"))

    assert "Boston (" in page
    assert "New York (" in page
    assert "Bay Area" not in page


# Refusals: nothing is saved, the form says why.


def refused(client, user, data, url="/kols/new/"):
    client.force_login(user)
    response = client.post(url, data)
    assert response.status_code == 200
    page = text(response)
    assert "Please correct the fields marked below. Nothing was saved." in page
    return page


def test_a_duplicate_npi_is_refused_with_a_link_to_the_existing_kol(
    client, msl, organisation, form_data
):
    existing = KOLFactory(
        first_name="Maria", last_name="Alvarez", npi="1234567893", territory=organisation["nyc"]
    )

    page = refused(client, msl, form_data)

    assert "A KOL with this NPI already exists:" in page
    assert f'<a href="/kols/{existing.pk}/">Maria Alvarez, MD</a>' in page
    assert KOL.objects.get() == existing
    assert not AuditEntry.objects.filter(action="create", object_repr__contains="Okafor").exists()


def test_a_duplicate_npi_is_refused_even_when_the_existing_kol_is_out_of_scope(
    client, msl, organisation, form_data
):
    hidden = KOLFactory(
        last_name="Hiddenname", npi="1234567893", territory=organisation["bay_area"]
    )

    page = refused(client, msl, form_data)

    assert "A KOL with this NPI already exists outside your territories" in page
    # Refused, but without naming or linking a KOL the MSL may not see.
    assert "Hiddenname" not in page
    assert f"/kols/{hidden.pk}/" not in page
    assert KOL.objects.count() == 1


def test_kols_without_npi_are_not_duplicates_of_each_other(client, msl, organisation, form_data):
    KOLFactory(npi="", territory=organisation["boston"])
    client.force_login(msl)

    response = client.post("/kols/new/", {**form_data, "npi": ""})

    assert response.status_code == 302
    assert KOL.objects.filter(npi="").count() == 2


def test_a_bad_email_is_refused(client, msl, form_data):
    page = refused(client, msl, {**form_data, "email": "okafor-at-hospital"})

    assert "Enter a valid email address." in page
    assert not KOL.objects.exists()


@pytest.mark.parametrize("status", ["granted", "withdrawn"])
def test_a_consent_change_without_its_date_is_refused(client, msl, form_data, status):
    page = refused(client, msl, {**form_data, "consent_status": status, "consent_date": ""})

    assert "Give the date consent was granted or withdrawn." in page
    assert not KOL.objects.exists()


def test_an_unknown_consent_needs_no_date(client, msl, form_data):
    client.force_login(msl)

    response = client.post(
        "/kols/new/", {**form_data, "consent_status": "unknown", "consent_date": ""}
    )

    assert response.status_code == 302


def test_a_territory_outside_the_msls_scope_is_refused(client, msl, organisation, form_data):
    page = refused(client, msl, {**form_data, "territory": organisation["bay_area"].pk})

    assert "Select a valid choice." in page
    assert not KOL.objects.exists()


def test_a_territory_is_required(client, msl, form_data):
    page = refused(client, msl, {**form_data, "territory": ""})

    assert "This field is required." in page
    assert not KOL.objects.exists()


@pytest.mark.parametrize("persona", ["compliance_user", "viewer", "medinfo"])
def test_roles_that_may_not_edit_cannot_add_a_kol(client, request, form_data, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get("/kols/new/").status_code == 403
    assert client.post("/kols/new/", form_data).status_code == 403
    assert not KOL.objects.exists()
    assert not AuditEntry.objects.exclude(action="sign_in").exists()


def test_a_manager_may_add_a_kol_in_their_teams_territories(client, manager, form_data):
    client.force_login(manager)

    response = client.post("/kols/new/", form_data)

    assert response.status_code == 302
    assert KOL.objects.get().territory.name == "Boston"


# Changing.


@pytest.fixture
def kol(organisation, areas):
    return KOLFactory(
        first_name="Amelia",
        last_name="Okafor",
        specialty="Hematology",
        npi="1234567893",
        tier=2,
        territory=organisation["boston"],
        therapeutic_areas=[areas["hematology"]],
        interests=["CAR-T"],
    )


def edit_data(kol, **changes):
    data = {
        "first_name": kol.first_name,
        "last_name": kol.last_name,
        "credentials": kol.credentials,
        "specialty": kol.specialty,
        "institution": kol.institution_id or "",
        "npi": kol.npi,
        "email": kol.email,
        "city": kol.city,
        "country": kol.country,
        "territory": kol.territory_id,
        "therapeutic_areas": [area.pk for area in kol.therapeutic_areas.all()],
        "interests_text": ", ".join(kol.interests.values_list("name", flat=True)),
        "tier": kol.tier,
        "preferred_channel": kol.preferred_channel,
        "consent_status": kol.consent_status,
        "consent_source": kol.consent_source,
    }
    data.update(changes)
    return data


def test_the_edit_form_shows_the_current_values(client, msl, kol):
    client.force_login(msl)

    page = text(client.get(f"/kols/{kol.pk}/edit/"))

    assert "Edit Amelia Okafor, MD" in page
    assert 'value="Okafor"' in page
    assert 'value="CAR-T"' in page


def test_an_msl_changes_a_kol(client, msl, kol, organisation, areas):
    client.force_login(msl)

    response = client.post(
        f"/kols/{kol.pk}/edit/",
        edit_data(
            kol,
            specialty="Medical oncology",
            tier="1",
            territory=organisation["nyc"].pk,
            therapeutic_areas=[areas["oncology"].pk],
            interests_text="biomarkers, MRD",
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == f"/kols/{kol.pk}/"
    kol.refresh_from_db()
    assert kol.specialty == "Medical oncology"
    assert kol.tier == 1
    assert kol.territory == organisation["nyc"]
    assert list(kol.therapeutic_areas.all()) == [areas["oncology"]]
    assert sorted(kol.interests.values_list("name", flat=True)) == ["MRD", "biomarkers"]


def test_a_change_is_recorded_with_before_and_after(client, msl, kol):
    client.force_login(msl)

    response = client.post(
        f"/kols/{kol.pk}/edit/", edit_data(kol, specialty="Medical oncology", tier="1")
    )

    assert response.status_code == 302
    updates = list(audit_entries(kol).filter(action="update"))
    assert len(updates) == 1, "the change was saved but no update entry was written"
    entry = updates[0]
    assert entry.actor_user_id == msl.pk
    assert entry.changes == {
        "specialty": {"before": "Hematology", "after": "Medical oncology"},
        "tier": {"before": 2, "after": 1},
    }
    assert audit_chain_verify().ok


def test_a_change_of_fields_and_interests_records_both(client, msl, kol):
    client.force_login(msl)

    client.post(
        f"/kols/{kol.pk}/edit/",
        edit_data(kol, specialty="Medical oncology", interests_text="CAR-T, biomarkers"),
    )

    entry = audit_entries(kol).get(action="update")
    assert set(entry.changes) == {"specialty", "interests"}
    assert entry.changes["specialty"] == {"before": "Hematology", "after": "Medical oncology"}


def test_a_change_of_interests_is_recorded_with_before_and_after(client, msl, kol):
    client.force_login(msl)

    client.post(f"/kols/{kol.pk}/edit/", edit_data(kol, interests_text="CAR-T, biomarkers"))

    entry = audit_entries(kol).get(action="update")
    assert [name.split(" (#")[0] for name in entry.changes["interests"]["before"]] == ["CAR-T"]
    assert [name.split(" (#")[0] for name in entry.changes["interests"]["after"]] == [
        "CAR-T",
        "biomarkers",
    ]


def test_saving_without_a_change_records_nothing(client, msl, kol):
    client.force_login(msl)

    response = client.post(f"/kols/{kol.pk}/edit/", edit_data(kol))

    assert response.status_code == 302
    assert not audit_entries(kol).filter(action="update").exists()


def test_an_edit_keeps_the_kols_own_npi(client, msl, kol):
    client.force_login(msl)

    response = client.post(f"/kols/{kol.pk}/edit/", edit_data(kol, city="Cambridge"))

    assert response.status_code == 302
    kol.refresh_from_db()
    assert kol.npi == "1234567893"
    assert kol.city == "Cambridge"


def test_an_edit_cannot_take_another_kols_npi(client, msl, kol, organisation):
    other = KOLFactory(npi="1913909960", territory=organisation["boston"])

    page = refused(client, msl, edit_data(kol, npi="1913909960"), url=f"/kols/{kol.pk}/edit/")

    assert f'<a href="/kols/{other.pk}/">' in page
    kol.refresh_from_db()
    assert kol.npi == "1234567893"


def test_an_edit_cannot_move_a_kol_out_of_the_msls_territories(client, msl, kol, organisation):
    page = refused(
        client,
        msl,
        edit_data(kol, territory=organisation["bay_area"].pk),
        url=f"/kols/{kol.pk}/edit/",
    )

    assert "Select a valid choice." in page
    kol.refresh_from_db()
    assert kol.territory == organisation["boston"]
    assert not audit_entries(kol).filter(action="update").exists()


def test_a_refused_edit_changes_nothing(client, msl, kol):
    refused(
        client,
        msl,
        edit_data(kol, specialty="Medical oncology", email="not-an-email"),
        url=f"/kols/{kol.pk}/edit/",
    )

    kol.refresh_from_db()
    assert kol.specialty == "Hematology"
    assert not audit_entries(kol).filter(action="update").exists()


@pytest.mark.parametrize("persona", ["compliance_user", "medinfo"])
def test_roles_that_may_not_edit_cannot_change_a_kol(client, request, kol, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)

    get = client.get(f"/kols/{kol.pk}/edit/")
    post = client.post(f"/kols/{kol.pk}/edit/", edit_data(kol, specialty="Changed"))

    # Compliance sees the KOL and is refused; Medical Information does not even see it.
    expected = 403 if persona == "compliance_user" else 404
    assert (get.status_code, post.status_code) == (expected, expected)
    kol.refresh_from_db()
    assert kol.specialty == "Hematology"


def test_a_viewer_cannot_change_a_kol(client, viewer, kol):
    client.force_login(viewer)

    response = client.post(f"/kols/{kol.pk}/edit/", edit_data(kol, specialty="Changed"))

    assert response.status_code == 403
    kol.refresh_from_db()
    assert kol.specialty == "Hematology"
