"""The MSL's own insight trend against the team average, for the MSL's day."""

import datetime as dt

import pytest
from django.utils import timezone

from reports.models import InsightRollup
from reports.rollups import week_start
from reports.selectors import msl_trend_against_team
from tests.factories import InsightTopicFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_my_weekly_insights_against_my_teams_average(msl, organisation):
    team = msl.teams.get()
    colleague = UserFactory(username="colleague")
    team.members.add(colleague)
    this_week = week_start(timezone.localdate())
    last_week = this_week - dt.timedelta(weeks=1)
    topic = InsightTopicFactory()
    InsightRollup.objects.create(week=last_week, topic=topic, author=msl, insights=4)
    InsightRollup.objects.create(week=this_week, topic=topic, author=msl, insights=2)
    InsightRollup.objects.create(week=this_week, topic=topic, author=colleague, insights=6)

    trend = msl_trend_against_team(msl, weeks=2)

    assert trend["weeks"] == [last_week, this_week]
    assert trend["mine"] == [4, 2]
    # The team is msl and the colleague: (4 + 0) / 2 and (2 + 6) / 2.
    assert trend["team_average"] == [2.0, 4.0]
