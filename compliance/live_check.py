"""Widget attributes that make a textarea ask the engine about its text as the user types."""

from django.urls import reverse

from .engine import FORM_FIELD


def live_check_attrs(checked_field: str) -> dict[str, str]:
    """htmx posts the form (with its CSRF token) 600 ms after the typing stops; the answer
    lands in the next `.compliance-check` element after the field."""
    return {
        "hx-post": reverse("compliance:check"),
        "hx-trigger": "input changed delay:600ms",
        "hx-target": "next .compliance-check",
        "hx-swap": "innerHTML",
        "hx-vals": f'{{"checked_field": "{checked_field}"}}',
        "hx-sync": "this:replace",
        "data-form-field": FORM_FIELD[checked_field],
    }
