"""The medical/commercial firewall: may this user read this kind of content of records
they did not write? Configured per role in FirewallRule rows (admin), read once per user
object, enforced by the selectors of the apps that hold the content."""

from .config import compliance_config

NOTES = "notes"
QUOTES = "quotes"
IDENTIFIABLE_INSIGHTS = "identifiable_insights"
OFF_LABEL_INQUIRIES = "off_label_inquiries"
SIGHTS = (NOTES, QUOTES, IDENTIFIABLE_INSIGHTS, OFF_LABEL_INQUIRIES)

# The rows the data migration writes; also what a missing row falls back to.
DEFAULT_RULES = {
    "MSL": {NOTES: True, QUOTES: True, IDENTIFIABLE_INSIGHTS: True, OFF_LABEL_INQUIRIES: False},
    "Manager": {
        NOTES: True,
        QUOTES: True,
        IDENTIFIABLE_INSIGHTS: True,
        OFF_LABEL_INQUIRIES: False,
    },
    "Medical Information": {
        NOTES: False,
        QUOTES: False,
        IDENTIFIABLE_INSIGHTS: False,
        OFF_LABEL_INQUIRIES: True,
    },
    "Compliance": {
        NOTES: True,
        QUOTES: True,
        IDENTIFIABLE_INSIGHTS: True,
        OFF_LABEL_INQUIRIES: True,
    },
    "Viewer": {
        NOTES: False,
        QUOTES: False,
        IDENTIFIABLE_INSIGHTS: False,
        OFF_LABEL_INQUIRIES: False,
    },
}


def may_see(user, sight: str, *, author_id: int | None = None) -> bool:
    if sight not in SIGHTS:
        raise ValueError(f"Unknown firewall sight: {sight}")
    if not user.is_authenticated or not user.is_active:
        return False
    if author_id is not None and author_id == user.pk:
        return True
    if user.is_superuser:
        return True
    return sight in _sights(user)


def _sights(user) -> frozenset[str]:
    cached = getattr(user, "_firewall_sights", None)
    if cached is None:
        roles = set(user.role_names)
        stored = compliance_config().firewall_rules
        sights = set()
        for role in roles:
            rule = stored.get(role)
            for sight in SIGHTS:
                allowed = (
                    getattr(rule, f"may_see_{sight}")
                    if rule is not None
                    else DEFAULT_RULES.get(role, {}).get(sight, False)
                )
                if allowed:
                    sights.add(sight)
        cached = frozenset(sights)
        user._firewall_sights = cached
    return cached
