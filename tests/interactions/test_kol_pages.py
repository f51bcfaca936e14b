"""What interactions add to the KOL pages: the briefing timeline and open follow-ups, and
the directory's 'last met' column, each scoped to what the reader may see."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from interactions.services import follow_up_complete, follow_up_create, interaction_submit
from tests.factories import InteractionFactory, KOLFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kol(organisation):
    return KOLFactory(territory=organisation["boston"], last_name="Alvarez")


def test_the_briefing_shows_the_interactions_and_open_follow_ups(client, msl, kol):
    met = InteractionFactory(
        owner=msl, kols=[kol], occurred_at=timezone.now() - dt.timedelta(days=2)
    )
    interaction_submit(actor=msl, interaction=met, version=met.version)
    follow_up_create(
        actor=msl,
        kind="send_material",
        description="Send the long-term data",
        due_date=timezone.localdate() + dt.timedelta(days=2),
        interaction=met,
    )
    done = follow_up_create(
        actor=msl,
        kind="other",
        description="Already handled",
        due_date=timezone.localdate(),
        kol=kol,
    )
    follow_up_complete(actor=msl, follow_up=done)
    client.force_login(msl)

    page = client.get(f"/kols/{kol.pk}/").content.decode()

    assert met.occurred_at.strftime("%Y-%m-%d") in page
    assert "Submitted" in page
    assert "Send the long-term data" in page
    assert "Already handled" not in page


def test_another_msls_interactions_stay_out_of_the_timeline(client, msl, manager, kol, msl2):
    InteractionFactory(owner=msl2, kols=[kol], notes="Private notes", location="Hidden place")
    InteractionFactory(owner=msl, kols=[kol], type="advisory_board")
    client.force_login(msl)

    page = client.get(f"/kols/{kol.pk}/").content.decode()

    assert "Advisory board" in page
    assert page.count('<li class="mb-2">') == 1


def test_compliance_sees_when_each_kol_was_last_met_by_anyone(
    client, msl, msl2, kol, compliance_user, organisation
):
    theirs = KOLFactory(territory=organisation["bay_area"], last_name="Brennan")
    for owner, met_kol, days in ((msl, kol, 4), (msl2, theirs, 6), (msl2, kol, 2)):
        met = InteractionFactory(
            owner=owner, kols=[met_kol], occurred_at=timezone.now() - dt.timedelta(days=days)
        )
        interaction_submit(actor=owner, interaction=met, version=met.version)
    client.force_login(compliance_user)

    with CaptureQueriesContext(connection) as captured:
        page = client.get("/kols/").content.decode()

    # Read from the stored last meetings, not from the whole field force's interactions.
    assert not [q for q in captured if '"interactions_interaction"' in q["sql"]]
    for days in (2, 6):
        assert f"<td>{(timezone.now() - dt.timedelta(days=days)).date().isoformat()}</td>" in page
    assert f"<td>{(timezone.now() - dt.timedelta(days=4)).date().isoformat()}</td>" not in page


def test_the_directory_shows_when_each_kol_was_last_met(client, msl, kol, organisation):
    other = KOLFactory(territory=organisation["boston"], last_name="Brennan")
    for days in (3, 10):
        met = InteractionFactory(
            owner=msl, kols=[kol], occurred_at=timezone.now() - dt.timedelta(days=days)
        )
        interaction_submit(actor=msl, interaction=met, version=met.version)
    InteractionFactory(owner=msl, kols=[other])  # a draft is not a meeting yet
    client.force_login(msl)

    page = client.get("/kols/").content.decode()

    last = (timezone.now() - dt.timedelta(days=3)).date()
    assert '<th scope="col" data-column="last_interaction">Last met</th>' in page
    assert f"<td>{last.isoformat()}</td>" in page
    assert page.count("<td>—</td>") >= 1


def test_an_msl_sees_their_own_last_meeting_and_a_manager_their_teams(
    client, msl, msl2, manager, kol, organisation
):
    for owner, days in ((msl, 8), (msl2, 1)):
        met = InteractionFactory(
            owner=owner, kols=[kol], occurred_at=timezone.now() - dt.timedelta(days=days)
        )
        interaction_submit(actor=owner, interaction=met, version=met.version)
    mine = f"<td>{(timezone.now() - dt.timedelta(days=8)).date().isoformat()}</td>"
    theirs = f"<td>{(timezone.now() - dt.timedelta(days=1)).date().isoformat()}</td>"

    for person in (msl, manager):  # msl is in the manager's team; msl2 is not
        client.force_login(person)
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/kols/").content.decode()

        assert mine in page
        assert theirs not in page
        # Read from the stored last meetings, not from the KOLs' histories of meetings.
        assert not [q for q in captured if '"interactions_interaction"' in q["sql"]]
