"""Required fields per interaction type: an admin's rule that submission enforces."""

import pytest

from compliance.models import AuditEntry, RequiredInteractionField
from interactions.models import Interaction, InteractionStatus
from tests.factories import InsightTopicFactory, InteractionFactory, KOLFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kol(organisation):
    return KOLFactory(territory=organisation["boston"])


def submit(client, interaction):
    return client.post(
        f"/interactions/{interaction.pk}/submit/", {"version": interaction.version}, follow=True
    )


def test_a_field_required_for_the_type_blocks_submission_until_filled(client, msl, kol):
    RequiredInteractionField.objects.create(interaction_type="advisory_board", field="objectives")
    RequiredInteractionField.objects.create(interaction_type="advisory_board", field="topics")
    board = InteractionFactory(owner=msl, kols=[kol], type="advisory_board", objectives="")
    client.force_login(msl)

    page = submit(client, board).content.decode()

    assert "Objectives (pre-call plan) is required for advisory board interactions." in page
    assert "Topics is required for advisory board interactions." in page
    assert Interaction.objects.get(pk=board.pk).status == InteractionStatus.DRAFT

    Interaction.objects.filter(pk=board.pk).update(objectives="Gather views on trial design")
    board.topics.add(InsightTopicFactory())
    submit(client, Interaction.objects.get(pk=board.pk))

    assert Interaction.objects.get(pk=board.pk).status == InteractionStatus.SUBMITTED


def test_the_rule_leaves_other_types_alone(client, msl, kol):
    RequiredInteractionField.objects.create(interaction_type="advisory_board", field="location")
    visit = InteractionFactory(owner=msl, kols=[kol], type="one_to_one", location="")
    client.force_login(msl)

    submit(client, visit)

    assert Interaction.objects.get(pk=visit.pk).status == InteractionStatus.SUBMITTED


def test_admins_configure_the_rule_in_the_admin_and_it_is_audited(client, admin_user):
    client.force_login(admin_user)

    response = client.post(
        "/admin/compliance/requiredinteractionfield/add/",
        {"interaction_type": "congress", "field": "location"},
    )
    duplicate = client.post(
        "/admin/compliance/requiredinteractionfield/add/",
        {"interaction_type": "congress", "field": "location"},
    )

    assert response.status_code == 302
    assert "already exists" in duplicate.content.decode()
    rule = RequiredInteractionField.objects.get()
    assert str(rule) == "Location required for Congress"
    assert AuditEntry.objects.filter(
        content_type__model="requiredinteractionfield", action="create"
    ).exists()
