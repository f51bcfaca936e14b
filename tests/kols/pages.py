"""Reading the KOL pages the way a user does: which KOLs a page lists, what it says."""

import html
import re

KOL_LINK = re.compile(r'<a href="/kols/(\d+)/" data-testid="kol-link">([^<]*)</a>')


def text(response) -> str:
    """The page's HTML with entities decoded, so messages read as typed (NPI's, not NPI&#x27;s)."""
    return html.unescape(response.content.decode())


def listed_ids(response) -> list[int]:
    """The KOLs the directory lists, in page order."""
    return [int(pk) for pk, _ in KOL_LINK.findall(response.content.decode())]


def listed_names(response) -> list[str]:
    return [html.unescape(name) for _, name in KOL_LINK.findall(response.content.decode())]
