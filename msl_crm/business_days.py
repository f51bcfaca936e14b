"""Business days (Monday to Friday), for service-level deadlines across apps.

Public holidays are not counted out: they differ by country, and the admins set the
service levels with that in mind.
"""

import datetime as dt


def add_business_days(start: dt.date | dt.datetime, days: int):
    """The date (or moment) `days` business days after `start`; weekends never count, so
    something due one business day after a Friday is due on Monday."""
    current = start
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current
