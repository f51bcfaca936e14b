from .access import visible_sections


def navigation(request):
    """The sections the signed-in user may open, for the navigation bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_sections": []}
    match = getattr(request, "resolver_match", None)
    return {
        "nav_sections": [
            {"section": section, "active": _is_current(section, match)}
            for section in visible_sections(user)
        ]
    }


def _is_current(section, match) -> bool:
    """A section is current on its own page and on every page of its app (a KOL briefing
    belongs to KOLs)."""
    if match is None:
        return False
    namespace = section.url_name.partition(":")[0] if ":" in section.url_name else None
    return match.view_name == section.url_name or (namespace and namespace == match.namespace)
