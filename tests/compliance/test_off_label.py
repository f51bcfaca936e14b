"""Off-label discussion is allowed only in answer to an unsolicited request: an interaction
that records one is not submitted until an inquiry raised from it is linked."""

import pytest
from django.contrib.contenttypes.models import ContentType

from compliance.models import Violation, ViolationOutcome
from interactions.models import Interaction, InteractionStatus
from tests.compliance.pages import submit
from tests.factories import InteractionFactory, KOLFactory
from tests.inquiries.workflow import raise_inquiry

pytestmark = pytest.mark.django_db

REFUSAL = "Off-label discussion needs a linked unsolicited inquiry"


@pytest.fixture
def kol(organisation):
    return KOLFactory(territory=organisation["boston"])


@pytest.fixture
def off_label(msl, kol):
    return InteractionFactory(owner=msl, kols=[kol], off_label_discussed=True)


def test_an_off_label_interaction_without_an_inquiry_is_not_submitted(client, msl, off_label):
    client.force_login(msl)

    response = submit(client, off_label, follow=True)

    assert REFUSAL in response.content.decode()
    assert Interaction.objects.get(pk=off_label.pk).status == InteractionStatus.DRAFT


def test_the_refusal_is_recorded_against_the_interaction(client, msl, off_label):
    client.force_login(msl)

    submit(client, off_label)

    violation = Violation.objects.get()
    assert violation.outcome == ViolationOutcome.BLOCKED
    assert violation.user == msl
    assert violation.rule.startswith(REFUSAL)
    assert violation.term is None
    assert violation.content_type == ContentType.objects.get_for_model(Interaction)
    assert violation.object_id == str(off_label.pk)
    assert violation.record_label == str(off_label)


def test_once_an_inquiry_is_raised_from_it_the_interaction_submits(client, msl, kol, off_label):
    client.force_login(msl)
    submit(client, off_label)

    inquiry = raise_inquiry(msl, kol, interaction=off_label)
    response = submit(client, Interaction.objects.get(pk=off_label.pk), follow=True)

    assert inquiry.interaction == off_label
    assert "Submitted." in response.content.decode()
    assert Interaction.objects.get(pk=off_label.pk).status == InteractionStatus.SUBMITTED
    assert Violation.objects.count() == 1, "only the refused attempt is on record"


def test_an_inquiry_from_another_meeting_does_not_count(client, msl, kol, off_label):
    other = InteractionFactory(owner=msl, kols=[kol])
    raise_inquiry(msl, kol, interaction=other)
    client.force_login(msl)

    submit(client, off_label)

    assert Interaction.objects.get(pk=off_label.pk).status == InteractionStatus.DRAFT


def test_an_interaction_without_off_label_discussion_needs_no_inquiry(client, msl, kol):
    interaction = InteractionFactory(owner=msl, kols=[kol], off_label_discussed=False)
    client.force_login(msl)

    submit(client, interaction)

    assert Interaction.objects.get(pk=interaction.pk).status == InteractionStatus.SUBMITTED
    assert not Violation.objects.exists()


def test_the_refusal_comes_with_the_other_missing_details(client, msl):
    interaction = InteractionFactory(owner=msl, off_label_discussed=True)
    client.force_login(msl)

    page = submit(client, interaction, follow=True).content.decode()

    assert REFUSAL in page
    assert "Add at least one KOL." in page
    assert Interaction.objects.get(pk=interaction.pk).status == InteractionStatus.DRAFT
    assert Violation.objects.count() == 1, "the rule is recorded, not the missing KOL"


def test_editing_a_submitted_interaction_cannot_undo_the_submission_rules(msl, kol):
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from interactions.services import interaction_update

    done = InteractionFactory(
        owner=msl,
        kols=[kol],
        status=InteractionStatus.SUBMITTED,
        first_submitted_at=timezone.now(),
        submitted_at=timezone.now(),
    )

    with pytest.raises(ValidationError, match=REFUSAL):
        interaction_update(
            actor=msl,
            interaction=done,
            version=done.version,
            reason="Forgot to say",
            off_label_discussed=True,
        )
    with pytest.raises(ValidationError, match="Add at least one KOL"):
        interaction_update(
            actor=msl, interaction=done, version=done.version, reason="Oops", kols=[]
        )

    stored = Interaction.objects.get(pk=done.pk)
    assert stored.off_label_discussed is False
    assert list(stored.kols.all()) == [kol]
    assert Violation.objects.filter(outcome=ViolationOutcome.BLOCKED).count() == 1


def test_an_amendment_cannot_record_off_label_discussion_without_an_inquiry(msl, kol):
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from interactions.services import interaction_amend

    locked = InteractionFactory(
        owner=msl,
        kols=[kol],
        status=InteractionStatus.LOCKED,
        first_submitted_at=timezone.now(),
        submitted_at=timezone.now(),
    )

    with pytest.raises(ValidationError, match=REFUSAL):
        interaction_amend(actor=msl, interaction=locked, reason="Recall", off_label_discussed=True)

    assert Interaction.objects.get(pk=locked.pk).off_label_discussed is False
    assert not locked.amendments.exists()
