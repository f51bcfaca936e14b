"""Step 4: logging a meeting in two clicks. The day's links open the interaction form
with the KOL, the channel and the time already filled in."""

import pytest

from .data import items, page, plan_meeting, step

pytestmark = pytest.mark.django_db


def form_state(response) -> dict:
    form = page(response).xpath('//form[.//select[@name="kols"]]')[0]
    return {
        "kols": [int(pk) for pk in form.xpath('.//select[@name="kols"]/option[@selected]/@value')],
        "channel": form.xpath('.//select[@name="channel"]/option[@selected]/@value'),
        "occurred_at": form.xpath('.//input[@name="occurred_at"]/@value'),
        "planned_at": form.xpath('.//input[@name="planned_at"]/@value'),
    }


def test_a_new_log_opens_with_the_kol_the_channel_and_now(client, msl, make_kol, wednesday):
    kol = make_kol()
    client.force_login(msl)

    response = client.get(f"/interactions/new/?kol={kol.pk}&channel=phone")

    assert form_state(response) == {
        "kols": [kol.pk],
        "channel": ["phone"],
        "occurred_at": ["2025-06-11T08:30"],
        "planned_at": [],
    }


def test_a_plain_new_log_starts_empty(client, msl, wednesday):
    client.force_login(msl)

    response = client.get("/interactions/new/?channel=fax&kol=abc")

    state = form_state(response)
    assert state["kols"] == []
    assert state["occurred_at"] == []
    assert state["channel"] in ([], [""])


def test_logging_a_planned_meeting_starts_at_its_planned_time(client, msl, make_kol, wednesday):
    kol = make_kol()
    meeting = plan_meeting(msl, [kol], 14, 15, channel="video")
    client.force_login(msl)

    response = client.get(f"/interactions/{meeting.pk}/edit/")

    assert form_state(response) == {
        "kols": [kol.pk],
        "channel": ["video"],
        "occurred_at": ["2025-06-11T14:15"],
        "planned_at": ["2025-06-11T14:15"],
    }


def test_the_day_links_each_meeting_to_its_log_and_each_channel_to_a_new_one(
    client, msl, make_kol, wednesday
):
    meeting = plan_meeting(msl, [make_kol()], 10)
    client.force_login(msl)

    card = step(client.get("/today/"), 4)

    (row,) = items(card)
    assert row["href"] == f"/interactions/{meeting.pk}/"
    assert card.xpath('.//a[normalize-space()="Log it"]/@href') == [
        f"/interactions/{meeting.pk}/edit/"
    ]
    assert [
        card.xpath(f'.//a[normalize-space()="{label}"]/@href')[0]
        for label in ("In person", "Phone", "Video")
    ] == [
        "/interactions/new/?channel=in_person",
        "/interactions/new/?channel=phone",
        "/interactions/new/?channel=video",
    ]
