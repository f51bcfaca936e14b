"""/follow-ups/: mine, overdue first, then due today, then upcoming, with one-click done."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from interactions.models import FollowUp, FollowUpStatus
from tests.factories import FollowUpFactory, KOLFactory

pytestmark = pytest.mark.django_db


def descriptions(response) -> list[str]:
    return re.findall(r"</strong>: ([^<\n]+)", response.content.decode())


def test_my_follow_ups_are_listed_overdue_first_then_today_then_upcoming(client, msl, msl2):
    today = timezone.localdate()
    FollowUpFactory(owner=msl, description="Upcoming", due_date=today + dt.timedelta(days=5))
    FollowUpFactory(owner=msl, description="Today", due_date=today)
    FollowUpFactory(owner=msl, description="Overdue", due_date=today - dt.timedelta(days=2))
    FollowUpFactory(owner=msl, description="Finished", status=FollowUpStatus.DONE)
    FollowUpFactory(owner=msl2, description="Someone else's")
    client.force_login(msl)

    response = client.get("/follow-ups/")

    assert [d.strip() for d in descriptions(response)] == ["Overdue", "Today", "Upcoming"]
    page = response.content.decode()
    assert "Overdue</span>" in page
    assert "Due today</span>" in page


def test_one_click_marks_a_follow_up_done_without_a_page_reload(client, msl):
    follow_up = FollowUpFactory(owner=msl, description="Send the slides")
    client.force_login(msl)

    response = client.post(f"/follow-ups/{follow_up.pk}/done/", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"Done: Send the slides" in response.content
    assert FollowUp.objects.get(pk=follow_up.pk).status == FollowUpStatus.DONE


def test_without_javascript_done_redirects_back_with_a_message(client, msl):
    follow_up = FollowUpFactory(owner=msl, description="Call back")
    client.force_login(msl)

    response = client.post(f"/follow-ups/{follow_up.pk}/done/", follow=True)

    assert response.redirect_chain[-1][0] == "/follow-ups/"
    assert b"Done: Call back" in response.content


def test_another_users_follow_up_is_not_found(client, msl, msl2):
    follow_up = FollowUpFactory(owner=msl2)
    client.force_login(msl)

    assert client.post(f"/follow-ups/{follow_up.pk}/done/").status_code == 404
    assert FollowUp.objects.get(pk=follow_up.pk).status == FollowUpStatus.OPEN


def test_done_needs_a_post(client, msl):
    follow_up = FollowUpFactory(owner=msl)
    client.force_login(msl)

    assert client.get(f"/follow-ups/{follow_up.pk}/done/").status_code == 405


def test_the_empty_list_says_what_will_appear(client, msl):
    client.force_login(msl)

    assert b"Nothing to follow up" in client.get("/follow-ups/").content


@pytest.mark.parametrize("count", [3, 40])
def test_the_list_costs_the_same_queries_however_many_follow_ups(
    client, msl, organisation, count, django_assert_max_num_queries
):
    kol = KOLFactory(territory=organisation["boston"])
    for _ in range(count):
        FollowUpFactory(owner=msl, kol=kol)
    client.force_login(msl)

    with django_assert_max_num_queries(6):
        response = client.get("/follow-ups/")
    assert len(descriptions(response)) == min(count, 25)


def test_a_refused_follow_up_keeps_what_was_typed(client, msl, organisation):
    from tests.factories import InteractionFactory

    kol = KOLFactory(territory=organisation["boston"])
    interaction = InteractionFactory(owner=msl, kols=[kol])
    client.force_login(msl)
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    response = client.post(
        f"/interactions/{interaction.pk}/follow-ups/",
        {"kind": "other", "description": "Send the poster PDF", "due_date": yesterday.isoformat()},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "cannot be due in the past" in page
    assert 'value="Send the poster PDF"' in page
    assert not FollowUp.objects.exists()


def test_a_follow_up_is_planned_from_a_kol_and_returns_to_the_briefing(client, msl, organisation):
    kol = KOLFactory(territory=organisation["boston"])
    client.force_login(msl)
    due = timezone.localdate() + dt.timedelta(days=3)

    assert "Plan a follow-up" in client.get(f"/kols/{kol.pk}/").content.decode()
    response = client.post(
        f"/follow-ups/for-kol/{kol.pk}/",
        {"kind": "schedule_meeting", "description": "Book the Q1 visit", "due_date": due},
    )

    assert response.status_code == 302
    assert response["Location"] == kol.get_absolute_url()
    follow_up = FollowUp.objects.get()
    assert (follow_up.owner, follow_up.kol, follow_up.due_date) == (msl, kol, due)


def test_a_kol_outside_my_territories_has_no_follow_up_page(client, msl, organisation):
    elsewhere = KOLFactory(territory=organisation["bay_area"])
    client.force_login(msl)

    assert client.get(f"/follow-ups/for-kol/{elsewhere.pk}/").status_code == 404
