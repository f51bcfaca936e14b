import factory

from kols.identifiers import npi_check_digit
from kols.models import (
    KOL,
    Affiliation,
    EngagementPlan,
    EngagementStatus,
    Institution,
    InstitutionType,
    Interest,
)

from .accounts import TerritoryFactory


def valid_npi(n: int) -> str:
    """The n-th of a series of distinct NPIs, each with a correct check digit."""
    first_nine = f"1{n % 10**8:08d}"
    return f"{first_nine}{npi_check_digit(first_nine)}"


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Institution {n}")
    type = InstitutionType.ACADEMIC
    city = factory.Sequence(lambda n: f"Town {n}")
    country = "US"


class InterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interest
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Interest {n}")


class KOLFactory(factory.django.DjangoModelFactory):
    """A KOL in a territory (pass territory=… to place them in one of a persona's).

    therapeutic_areas=[…] and interests=[…] (Interest objects or names) link them.
    """

    class Meta:
        model = KOL
        skip_postgeneration_save = True

    first_name = factory.Sequence(lambda n: f"Firstname{n}")
    last_name = factory.Sequence(lambda n: f"Lastname{n}")
    credentials = "MD"
    specialty = "Medical oncology"
    institution = factory.SubFactory(InstitutionFactory)
    npi = factory.Sequence(valid_npi)
    email = factory.LazyAttribute(lambda kol: f"{kol.last_name.lower()}@hospital.example.org")
    city = factory.LazyAttribute(lambda kol: kol.institution.city if kol.institution else "Boston")
    country = "US"
    territory = factory.SubFactory(TerritoryFactory)

    @factory.post_generation
    def therapeutic_areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.therapeutic_areas.add(*extracted)

    @factory.post_generation
    def interests(self, create, extracted, **kwargs):
        if create and extracted:
            self.interests.add(
                *(
                    item if isinstance(item, Interest) else InterestFactory(name=item)
                    for item in extracted
                )
            )


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    kol = factory.SubFactory(KOLFactory)
    institution = factory.SubFactory(InstitutionFactory)
    role = factory.Sequence(lambda n: f"Attending physician {n}")


class EngagementPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EngagementPlan

    kol = factory.SubFactory(KOLFactory)
    year = 2025
    objectives = factory.Sequence(lambda n: f"Objective {n}: discuss long-term outcomes data.")
    planned_touchpoints = 4
    status = EngagementStatus.ACTIVE
