"""Step 3: the printable briefing pack, one page per KOL met today."""

import pytest

from tests.factories import EngagementPlanFactory, InstitutionFactory

from .data import at, figures, items, log_meeting, page, plan_meeting, step

pytestmark = pytest.mark.django_db


def briefing_pages(client):
    response = client.get("/today/briefing-pack/")
    return page(response).xpath('//section[@data-testid="briefing-page"]')


def heading(section) -> str:
    return section.xpath("./h2")[0].text_content().strip()


def meetings_line(section) -> str:
    (line,) = section.xpath('./p[strong[starts-with(., "Meeting")]]')
    return " ".join(line.text_content().split())


def test_one_page_per_kol_met_today_with_times_and_objectives(
    client, msl, msl2, make_kol, wednesday
):
    alvarez = make_kol(
        first_name="Ana",
        last_name="Alvarez",
        credentials="MD",
        tier=1,
        institution=InstitutionFactory(name="Dana-Farber"),
    )
    okafor = make_kol(first_name="Ben", last_name="Okafor", credentials="PhD")
    EngagementPlanFactory(
        kol=alvarez, year=wednesday.year, objectives="Discuss the five-year data."
    )
    plan_meeting(msl, [alvarez], 9, objectives="Share the OS update", location="Her office")
    plan_meeting(msl, [alvarez, okafor], 15, 30, objectives="Advisory follow-up")
    # Not in the pack: another MSL's meeting, tomorrow's, and one already logged.
    plan_meeting(msl2, [make_kol(last_name="Elsewhere")], 11)
    plan_meeting(msl, [make_kol(last_name="Tomorrow")], 10, days=1)
    log_meeting(msl, [make_kol(last_name="Logged")], at(8))
    client.force_login(msl)

    sections = briefing_pages(client)

    assert [heading(section) for section in sections] == ["Ana Alvarez, MD", "Ben Okafor, PhD"]
    first, second = sections
    assert meetings_line(first) == (
        "Meetings: 09:00 at Her office — Share the OS update; 15:30 — Advisory follow-up"
    )
    assert meetings_line(second) == "Meeting: 15:30 — Advisory follow-up"
    first_text = " ".join(first.text_content().split())
    assert "Dana-Farber" in first_text
    assert "Discuss the five-year data. (4 planned touchpoints)" in first_text
    assert "No plan this year." in " ".join(second.text_content().split())


def test_the_pack_is_empty_without_meetings_today(client, msl, msl2, make_kol, wednesday):
    plan_meeting(msl2, [make_kol()], 11)
    plan_meeting(msl, [make_kol()], 10, days=1)
    client.force_login(msl)

    response = client.get("/today/briefing-pack/")

    assert page(response).xpath('//section[@data-testid="briefing-page"]') == []
    assert "No meetings are planned for today, so there is nothing to brief on." in (
        response.content.decode()
    )
    assert b"js-print" not in response.content  # nothing to print


def test_the_pack_names_the_day(client, msl, make_kol, wednesday):
    plan_meeting(msl, [make_kol()], 10)
    client.force_login(msl)

    response = client.get("/today/briefing-pack/")

    assert "Briefing pack for Wednesday 11 June 2025" in response.content.decode()
    assert b"js-print" in response.content


def test_step_3_lists_the_same_kols_as_the_pack(client, msl, make_kol, wednesday):
    kol = make_kol(first_name="Ana", last_name="Alvarez", credentials="MD")
    plan_meeting(msl, [kol], 9)
    plan_meeting(msl, [kol], 14)
    client.force_login(msl)

    card = step(client.get("/today/"), 3)

    assert figures(card) == {"KOLs to brief on": "1"}
    assert [(row["text"], row["href"]) for row in items(card)] == [
        ("Ana Alvarez, MD", f"/kols/{kol.pk}/")
    ]
    assert [heading(section) for section in briefing_pages(client)] == ["Ana Alvarez, MD"]
