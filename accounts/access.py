"""Which role may open which section of the product.

The navigation bar and the views read the same table, so a link is shown exactly when the
page behind it opens.
"""

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .roles import Role

ALL_ROLES = frozenset(Role)


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    url_name: str
    roles: frozenset[Role]


SECTIONS: tuple[Section, ...] = (
    Section("today", "Today", "today:index", frozenset({Role.MSL})),
    Section(
        "kols",
        "KOLs",
        "kols:list",
        frozenset({Role.MSL, Role.MANAGER, Role.MEDICAL_INFORMATION, Role.COMPLIANCE}),
    ),
    Section(
        "interactions",
        "Interactions",
        "interactions:list",
        frozenset({Role.MSL, Role.MANAGER, Role.COMPLIANCE}),
    ),
    Section("follow_ups", "Follow-ups", "follow_ups:list", frozenset({Role.MSL, Role.MANAGER})),
    Section(
        "inquiries",
        "Inquiries",
        "inquiries:list",
        frozenset({Role.MSL, Role.MANAGER, Role.MEDICAL_INFORMATION, Role.COMPLIANCE}),
    ),
    Section(
        "literature",
        "Literature",
        "literature:feed",
        frozenset({Role.MSL, Role.MANAGER, Role.MEDICAL_INFORMATION}),
    ),
    Section(
        "events",
        "Events",
        "events:index",
        frozenset({Role.MSL, Role.MANAGER, Role.MEDICAL_INFORMATION, Role.COMPLIANCE}),
    ),
    Section(
        "reports",
        "Reports",
        "reports:dashboard",
        frozenset({Role.MANAGER, Role.VIEWER, Role.COMPLIANCE}),
    ),
    Section("compliance", "Compliance", "compliance:dashboard", frozenset({Role.COMPLIANCE})),
)
SECTIONS_BY_KEY = {section.key: section for section in SECTIONS}

# Where each role starts its day; the first role a user holds in this order wins.
HOME_URL_NAME_BY_ROLE: tuple[tuple[Role, str], ...] = (
    (Role.MSL, "today:index"),
    (Role.MANAGER, "reports:dashboard"),
    (Role.MEDICAL_INFORMATION, "inquiries:list"),
    (Role.COMPLIANCE, "compliance:dashboard"),
    (Role.VIEWER, "reports:dashboard"),
)


def may_open(user, section_key: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.has_role(*SECTIONS_BY_KEY[section_key].roles)


def visible_sections(user) -> list[Section]:
    return [section for section in SECTIONS if may_open(user, section.key)]


def home_url_name(user) -> str | None:
    for role, url_name in HOME_URL_NAME_BY_ROLE:
        if user.has_role(role):
            return url_name
    if user.is_superuser or user.is_staff:
        return "admin:index"
    return None


def section_required(section_key: str):
    """Let a view open only for users whose role may open `section_key`.

    Anonymous users go to the login page; signed-in users without the role get 403.
    """
    if section_key not in SECTIONS_BY_KEY:
        raise KeyError(f"Unknown section {section_key!r}")

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not may_open(request.user, section_key):
                raise PermissionDenied(
                    f"Your role does not give access to {SECTIONS_BY_KEY[section_key].label}."
                )
            return view(request, *args, **kwargs)

        wrapped.section_key = section_key
        return wrapped

    return decorator
