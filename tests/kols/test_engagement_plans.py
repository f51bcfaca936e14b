"""A KOL's yearly engagement plan, written from the briefing page."""

import pytest

from compliance.models import AuditEntry
from kols.models import EngagementPlan
from tests.factories import EngagementPlanFactory, KOLFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kol(organisation):
    return KOLFactory(territory=organisation["boston"])


def plan_data(**changes):
    data = {
        "year": "2026",
        "status": "active",
        "planned_touchpoints": "6",
        "objectives": "Understand sequencing after progression on first-line therapy.",
    }
    data.update(changes)
    return data


def test_an_msl_writes_a_plan_for_the_year_and_sees_it_on_the_briefing(client, msl, kol):
    client.force_login(msl)

    response = client.post(f"/kols/{kol.pk}/plans/new/", plan_data(), follow=True)

    assert response.redirect_chain[-1][0] == f"/kols/{kol.pk}/"
    assert "The 2026 engagement plan was saved." in response.content.decode()
    assert "Understand sequencing after progression" in response.content.decode()
    plan = EngagementPlan.objects.get()
    assert (plan.kol, plan.owner, plan.planned_touchpoints) == (kol, msl, 6)
    assert AuditEntry.objects.filter(action="create", content_type__model="engagementplan").exists()


def test_a_second_plan_for_the_same_year_is_refused_with_a_clear_message(client, msl, kol):
    EngagementPlanFactory(kol=kol, year=2026)
    client.force_login(msl)

    response = client.post(f"/kols/{kol.pk}/plans/new/", plan_data())

    assert response.status_code == 200
    assert "already has a plan for 2026" in response.content.decode()
    assert EngagementPlan.objects.count() == 1


def test_editing_a_plan_records_before_and_after(client, msl, kol):
    plan = EngagementPlanFactory(kol=kol, year=2026, planned_touchpoints=4)
    client.force_login(msl)

    client.post(f"/kols/{kol.pk}/plans/{plan.pk}/", plan_data(planned_touchpoints="8"))

    plan.refresh_from_db()
    assert plan.planned_touchpoints == 8
    entry = AuditEntry.objects.get(action="update")
    assert entry.changes["planned_touchpoints"] == {"before": 4, "after": 8}


@pytest.mark.parametrize("year", ["1999", "abc", ""])
def test_a_bad_year_is_refused(client, msl, kol, year):
    client.force_login(msl)

    response = client.post(f"/kols/{kol.pk}/plans/new/", plan_data(year=year))

    assert response.status_code == 200
    assert not EngagementPlan.objects.exists()


def test_plans_of_kols_outside_the_territories_are_not_found(client, msl2, kol):
    plan = EngagementPlanFactory(kol=kol)
    client.force_login(msl2)

    assert client.get(f"/kols/{kol.pk}/plans/new/").status_code == 404
    assert client.get(f"/kols/{kol.pk}/plans/{plan.pk}/").status_code == 404


def test_a_plan_of_another_kol_is_not_found_under_this_one(client, msl, kol, organisation):
    other_plan = EngagementPlanFactory(kol=KOLFactory(territory=organisation["boston"]))
    client.force_login(msl)

    assert client.get(f"/kols/{kol.pk}/plans/{other_plan.pk}/").status_code == 404


def test_compliance_reads_plans_but_cannot_write_them(client, compliance_user, kol):
    client.force_login(compliance_user)

    assert client.get(f"/kols/{kol.pk}/plans/new/").status_code == 403
