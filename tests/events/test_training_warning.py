"""The warning on every page while the adverse-event-reporting training is not valid:
pharmacovigilance policy lets nobody meet healthcare professionals without it."""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from accounts.roles import Role
from events.models import LearningRecord
from tests.events.conftest import ae_warning_shown
from tests.factories import LearningRecordFactory, TrainingRequirementFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = ["/kols/", "/events/", "/follow-ups/", "/events/learning/", "/interactions/"]


@pytest.fixture
def ae_training(db):
    return TrainingRequirementFactory(
        title="Annual adverse-event reporting", role=Role.MSL, is_adverse_event_reporting=True
    )


def months_ago(months: int) -> dt.date:
    return timezone.localdate() - relativedelta(months=months)


def pages_warning(client) -> dict[str, bool]:
    shown = {}
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        shown[url] = ae_warning_shown(response)
    return shown


def test_an_msl_whose_training_lapsed_is_warned_on_every_page_until_renewed(
    client, msl, ae_training
):
    LearningRecordFactory(user=msl, requirement=ae_training, completed_on=months_ago(13))
    client.force_login(msl)

    assert pages_warning(client) == dict.fromkeys(PAGES, True)

    response = client.post(
        "/events/learning/new/",
        {
            "title": "Adverse-event reporting e-learning",
            "kind": "training",
            "requirement": ae_training.pk,
            "completed_on": timezone.localdate().isoformat(),
            "hours": "1.5",
        },
    )

    assert response.status_code == 302
    assert LearningRecord.objects.filter(user=msl).count() == 2
    assert pages_warning(client) == dict.fromkeys(PAGES, False)


def test_the_warning_links_to_the_learning_page(client, msl, ae_training):
    client.force_login(msl)

    page = client.get("/events/").content.decode()

    assert "Your adverse-event reporting training has lapsed." in page
    assert 'href="/events/learning/"' in page


def test_never_having_done_it_counts_as_lapsed(client, msl, ae_training):
    client.force_login(msl)

    assert pages_warning(client) == dict.fromkeys(PAGES, True)


def test_an_msl_whose_training_is_current_is_not_warned(client, msl, ae_training):
    LearningRecordFactory(user=msl, requirement=ae_training, completed_on=months_ago(11))
    client.force_login(msl)

    assert pages_warning(client) == dict.fromkeys(PAGES, False)


def test_a_training_valid_until_today_still_counts(client, msl, ae_training):
    LearningRecordFactory(
        user=msl,
        requirement=ae_training,
        completed_on=months_ago(12),
        expires_on=timezone.localdate(),
    )
    client.force_login(msl)

    assert not ae_warning_shown(client.get("/events/"))


def test_another_msls_renewal_does_not_clear_my_warning(client, msl, msl2, ae_training):
    LearningRecordFactory(user=msl2, requirement=ae_training, completed_on=months_ago(1))
    client.force_login(msl)

    assert ae_warning_shown(client.get("/events/"))


def test_a_completed_course_that_is_not_the_required_training_does_not_count(
    client, msl, ae_training
):
    LearningRecordFactory(user=msl, title="Adverse-event reporting", completed_on=months_ago(1))
    client.force_login(msl)

    assert ae_warning_shown(client.get("/events/"))


def test_a_role_the_requirement_does_not_apply_to_is_not_warned(
    client, medinfo, manager, ae_training
):
    for user in (medinfo, manager):
        client.force_login(user)
        for url in ("/kols/", "/events/"):
            response = client.get(url)
            assert response.status_code == 200
            assert not ae_warning_shown(response), (user.username, url)


def test_a_medical_information_requirement_warns_medical_information_only(
    client, msl, medinfo, ae_training
):
    TrainingRequirementFactory(role=Role.MEDICAL_INFORMATION, is_adverse_event_reporting=True)
    LearningRecordFactory(user=msl, requirement=ae_training, completed_on=months_ago(1))

    client.force_login(medinfo)
    assert ae_warning_shown(client.get("/inquiries/"))
    client.force_login(msl)
    assert not ae_warning_shown(client.get("/inquiries/"))


def test_a_retired_requirement_warns_nobody(client, msl, ae_training):
    ae_training.active = False
    ae_training.save()
    client.force_login(msl)

    assert not ae_warning_shown(client.get("/events/"))


def test_other_required_trainings_lapsing_do_not_raise_this_warning(client, msl, ae_training):
    LearningRecordFactory(user=msl, requirement=ae_training, completed_on=months_ago(1))
    TrainingRequirementFactory(title="Good clinical practice")
    client.force_login(msl)

    assert not ae_warning_shown(client.get("/events/"))


def test_a_user_without_a_role_sees_no_warning(client, ae_training):
    nobody = UserFactory(username="norole")
    client.force_login(nobody)

    response = client.get("/accounts/password/")

    assert response.status_code == 200
    assert "</main>" in response.content.decode(), "a page of the site, banner slot included"
    assert not ae_warning_shown(response)
