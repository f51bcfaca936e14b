"""The twelve steps of the MSL's day (DESIGN.md): what each is for and where its work is
done. What each step shows comes from the other apps' selectors (see day.py)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    number: int
    key: str
    title: str
    purpose: str
    url_name: str
    link_label: str


STEPS = (
    Step(
        1,
        "literature",
        "Review literature",
        "New publications and trial updates matching my watch topics since my last visit.",
        "literature:feed",
        "Open my literature feed",
    ),
    Step(
        2,
        "plan",
        "Plan & prioritise",
        "Today's agenda, ranked: meetings, follow-ups due and inquiries near their deadline.",
        "follow_ups:list",
        "All my follow-ups",
    ),
    Step(
        3,
        "prepare",
        "Prepare",
        "A briefing for each of today's meetings: background, interests, history, open items.",
        "today:briefing_pack",
        "Print the briefing pack",
    ),
    Step(
        4,
        "conduct",
        "Conduct interactions",
        "Start the log of a meeting in two clicks, in person, by phone or by video.",
        "interactions:new",
        "Log an interaction",
    ),
    Step(
        5,
        "document",
        "Document & capture insights",
        "Drafts not yet submitted, and the structured insights captured today.",
        "interactions:list",
        "My interactions",
    ),
    Step(
        6,
        "analyse",
        "Analyse",
        "My insights per week against my team's average per MSL.",
        "today:trend",
        "See my trend",
    ),
    Step(
        7,
        "collaborate",
        "Collaborate",
        "Internal meetings, insights shared with me and comments waiting for me.",
        "events:mentions",
        "Comments for me",
    ),
    Step(
        8,
        "educate",
        "Educate",
        "Required training due or expiring, and my learning hours this quarter.",
        "events:learning",
        "My learning",
    ),
    Step(
        9,
        "inquiries",
        "Medical inquiries",
        "Open inquiries I raised, with their deadline status.",
        "inquiries:list",
        "My inquiries",
    ),
    Step(
        10,
        "travel",
        "Travel & events",
        "Upcoming congresses and trips, and the KOLs I plan to meet there.",
        "events:index",
        "Events and trips",
    ),
    Step(
        11,
        "compliance",
        "Compliance",
        "Compliance hits to fix, adverse events awaiting forwarding, certifications expiring.",
        "interactions:list",
        "My drafts",
    ),
    Step(
        12,
        "follow_up",
        "Follow up & plan",
        "Overdue follow-ups, and the next meetings to schedule.",
        "follow_ups:list",
        "My follow-ups",
    ),
)
STEP_NUMBERS = frozenset(step.number for step in STEPS)
