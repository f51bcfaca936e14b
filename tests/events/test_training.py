"""Required trainings: each is valid for some months after completion, shows as current,
expiring (within 30 days), lapsed or missing, and one tied to a product certifies the MSL
to discuss that product when it is recorded."""

import datetime as dt
import re

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from accounts.roles import Role
from compliance.models import CertificationSource, ProductCertification
from events.models import LearningRecord
from interactions.models import Interaction, InteractionStatus
from tests.events.conftest import section, text
from tests.factories import (
    InteractionFactory,
    LearningRecordFactory,
    ProductFactory,
    TrainingRequirementFactory,
)

pytestmark = pytest.mark.django_db

# 28 Nov: a year's training done eleven months ago expires on 28 Dec, 30 days ahead.
NOW = dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC)
TODAY = NOW.date()
BADGE = re.compile(r"<strong>(.*?)</strong>.*?<span class=\"badge[^\"]*\">(.*?)</span>", re.S)


def badges(response) -> dict[str, str]:
    """Each required training on the learning page with the state its badge shows."""
    return dict(BADGE.findall(section(response, "required-trainings")))


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_each_required_training_shows_its_state(client, msl, frozen):
    renewed = TrainingRequirementFactory(title="Adverse-event reporting")
    overdue = TrainingRequirementFactory(title="Good clinical practice")
    TrainingRequirementFactory(title="Data privacy")
    done_long_ago = TrainingRequirementFactory(title="Medical writing", valid_for_months=36)
    LearningRecordFactory(
        user=msl, requirement=renewed, completed_on=TODAY - relativedelta(months=11)
    )
    LearningRecordFactory(
        user=msl, requirement=overdue, completed_on=TODAY - relativedelta(months=13)
    )
    LearningRecordFactory(
        user=msl, requirement=done_long_ago, completed_on=TODAY - relativedelta(months=13)
    )
    client.force_login(msl)

    response = client.get("/events/learning/")

    assert badges(response) == {
        "Adverse-event reporting": "Expires soon",
        "Good clinical practice": "Lapsed",
        "Data privacy": "Not completed",
        "Medical writing": "Current",
    }
    assert "valid until 2026-12-28" in section(response, "required-trainings")


@pytest.mark.parametrize(
    ("days_left", "state"),
    [(-1, "Lapsed"), (0, "Expires soon"), (30, "Expires soon"), (31, "Current")],
)
def test_expiring_means_within_thirty_days(client, msl, frozen, days_left, state):
    requirement = TrainingRequirementFactory(title="Adverse-event reporting")
    LearningRecordFactory(
        user=msl,
        requirement=requirement,
        completed_on=TODAY - dt.timedelta(days=100),
        expires_on=TODAY + dt.timedelta(days=days_left),
    )
    client.force_login(msl)

    assert badges(client.get("/events/learning/")) == {"Adverse-event reporting": state}


def test_the_latest_completion_counts(client, msl, frozen):
    requirement = TrainingRequirementFactory(title="Adverse-event reporting")
    LearningRecordFactory(
        user=msl, requirement=requirement, completed_on=TODAY - relativedelta(months=25)
    )
    LearningRecordFactory(
        user=msl, requirement=requirement, completed_on=TODAY - relativedelta(months=2)
    )
    client.force_login(msl)

    assert badges(client.get("/events/learning/")) == {"Adverse-event reporting": "Current"}


def test_trainings_of_other_roles_and_retired_ones_are_not_listed(client, msl):
    TrainingRequirementFactory(title="Standard responses", role=Role.MEDICAL_INFORMATION)
    TrainingRequirementFactory(title="Old course", active=False)
    client.force_login(msl)

    response = client.get("/events/learning/")

    assert badges(response) == {}
    assert "Nothing is required of your role." in text(response)


def test_another_msls_completion_does_not_count_for_me(client, msl, msl2, frozen):
    requirement = TrainingRequirementFactory(title="Adverse-event reporting")
    LearningRecordFactory(user=msl2, requirement=requirement, completed_on=TODAY)
    client.force_login(msl)

    assert badges(client.get("/events/learning/")) == {"Adverse-event reporting": "Not completed"}


# Recording a completion


def training_data(requirement, **changes) -> dict:
    data = {
        "title": "Product training e-learning",
        "kind": "training",
        "provider": "Medical Affairs Academy",
        "requirement": requirement.pk,
        "completed_on": (timezone.localdate() - dt.timedelta(days=5)).isoformat(),
        "hours": "1.5",
    }
    data.update(changes)
    return data


@pytest.fixture
def product(db):
    return ProductFactory(name="Oncozumab")


@pytest.fixture
def product_training(product):
    return TrainingRequirementFactory(title="Oncozumab product training", product=product)


def submit(client, interaction):
    interaction.refresh_from_db()
    return client.post(
        f"/interactions/{interaction.pk}/submit/", {"version": interaction.version}, follow=True
    )


def test_completing_a_product_training_certifies_for_the_product_until_it_expires(
    client, msl, product, product_training
):
    completed = timezone.localdate() - dt.timedelta(days=5)
    client.force_login(msl)

    response = client.post("/events/learning/new/", training_data(product_training), follow=True)

    record = LearningRecord.objects.get()
    expires = completed + relativedelta(months=12)
    assert record.user == msl
    assert record.expires_on == expires
    certification = ProductCertification.objects.get()
    assert record.certification == certification
    assert (certification.user, certification.product) == (msl, product)
    assert certification.source == CertificationSource.LEARNING
    assert (certification.certified_on, certification.expires_on) == (completed, expires)
    assert f"It certifies you for {product} until {expires:%Y-%m-%d}." in text(response)
    assert badges(response) == {"Oncozumab product training": "Current"}


def test_a_course_tied_to_no_product_certifies_nothing(client, msl, product):
    requirement = TrainingRequirementFactory(title="Adverse-event reporting")
    client.force_login(msl)

    client.post("/events/learning/new/", training_data(requirement))

    assert LearningRecord.objects.get().certification is None
    assert not ProductCertification.objects.exists()


def test_the_product_training_lets_a_discussion_of_the_product_be_submitted(
    client, msl, kol, product, product_training
):
    discussion = InteractionFactory(owner=msl, kols=[kol])
    discussion.products.add(product)
    client.force_login(msl)

    refused = submit(client, discussion)

    assert "You were not certified to discuss Oncozumab on" in text(refused)
    discussion.refresh_from_db()
    assert discussion.status == InteractionStatus.DRAFT

    client.post("/events/learning/new/", training_data(product_training))
    submit(client, discussion)

    assert Interaction.objects.get(pk=discussion.pk).status == InteractionStatus.SUBMITTED


def test_a_product_training_that_has_lapsed_does_not_let_the_discussion_through(
    client, msl, kol, product, product_training
):
    long_ago = timezone.localdate() - relativedelta(months=13)
    discussion = InteractionFactory(owner=msl, kols=[kol])
    discussion.products.add(product)
    client.force_login(msl)

    client.post(
        "/events/learning/new/", training_data(product_training, completed_on=long_ago.isoformat())
    )
    refused = submit(client, discussion)

    assert ProductCertification.objects.get().expires_on < timezone.localdate()
    assert "You were not certified to discuss Oncozumab on" in text(refused)
    assert Interaction.objects.get(pk=discussion.pk).status == InteractionStatus.DRAFT


def test_a_training_required_of_another_role_cannot_be_recorded(client, msl):
    other_role = TrainingRequirementFactory(
        title="Standard responses", role=Role.MEDICAL_INFORMATION, product=ProductFactory()
    )
    client.force_login(msl)

    response = client.post("/events/learning/new/", training_data(other_role))

    assert response.status_code == 200
    assert "Select a valid choice" in text(response)
    assert not LearningRecord.objects.exists()
    assert not ProductCertification.objects.exists()


def test_a_retired_training_cannot_be_recorded(client, msl):
    retired = TrainingRequirementFactory(title="Old course", active=False)
    client.force_login(msl)

    response = client.post("/events/learning/new/", training_data(retired))

    assert "Select a valid choice" in text(response)
    assert not LearningRecord.objects.exists()


def test_a_completion_date_in_the_future_is_refused(client, msl, product_training):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    client.force_login(msl)

    response = client.post(
        "/events/learning/new/", training_data(product_training, completed_on=tomorrow.isoformat())
    )

    assert response.status_code == 200
    assert "Record learning once it is completed." in text(response)
    assert not LearningRecord.objects.exists()
    assert not ProductCertification.objects.exists()


@pytest.mark.parametrize("hours", ["0", "-1"])
def test_hours_must_be_more_than_zero(client, msl, hours):
    client.force_login(msl)

    response = client.post(
        "/events/learning/new/",
        {"title": "Journal club", "kind": "course", "completed_on": "2026-01-10", "hours": hours},
    )

    assert response.status_code == 200
    assert "Enter the hours spent, more than zero." in text(response)
    assert not LearningRecord.objects.exists()


def test_a_plain_course_counts_towards_the_quarters_hours(client, msl):
    client.force_login(msl)
    today = timezone.localdate()

    client.post(
        "/events/learning/new/",
        {
            "title": "Journal club",
            "kind": "course",
            "completed_on": today.isoformat(),
            "hours": "2.5",
        },
    )
    response = client.get("/events/learning/")

    assert LearningRecord.objects.get().expires_on is None
    assert section(response, "quarter-hours").strip() == "2.5"
    assert "Journal club" in section(response, "learning-records")
