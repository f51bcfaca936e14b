"""Service-level deadlines in business days, and validity periods in months.

Public holidays are not counted out: they differ by country, and the admin sets the
service levels with that in mind.
"""

import calendar
import datetime as dt


def add_business_days(start: dt.date, days: int) -> dt.date:
    """The date `days` business days (Monday to Friday) after `start`; weekends never count,
    so an urgent request raised on Friday is due on Monday."""
    current = start
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def add_months(start: dt.date, months: int) -> dt.date:
    """Same day `months` later, or the month's last day when it is shorter (31 Jan → 28 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return start.replace(
        year=year, month=month, day=min(start.day, calendar.monthrange(year, month)[1])
    )
