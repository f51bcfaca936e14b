import datetime as dt

import factory
from django.utils import timezone

from catalog.models import (
    ApprovedMaterial,
    Indication,
    InsightTopic,
    MaterialUse,
    Product,
    TherapeuticArea,
)


class TherapeuticAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TherapeuticArea
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Therapeutic area {n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"Product{n}")
    generic_name = factory.Sequence(lambda n: f"genericmab-{n}")
    therapeutic_area = factory.SubFactory(TherapeuticAreaFactory)
    is_marketed = True


class IndicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indication

    product = factory.SubFactory(ProductFactory)
    description = factory.Sequence(lambda n: f"Indication {n}")
    approved_on = dt.date(2022, 1, 1)
    region = "US"


class InsightTopicFactory(factory.django.DjangoModelFactory):
    """A top-level topic; pass parent=… for a second-level one."""

    class Meta:
        model = InsightTopic

    name = factory.Sequence(lambda n: f"Topic {n}")
    parent = None
    is_active = True


class ApprovedMaterialFactory(factory.django.DjangoModelFactory):
    """A proactive material, approved a month ago and valid for another year, shared by URL."""

    class Meta:
        model = ApprovedMaterial
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Material {n}")
    document_number = factory.Sequence(lambda n: f"MED-ONC-{n:04d}")
    version = "1.0"
    url = factory.Sequence(lambda n: f"https://medical.example.com/materials/{n}.pdf")
    therapeutic_area = factory.SubFactory(TherapeuticAreaFactory)
    approved_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=365))
    use = MaterialUse.PROACTIVE

    @factory.post_generation
    def products(self, create, extracted, **kwargs):
        if create and extracted:
            self.products.add(*extracted)
