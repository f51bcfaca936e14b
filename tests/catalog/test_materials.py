"""An MSL may only ever be offered materials that are approved today and not yet expired;
reactive-only ones only when answering an unsolicited request."""

import datetime as dt

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.models import ApprovedMaterial, MaterialUse
from catalog.selectors import materials_offerable
from tests.factories import ApprovedMaterialFactory, TherapeuticAreaFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 15)
DAY = dt.timedelta(days=1)


def titles(materials):
    return sorted(material.title for material in materials)


def test_a_current_proactive_material_is_offerable():
    ApprovedMaterialFactory(title="Pivotal trial deck", approved_on=TODAY - DAY)

    assert titles(materials_offerable(on=TODAY)) == ["Pivotal trial deck"]
    assert titles(ApprovedMaterial.objects.offerable(on=TODAY)) == ["Pivotal trial deck"]


def test_an_expired_material_is_never_offerable_not_even_as_reactive():
    ApprovedMaterialFactory(
        title="Expired yesterday", expires_on=TODAY - DAY, approved_on=TODAY - 300 * DAY
    )
    ApprovedMaterialFactory(title="Expires today", expires_on=TODAY, approved_on=TODAY - 300 * DAY)
    ApprovedMaterialFactory(
        title="Expired reactive",
        use=MaterialUse.REACTIVE_ONLY,
        approved_on=TODAY - 300 * DAY,
        expires_on=TODAY - DAY,
    )
    ApprovedMaterialFactory(title="Valid", approved_on=TODAY - DAY, expires_on=TODAY + DAY)

    assert titles(materials_offerable(on=TODAY)) == ["Valid"]
    assert titles(materials_offerable(on=TODAY, include_reactive=True)) == ["Valid"]
    assert titles(ApprovedMaterial.objects.offerable(on=TODAY)) == ["Valid"]


def test_a_material_not_yet_approved_is_not_offerable():
    ApprovedMaterialFactory(title="Approved tomorrow", approved_on=TODAY + DAY)
    ApprovedMaterialFactory(title="Approved today", approved_on=TODAY)

    assert titles(materials_offerable(on=TODAY, include_reactive=True)) == ["Approved today"]


def test_offerable_defaults_to_today():
    today = timezone.localdate()
    ApprovedMaterialFactory(title="Current", approved_on=today - DAY, expires_on=today + DAY)
    ApprovedMaterialFactory(title="Expired", approved_on=today - 9 * DAY, expires_on=today)

    assert titles(materials_offerable()) == ["Current"]
    assert titles(ApprovedMaterial.objects.offerable()) == ["Current"]


def test_a_reactive_only_material_is_offered_only_when_answering_a_request():
    ApprovedMaterialFactory(title="Proactive deck", approved_on=TODAY - DAY)
    ApprovedMaterialFactory(
        title="Off-label response letter", use=MaterialUse.REACTIVE_ONLY, approved_on=TODAY - DAY
    )

    assert titles(materials_offerable(on=TODAY)) == ["Proactive deck"]
    assert titles(materials_offerable(on=TODAY, include_reactive=True)) == [
        "Off-label response letter",
        "Proactive deck",
    ]


def test_a_material_without_file_or_link_fails_validation_with_a_clear_message():
    material = ApprovedMaterial(
        title="Nothing attached",
        document_number="MED-ONC-9001",
        version="1.0",
        therapeutic_area=TherapeuticAreaFactory(),
        approved_on=TODAY,
        expires_on=TODAY + 30 * DAY,
    )

    with pytest.raises(ValidationError) as error:
        material.full_clean()

    assert error.value.message_dict[NON_FIELD_ERRORS] == [
        "Attach the approved file or give its link."
    ]


def test_a_material_with_only_a_link_is_valid():
    material = ApprovedMaterial(
        title="Linked",
        document_number="MED-ONC-9002",
        version="1.0",
        url="https://medical.example.com/linked.pdf",
        therapeutic_area=TherapeuticAreaFactory(),
        approved_on=TODAY,
        expires_on=TODAY + 30 * DAY,
    )

    material.full_clean()  # raises if refused


@pytest.mark.parametrize("expires_on", [TODAY - DAY, TODAY], ids=["before", "same-day"])
def test_validation_refuses_an_expiry_that_does_not_come_after_approval(expires_on):
    material = ApprovedMaterialFactory.build(
        therapeutic_area=TherapeuticAreaFactory(), approved_on=TODAY, expires_on=expires_on
    )

    with pytest.raises(ValidationError) as error:
        material.full_clean()

    assert "The expiry date must come after approval." in error.value.message_dict["expires_on"]


@pytest.mark.parametrize("expires_on", [TODAY - DAY, TODAY], ids=["before", "same-day"])
def test_the_database_refuses_an_expiry_that_does_not_come_after_approval(expires_on):
    with pytest.raises(IntegrityError), transaction.atomic():
        ApprovedMaterialFactory(approved_on=TODAY, expires_on=expires_on)

    assert not ApprovedMaterial.objects.exists()
