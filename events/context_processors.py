from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from .selectors import adverse_event_training_lapsed


def training_warning(request):
    """Whether to warn, on every page, that the user's adverse-event-reporting training has
    lapsed: pharmacovigilance policy lets nobody meet HCPs without it. Lazy, so pages that
    do not render the banner (files, JSON) pay nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "ae_training_lapsed": SimpleLazyObject(
            lambda: adverse_event_training_lapsed(user, today=timezone.localdate())
        )
    }
