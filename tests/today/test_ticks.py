"""Ticking the day's steps off: one StepTick row per user, day and step, shown as the
progress bar and the pressed state of the step's button."""

import datetime as dt

import pytest
from django.utils import timezone

from today.models import StepTick

from .data import page, step

pytestmark = pytest.mark.django_db


def tick(client, number, done="1", **headers):
    return client.post(f"/today/steps/{number}/", {"done": done}, **headers)


def progress(response) -> str:
    (text,) = page(response).xpath('//*[@data-testid="progress-text"]')
    return text.text_content().strip()


def pressed(response, number) -> str:
    (button,) = step(response, number).xpath(f'.//button[@data-testid="tick-{number}"]')
    return button.get("aria-pressed")


def test_ticking_a_step_records_it_and_the_page_shows_it(client, msl):
    client.force_login(msl)

    response = tick(client, 3)

    assert response.status_code == 302
    assert response.url == "/today/#step-3"
    tick_row = StepTick.objects.get()
    assert (tick_row.user, tick_row.day, tick_row.step) == (msl, timezone.localdate(), 3)
    day = client.get("/today/")
    assert progress(day) == "1 of 12 steps done"
    assert pressed(day, 3) == "true"
    assert [pressed(day, n) for n in range(1, 13) if n != 3] == ["false"] * 11
    assert "is-done" in step(day, 3).get("class")
    # The pressed button undoes the tick.
    (undo,) = step(day, 3).xpath('.//form[@id="tick-3"]/input[@name="done"]')
    assert undo.get("value") == "0"


def test_the_page_shows_exactly_the_steps_ticked_today_from_first_to_last(client, msl, msl2):
    today = timezone.localdate()
    for number in (1, 7, 12):
        StepTick.objects.create(user=msl, day=today, step=number)
    StepTick.objects.create(user=msl, day=today - dt.timedelta(days=1), step=2)
    StepTick.objects.create(user=msl2, day=today, step=3)
    client.force_login(msl)

    day = client.get("/today/")

    assert progress(day) == "3 of 12 steps done"
    assert [n for n in range(1, 13) if pressed(day, n) == "true"] == [1, 7, 12]


def test_unticking_removes_the_tick(client, msl):
    client.force_login(msl)
    tick(client, 5)
    tick(client, 7)

    response = tick(client, 5, done="0")

    assert response.status_code == 302
    assert list(StepTick.objects.values_list("step", flat=True)) == [7]
    day = client.get("/today/")
    assert progress(day) == "1 of 12 steps done"
    assert pressed(day, 5) == "false"
    assert pressed(day, 7) == "true"


def test_ticking_twice_is_harmless(client, msl):
    client.force_login(msl)

    first, second = tick(client, 4), tick(client, 4)

    assert (first.status_code, second.status_code) == (302, 302)
    assert StepTick.objects.filter(user=msl, step=4).count() == 1
    assert progress(client.get("/today/")) == "1 of 12 steps done"


def test_unticking_a_step_never_ticked_is_harmless(client, msl):
    client.force_login(msl)

    response = tick(client, 9, done="0")

    assert response.status_code == 302
    assert not StepTick.objects.exists()


def test_an_htmx_tick_returns_the_form_and_the_progress_out_of_band(client, msl):
    client.force_login(msl)
    tick(client, 1)

    response = tick(client, 2, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    fragment = page(response)
    (form,) = fragment.xpath('//form[@id="tick-2"]')
    assert form.get("hx-post") == "/today/steps/2/"
    assert form.xpath('.//input[@name="done"]')[0].get("value") == "0"
    assert form.xpath('.//button[@data-testid="tick-2"]')[0].get("aria-pressed") == "true"
    (bar,) = fragment.xpath('//*[@id="day-progress"]')
    assert bar.get("hx-swap-oob") == "true"
    assert progress(response) == "2 of 12 steps done"
    assert b"<html" not in response.content  # a fragment, not the page


def test_an_htmx_untick_returns_the_unpressed_form(client, msl):
    client.force_login(msl)
    tick(client, 2)

    response = tick(client, 2, done="0", HTTP_HX_REQUEST="true")

    fragment = page(response)
    assert fragment.xpath('//button[@data-testid="tick-2"]')[0].get("aria-pressed") == "false"
    assert fragment.xpath('//form[@id="tick-2"]//input[@name="done"]')[0].get("value") == "1"
    assert progress(response) == "0 of 12 steps done"
    assert not StepTick.objects.exists()


@pytest.mark.parametrize("number", [0, 13, 99])
def test_there_are_only_twelve_steps(client, msl, number):
    client.force_login(msl)

    response = tick(client, number)

    assert response.status_code == 404
    assert not StepTick.objects.exists()


def test_ticking_only_by_post(client, msl):
    client.force_login(msl)

    response = client.get("/today/steps/3/")

    assert response.status_code == 405
    assert not StepTick.objects.exists()


def test_another_users_ticks_are_not_mine(client, msl, msl2):
    client.force_login(msl2)
    tick(client, 6)
    tick(client, 8)
    client.force_login(msl)

    day = client.get("/today/")

    assert progress(day) == "0 of 12 steps done"
    assert pressed(day, 6) == "false"
    assert set(StepTick.objects.values_list("user__username", flat=True)) == {"msl2"}

    tick(client, 6, done="0")  # unticking mine leaves theirs

    assert StepTick.objects.filter(user=msl2).count() == 2


def test_ticks_are_for_one_day(client, msl):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    StepTick.objects.create(user=msl, day=yesterday, step=1)
    client.force_login(msl)

    day = client.get("/today/")

    assert progress(day) == "0 of 12 steps done"
    assert pressed(day, 1) == "false"

    tick(client, 1)

    assert StepTick.objects.filter(user=msl, step=1).count() == 2
    assert progress(client.get("/today/")) == "1 of 12 steps done"


def test_other_roles_cannot_tick(client, manager):
    client.force_login(manager)

    response = tick(client, 1)

    assert response.status_code == 403
    assert not StepTick.objects.exists()


def test_anonymous_ticks_go_to_the_login_page(client):
    response = tick(client, 1)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert not StepTick.objects.exists()
