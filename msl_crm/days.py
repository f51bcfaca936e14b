"""Days as ranges of moments in the site's time zone. Reads filter a timestamp between a
day's bounds rather than on the timestamp's date: a function of the column cannot use its
index."""

import datetime as dt

from django.utils import timezone


def day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Midnight to midnight; 23 or 25 hours on the days the clocks change."""
    return day_start(day), day_start(day + dt.timedelta(days=1))
