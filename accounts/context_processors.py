from .access import visible_sections


def navigation(request):
    """The sections the signed-in user may open, for the navigation bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_sections": []}
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match else None
    return {
        "nav_sections": [
            {"section": section, "active": section.url_name == current}
            for section in visible_sections(user)
        ]
    }
