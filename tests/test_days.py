"""A day's bounds in the site's time zone, the clock changes included."""

import datetime as dt

from msl_crm.days import day_bounds, day_start


def test_a_day_runs_from_midnight_to_midnight_in_the_sites_time_zone(settings):
    settings.TIME_ZONE = "America/New_York"

    start, end = day_bounds(dt.date(2026, 3, 2))

    assert start == dt.datetime(2026, 3, 2, 5, 0, tzinfo=dt.UTC)
    assert end == dt.datetime(2026, 3, 3, 5, 0, tzinfo=dt.UTC)
    assert day_start(dt.date(2026, 3, 2)) == start


def test_the_day_the_clocks_go_forward_has_23_hours(settings):
    settings.TIME_ZONE = "America/New_York"

    start, end = day_bounds(dt.date(2026, 3, 8))

    assert end.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(hours=23)
