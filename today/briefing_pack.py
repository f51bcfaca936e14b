"""Step 3: the printable pack of briefings for today's meetings, one page per KOL, made of
the same sections as the KOL's briefing page."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from catalog.selectors import materials_offerable
from interactions.models import Interaction, InteractionStatus
from kols.briefing import briefing_sections
from msl_crm.days import day_bounds

MAX_KOLS = 12  # a pack longer than this is not read before a day's meetings


@dataclass
class BriefingPage:
    kol: object
    meetings: list
    sections: list
    plan: object
    interests: list
    affiliations: list
    materials: list


def briefing_pack_for(user, *, today: dt.date) -> list[BriefingPage]:
    start, end = day_bounds(today)
    meetings = list(
        Interaction.objects.filter(
            owner=user,
            status=InteractionStatus.PLANNED,
            planned_at__gte=start,
            planned_at__lt=end,
        )
        .prefetch_related("kols__institution", "kols__therapeutic_areas")
        .order_by("planned_at")
    )
    by_kol: dict[int, BriefingPage] = {}
    for meeting in meetings:
        for kol in meeting.kols.all():
            if kol.pk not in by_kol and len(by_kol) < MAX_KOLS:
                by_kol[kol.pk] = BriefingPage(kol, [], [], None, [], [], [])
            if kol.pk in by_kol:
                by_kol[kol.pk].meetings.append(meeting)
    for page in by_kol.values():
        kol = page.kol
        page.sections = [
            {"section": section, "data": section.load(kol, user) if section.load else None}
            for section in briefing_sections()
        ]
        page.plan = kol.engagement_plans.filter(year=today.year).first()
        page.interests = list(kol.interests.all())
        page.affiliations = list(kol.affiliations.select_related("institution")[:5])
        areas = [area.pk for area in kol.therapeutic_areas.all()]
        page.materials = list(
            materials_offerable(on=today)
            .filter(Q(therapeutic_area__in=areas))
            .order_by("title")[:5]
        )
    return list(by_kol.values())
