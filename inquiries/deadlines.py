"""Service-level deadlines in business days, and validity periods in months."""

import calendar
import datetime as dt

from msl_crm.business_days import add_business_days

__all__ = ["add_business_days", "add_months"]


def add_months(start: dt.date, months: int) -> dt.date:
    """Same day `months` later, or the month's last day when it is shorter (31 Jan → 28 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return start.replace(
        year=year, month=month, day=min(start.day, calendar.monthrange(year, month)[1])
    )
