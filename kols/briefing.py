"""The KOL briefing page is made of sections that each app contributes.

kols/ cannot import the apps above it, so they register here when they load (in their
AppConfig.ready()), each with a loader that calls that app's own selectors. Until an app
lands, its section shows as not yet available rather than silently missing.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class BriefingSection:
    key: str
    title: str
    order: int
    template_name: str = "kols/briefing/pending.html"
    # (kol, user) -> whatever the template needs; None for a section with nothing to load.
    load: Callable[[Any, Any], Any] | None = None


_sections: dict[str, BriefingSection] = {}


def register_briefing_section(section: BriefingSection) -> None:
    """Add a section, or replace the placeholder of the same key."""
    _sections[section.key] = section


def briefing_sections() -> list[BriefingSection]:
    return sorted(_sections.values(), key=lambda section: section.order)


for _placeholder in (
    BriefingSection("interactions", "Interactions timeline", 10),
    BriefingSection("inquiries", "Open medical inquiries", 20),
    BriefingSection("follow_ups", "Follow-ups", 30),
    BriefingSection("literature", "Publications and trials", 40),
    BriefingSection("transfers_of_value", "Transfers of value this year", 50),
):
    register_briefing_section(_placeholder)
