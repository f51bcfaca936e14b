"""What the inquiry tests share: a KOL in the first MSL's territory, a second Medical
Information user for two-person approval, and an open inquiry the first MSL raised."""

import pytest

from accounts.roles import Role
from tests.factories import KOLFactory, MedicalInquiryFactory, UserFactory


@pytest.fixture
def kol(organisation):
    return KOLFactory(first_name="Maria", last_name="Alvarez", territory=organisation["boston"])


@pytest.fixture
def medinfo2(db):
    return UserFactory(username="medinfo2", roles=[Role.MEDICAL_INFORMATION])


@pytest.fixture
def inquiry(msl, kol):
    return MedicalInquiryFactory(
        raised_by=msl, kol=kol, question="Is there data on dosing in moderate renal impairment?"
    )
