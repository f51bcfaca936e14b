"""Building report data by hand: interactions and insights dated into known weeks (the
insight's created_at is set afterwards, as auto_now_add ignores a value passed in), and
readers for what the pages and files show."""

import datetime as dt
import re
import zlib
from base64 import a85decode

from django.utils import timezone
from lxml import html

from interactions.models import Insight, Interaction, InteractionStatus
from reports.rollups import week_bounds, week_start
from reports.staleness import weeks_mark_stale
from tests.factories import InsightFactory, InteractionFactory

SUBMITTED = InteractionStatus.SUBMITTED
LOCKED = InteractionStatus.LOCKED


def at(week: dt.date, *, days: int = 0, hours: int = 9, minutes: int = 0) -> dt.datetime:
    """A moment in the week starting on Monday `week`, in the site's time zone."""
    start, _ = week_bounds(week)
    return start + dt.timedelta(days=days, hours=hours, minutes=minutes)


def meeting(owner, when, *, kols=(), products=(), status=SUBMITTED) -> Interaction:
    """An interaction of `owner` that took place at `when`, submitted then unless told."""
    submitted = when if status in (SUBMITTED, LOCKED) else None
    interaction = InteractionFactory(
        owner=owner,
        occurred_at=when,
        status=status,
        first_submitted_at=submitted,
        submitted_at=submitted,
        kols=list(kols),
    )
    interaction.products.add(*products)
    return interaction


def insight(
    interaction: Interaction,
    kol,
    topic,
    when: dt.datetime,
    *,
    sentiment: str = "neutral",
    importance: int = 2,
    text: str = "Patients relapse early after second-line therapy.",
) -> Insight:
    """An insight the interaction's owner recorded at `when`."""
    created = InsightFactory(
        interaction=interaction,
        kol=kol,
        author=interaction.owner,
        topic=topic,
        sentiment=sentiment,
        importance=importance,
        text=text,
    )
    Insight.objects.filter(pk=created.pk).update(created_at=when)
    # Written at `when`, the insight would have marked that week's rollups stale itself.
    weeks_mark_stale([week_start(timezone.localtime(when).date())])
    created.refresh_from_db()
    return created


def insights(interaction, kol, topic, when, count: int, **fields) -> list[Insight]:
    """`count` insights a minute apart from `when`."""
    return [
        insight(interaction, kol, topic, when + dt.timedelta(minutes=n), **fields)
        for n in range(count)
    ]


def table_rows(content: bytes | str, testid: str) -> dict[str, list[str]]:
    """{row header: [cell texts]} of the body of the table marked data-testid=`testid`."""
    document = html.fromstring(content)
    (table,) = document.xpath(f'//table[@data-testid="{testid}"]')
    rows = {}
    for row in table.xpath("./tbody/tr"):
        headers = row.xpath("./th")
        if not headers:
            continue
        rows[headers[0].text_content().strip()] = [
            cell.text_content().strip() for cell in row.xpath("./td")
        ]
    return rows


def pdf_text(data: bytes) -> str:
    """The text a ReportLab PDF shows, one line per text line: its content streams unpacked
    (ASCII85, then Flate) and the string operands of each line joined, as ReportLab splits
    a line wherever an entity such as &lt; stood. Standard fonts, so WinAnsi (cp1252)."""
    lines = []
    for match in STREAM.finditer(data):
        filters, stream = match.group(1), match.group(2).strip()
        if b"ASCII85Decode" in filters:
            stream = a85decode(stream.removeprefix(b"<~").removesuffix(b"~>"))
        if b"FlateDecode" in filters:
            stream = zlib.decompress(stream)
        line = []
        for token in TEXT_TOKEN.finditer(stream):
            if token.group(1) is not None:
                line.append(_unescape(token.group(1)))
            elif line:
                lines.append("".join(line))
                line = []
        if line:
            lines.append("".join(line))
    return "\n".join(lines)


STREAM = re.compile(rb"/Filter\s*\[([^\]]*)\][^>]*>>\s*stream\r?\n(.*?)endstream", re.S)
# A string operand, or an operator that starts a new line of text.
TEXT_TOKEN = re.compile(rb"\(((?:\\.|[^\\()])*)\)|\b(?:T\*|ET|Td|TD|Tm)\b")


def _unescape(literal: bytes) -> str:
    def replace(escape: re.Match) -> bytes:
        code = escape.group(1)
        if code.isdigit():
            return bytes([int(code, 8)])
        return {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(code, code)

    return re.sub(rb"\\([0-7]{1,3}|.)", replace, literal, flags=re.S).decode(
        "cp1252", errors="replace"
    )
