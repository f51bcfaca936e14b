"""Step 2: today's work in the order it matters, with the reason for each place.

The score is stated on the page and is the sum of:
- the KOL's tier: tier 1 +30, tier 2 +20, tier 3 +10;
- a meeting fixed for today +20 (people are waiting at a set time);
- deadline nearness: due today +25, tomorrow +15, within three days +8;
- overdue: +40, plus 2 for each day late, at most +60 in all;
- the KOL's engagement plan for the year behind schedule (fewer logged touchpoints than
  planned pro rata) +15.
Ties keep the earlier time or deadline first.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

TIER_POINTS = {1: 30, 2: 20, 3: 10}
MEETING_TODAY = 20
DUE_TODAY, DUE_TOMORROW, DUE_SOON = 25, 15, 8
SOON_DAYS = 3
OVERDUE, OVERDUE_PER_DAY, OVERDUE_CAP = 40, 2, 60
PLAN_BEHIND = 15

SCORING_RULE = (
    "Tier 1/2/3 KOL +30/+20/+10 · meeting today +20 · due today +25, tomorrow +15, within "
    "3 days +8 · overdue +40 and +2 a day late (at most +60) · KOL's engagement plan behind "
    "schedule +15"
)


@dataclass
class AgendaItem:
    kind: str  # "meeting", "follow_up" or "inquiry"
    label: str
    url: str
    when: dt.datetime | dt.date
    kol: object = None
    score: int = 0
    reasons: list[str] = field(default_factory=list)

    def add(self, points: int, reason: str) -> None:
        self.score += points
        self.reasons.append(f"{reason} (+{points})")

    @property
    def reason(self) -> str:
        return " · ".join(self.reasons) or "no urgency"


def score(item: AgendaItem, *, today: dt.date, behind_plan: set[int]) -> AgendaItem:
    kol = item.kol
    if kol is not None and kol.tier in TIER_POINTS:
        item.add(TIER_POINTS[kol.tier], f"tier {kol.tier} KOL")
    if item.kind == "meeting":
        item.add(MEETING_TODAY, "meeting today")
    else:
        due = item.when
        late = (today - due).days
        if late > 0:
            item.add(
                min(OVERDUE + OVERDUE_PER_DAY * late, OVERDUE_CAP),
                f"{late} day{'' if late == 1 else 's'} overdue",
            )
        elif late == 0:
            item.add(DUE_TODAY, "due today")
        elif late == -1:
            item.add(DUE_TOMORROW, "due tomorrow")
        elif -late <= SOON_DAYS:
            item.add(DUE_SOON, f"due in {-late} days")
    if kol is not None and kol.pk in behind_plan:
        item.add(PLAN_BEHIND, "engagement plan behind schedule")
    return item


def ranked(items: list[AgendaItem], *, today: dt.date, behind_plan: set[int]) -> list[AgendaItem]:
    scored = [score(item, today=today, behind_plan=behind_plan) for item in items]
    return sorted(scored, key=lambda item: (-item.score, _sort_time(item.when)))


def _sort_time(when) -> dt.datetime:
    if isinstance(when, dt.datetime):
        # Local time, as the dates of deadlines are: tonight's meeting comes before
        # tomorrow's deadline even where it is already tomorrow in UTC.
        return timezone.localtime(when).replace(tzinfo=None)
    return dt.datetime.combine(when, dt.time())
