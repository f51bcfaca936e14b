"""Reactive-only materials: shared only in answer to an unsolicited request, i.e. once an
inquiry is raised from the interaction, or on a still-valid documented interest of a KOL
who attended, for the material's product. The form offers them only then and the service
refuses them otherwise."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from catalog.models import MaterialUse
from interactions.services import interaction_update
from tests.factories import (
    ApprovedMaterialFactory,
    DocumentedInterestFactory,
    InteractionFactory,
    KOLFactory,
    ProductFactory,
)
from tests.inquiries.workflow import raise_inquiry

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(db):
    return ProductFactory(name="Oncolimab")


@pytest.fixture
def reactive(product):
    return ApprovedMaterialFactory(
        title="Off-label data summary", use=MaterialUse.REACTIVE_ONLY, products=[product]
    )


@pytest.fixture
def proactive(product):
    return ApprovedMaterialFactory(title="Pivotal trial summary", products=[product])


@pytest.fixture
def interaction(msl, kol):
    return InteractionFactory(owner=msl, kols=[kol])


def offered_materials(client, interaction) -> dict[int, str]:
    """The materials the edit page offers, by id, with the label each option shows."""
    response = client.get(f"/interactions/{interaction.pk}/edit/")
    assert response.status_code == 200
    return materials_on(response.content.decode())


def materials_on(page: str) -> dict[int, str]:
    select = re.search(r'<select name="materials_shared".*?</select>', page, re.S)
    assert select, "the page has no materials select"
    return {
        int(pk): label.strip()
        for pk, label in re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', select.group(0))
    }


def test_without_grounds_a_reactive_only_material_is_not_offered(
    client, msl, interaction, reactive, proactive
):
    client.force_login(msl)

    offered = offered_materials(client, interaction)

    assert proactive.pk in offered
    assert reactive.pk not in offered


def test_an_inquiry_raised_from_the_interaction_unlocks_it(
    client, msl, kol, interaction, reactive, product
):
    client.force_login(msl)
    assert reactive.pk not in offered_materials(client, interaction)

    raise_inquiry(msl, kol, interaction=interaction, product=product)

    offered = offered_materials(client, interaction)
    assert reactive.pk in offered
    assert offered[reactive.pk].endswith("(reactive only)")


def test_an_inquiry_about_another_product_or_cancelled_does_not_unlock_it(
    client, msl, kol, interaction, reactive, product, medinfo
):
    from inquiries.services import inquiry_cancel

    raise_inquiry(msl, kol, interaction=interaction, product=ProductFactory(name="Other"))
    cancelled = raise_inquiry(msl, kol, interaction=interaction, product=product)
    inquiry_cancel(actor=msl, inquiry=cancelled, reason="Asked by mistake")
    client.force_login(msl)

    assert reactive.pk not in offered_materials(client, interaction)


def test_an_inquiry_from_another_interaction_does_not_unlock_it(
    client, msl, kol, interaction, reactive
):
    raise_inquiry(msl, kol, interaction=InteractionFactory(owner=msl, kols=[kol]))
    client.force_login(msl)

    assert reactive.pk not in offered_materials(client, interaction)


def test_a_valid_documented_interest_of_an_attendee_unlocks_it(
    client, msl, kol, interaction, reactive, product
):
    DocumentedInterestFactory(kol=kol, raised_by=msl, product=product)
    client.force_login(msl)

    assert reactive.pk in offered_materials(client, interaction)


def test_an_interest_valid_until_today_still_counts(
    client, msl, kol, interaction, reactive, product
):
    DocumentedInterestFactory(
        kol=kol, raised_by=msl, product=product, valid_until=timezone.localdate()
    )
    client.force_login(msl)

    assert reactive.pk in offered_materials(client, interaction)


def test_an_expired_documented_interest_does_not(client, msl, kol, interaction, reactive, product):
    DocumentedInterestFactory(
        kol=kol,
        raised_by=msl,
        product=product,
        valid_until=timezone.localdate() - dt.timedelta(days=1),
    )
    client.force_login(msl)

    assert reactive.pk not in offered_materials(client, interaction)


def test_an_interest_in_another_product_does_not(client, msl, kol, interaction, reactive):
    DocumentedInterestFactory(kol=kol, raised_by=msl, product=ProductFactory(name="Other"))
    client.force_login(msl)

    assert reactive.pk not in offered_materials(client, interaction)


def test_an_interest_of_a_kol_who_did_not_attend_does_not(
    client, msl, interaction, reactive, product, organisation
):
    absent = KOLFactory(territory=organisation["boston"])
    DocumentedInterestFactory(kol=absent, raised_by=msl, product=product)
    client.force_login(msl)

    assert reactive.pk not in offered_materials(client, interaction)


def test_the_service_refuses_a_reactive_only_material_without_grounds(msl, interaction, reactive):
    with pytest.raises(ValidationError) as refused:
        interaction_update(
            actor=msl,
            interaction=interaction,
            version=interaction.version,
            relations={"materials_shared": [reactive]},
        )

    (message,) = refused.value.message_dict["materials_shared"]
    assert "reactive-only" in message
    assert str(reactive) in message
    assert not interaction.materials_shared.exists()


def test_the_service_accepts_it_once_an_inquiry_is_raised(msl, kol, interaction, reactive, product):
    raise_inquiry(msl, kol, interaction=interaction, product=product)

    interaction_update(
        actor=msl,
        interaction=interaction,
        version=interaction.version,
        relations={"materials_shared": [reactive]},
    )

    assert list(interaction.materials_shared.all()) == [reactive]


def test_the_service_accepts_it_on_a_documented_interest(msl, kol, interaction, reactive, product):
    DocumentedInterestFactory(kol=kol, raised_by=msl, product=product)

    interaction_update(
        actor=msl,
        interaction=interaction,
        version=interaction.version,
        relations={"materials_shared": [reactive]},
    )

    assert list(interaction.materials_shared.all()) == [reactive]


def new_interaction_post(kol, **fields) -> dict:
    when = timezone.localtime() - dt.timedelta(hours=1)
    return {
        "kols": kol.pk,
        "type": "one_to_one",
        "channel": "phone",
        "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": 30,
        **fields,
    }


def test_a_form_refused_for_another_field_still_offers_the_materials(
    client, msl, kol, reactive, proactive
):
    client.force_login(msl)

    response = client.post("/interactions/new/", new_interaction_post(kol, duration_minutes=-5))

    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 0" in response.content.decode()
    assert materials_on(response.content.decode()) == {proactive.pk: str(proactive)}


def test_the_form_refuses_a_reactive_only_material_without_grounds(client, msl, kol, reactive):
    client.force_login(msl)

    response = client.post(
        "/interactions/new/", new_interaction_post(kol, materials_shared=[reactive.pk])
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not msl.interactions.exists()


def test_a_material_shared_before_it_expired_stays_on_the_edit_form_and_is_kept(
    client, msl, kol, interaction, proactive
):
    interaction.materials_shared.add(proactive)
    type(proactive).objects.filter(pk=proactive.pk).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    client.force_login(msl)

    assert proactive.pk in offered_materials(client, interaction)

    response = client.post(
        f"/interactions/{interaction.pk}/edit/",
        {
            **new_interaction_post(kol, materials_shared=[proactive.pk]),
            "version": interaction.version,
        },
    )

    assert response.status_code == 302
    assert list(interaction.materials_shared.all()) == [proactive]
