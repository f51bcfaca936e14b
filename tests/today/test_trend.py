"""Step 6: the MSL's insights per week against their team's average, from the weekly
rollups, as an SVG chart and a table by topic."""

import datetime as dt

import pytest

from accounts.roles import Role
from reports.models import InsightRollup
from tests.factories import InsightTopicFactory, UserFactory

from .data import figures, page, step

pytestmark = pytest.mark.django_db

BOTTOM, TOP = 180, 20  # the line chart's y of 0 and of the peak


@pytest.fixture
def rollups(msl, msl2, organisation, wednesday):
    teammate = UserFactory(roles=[Role.MSL])
    organisation["oncology"].members.add(teammate)
    monday = wednesday - dt.timedelta(days=wednesday.weekday())
    efficacy, safety, dosing, old = (
        InsightTopicFactory(name=name) for name in ("Efficacy", "Safety", "Dosing", "Old topic")
    )

    def rollup(author, weeks_ago, topic, insights):
        InsightRollup.objects.create(
            week=monday - dt.timedelta(weeks=weeks_ago),
            topic=topic,
            author=author,
            insights=insights,
        )

    rollup(msl, 0, efficacy, 4)
    rollup(msl, 1, efficacy, 2)
    rollup(msl, 0, safety, 1)
    rollup(msl, 8, old, 5)  # in the 12-week chart, not in the 4-week topics
    rollup(teammate, 0, efficacy, 6)
    rollup(teammate, 0, safety, 3)
    rollup(teammate, 2, dosing, 2)  # a topic of the team's only: not in my table
    rollup(msl2, 0, efficacy, 100)  # another team
    return teammate


def series(svg) -> dict[str, list[float]]:
    """The line chart's lines read back as values, from the points and the peak label."""
    peak = float(svg.xpath("./text")[0].text)
    lines = []
    for line in svg.xpath("./polyline"):
        ys = [float(point.split(",")[1]) for point in line.get("points").split()]
        lines.append([round((BOTTOM - y) * peak / (BOTTOM - TOP), 1) for y in ys])
    return lines


def test_the_trend_chart_shows_my_weeks_against_my_teams_average(client, msl, rollups):
    client.force_login(msl)

    response = client.get("/today/trend/")

    (svg,) = page(response).xpath('//figure[@data-testid="trend-chart"]/svg')
    assert svg.get("role") == "img"
    assert svg.get("aria-label") == "My insights per week against my team's average"
    mine, team = series(svg)
    # Twelve weeks, oldest first; two MSLs in the team (msl and the teammate).
    assert mine == [0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 2, 5]
    assert team == [0, 0, 0, 2.5, 0, 0, 0, 0, 0, 1, 1, 7]
    caption = page(response).xpath('//figure[@data-testid="trend-chart"]/figcaption')[0]
    assert caption.text_content() == "Weeks starting 24 Mar to 9 Jun."


def test_the_topic_table_lists_my_topics_of_the_last_four_weeks(client, msl, rollups):
    client.force_login(msl)

    response = client.get("/today/trend/")

    rows = [
        [cell.text_content() for cell in row.xpath("./td")]
        for row in page(response).xpath("//table/tbody/tr")
    ]
    assert rows == [["Efficacy", "6", "6.0"], ["Safety", "1", "2.0"]]
    bars = page(response).xpath('//svg[@aria-label="My insights by topic, last 4 weeks"]')
    assert len(bars) == 1
    assert "Efficacy" in bars[0].text_content()


def test_another_msl_sees_their_own_trend(client, msl2, rollups):
    client.force_login(msl2)

    response = client.get("/today/trend/")

    (svg,) = page(response).xpath('//figure[@data-testid="trend-chart"]/svg')
    mine, team = series(svg)
    assert mine[-1] == team[-1] == 100
    rows = [[c.text_content() for c in r.xpath("./td")] for r in page(response).xpath("//tbody/tr")]
    assert rows == [["Efficacy", "100", "100.0"]]


def test_without_rollups_the_table_says_so(client, msl, wednesday):
    client.force_login(msl)

    response = client.get("/today/trend/")

    assert page(response).xpath('//figure[@data-testid="trend-chart"]/svg')
    assert "No insights in the last 4 weeks." in response.content.decode()


def test_step_6_shows_this_week_against_the_team(client, msl, rollups):
    client.force_login(msl)

    card = step(client.get("/today/"), 6)

    assert figures(card) == {
        "my insights this week": "5",
        "team average per MSL": "7.0",
        "my last 4 weeks": "7",
    }
