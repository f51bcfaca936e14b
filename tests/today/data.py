"""What the day's tests share: real rows for a planned, busy or quiet day, and readers of
the rendered /today/ page."""

import datetime as dt

from django.utils import timezone
from lxml import html

from interactions.models import InteractionStatus
from tests.factories import InteractionFactory

# A Wednesday in June: the business-day deadlines fall on ordinary weekdays, and the year is
# far enough along that an engagement plan with no logged touchpoint is behind schedule.
WEDNESDAY = dt.datetime(2025, 6, 11, 8, 30)


def at(hour: int, minute: int = 0, *, days: int = 0) -> dt.datetime:
    """Today (plus `days`) at hour:minute, in the site's time zone."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def plan_meeting(owner, kols, hour: int, minute: int = 0, *, days: int = 0, **fields):
    """A meeting planned for today (or `days` later) at hour:minute, not logged yet."""
    return InteractionFactory(
        owner=owner,
        kols=kols,
        status=InteractionStatus.PLANNED,
        planned_at=at(hour, minute, days=days),
        occurred_at=None,
        **fields,
    )


def log_meeting(owner, kols, when: dt.datetime, **fields):
    """A meeting that took place at `when` and was submitted then."""
    return InteractionFactory(
        owner=owner,
        kols=kols,
        status=InteractionStatus.SUBMITTED,
        occurred_at=when,
        first_submitted_at=when,
        submitted_at=when,
        **fields,
    )


def page(response):
    assert response.status_code == 200, response.status_code
    return html.fromstring(response.content.decode())


def step(response, number: int):
    """The card of step `number` on the day's page."""
    (card,) = page(response).xpath(f'//li[@data-testid="step-{number}"]')
    return card


def items(card) -> list[dict]:
    """The rows of a step card: their text, link and note, in the order shown."""
    rows = []
    for row in card.xpath('.//ul[contains(@class, "step-items")]/li'):
        link = row.xpath("./div/a")
        note = row.xpath('./div/div[contains(@class, "small")]')
        rows.append(
            {
                "text": (link[0] if link else row.xpath("./div")[0]).text_content().strip(),
                "href": link[0].get("href") if link else "",
                "note": note[0].text_content().strip() if note else "",
            }
        )
    return rows


def agenda(response) -> list[dict]:
    """Step 2's ranked agenda as shown."""
    return items(step(response, 2))


def figures(card) -> dict[str, str]:
    """A step card's figures, label → value as shown."""
    result = {}
    for figure in card.xpath('.//ul[contains(@class, "step-figures")]/li'):
        value = figure.xpath("./span[contains(@class, 'badge')]")[0].text_content().strip()
        label = figure.xpath("./span[contains(@class, 'small')]")[0].text_content().strip()
        result[label] = value
    return result
