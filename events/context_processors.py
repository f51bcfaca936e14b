from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from .selectors import adverse_event_training_lapsed


def training_warning(request):
    """Whether to warn, on every page, that the user's adverse-event-reporting training has
    lapsed: pharmacovigilance policy lets nobody meet HCPs without it. The flag normally
    comes with the user's own query (accounts.backends); a user read some other way is
    asked lazily, so pages that do not render the banner pay nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    read_with_user = getattr(user, "ae_training_lapsed", None)
    if read_with_user is not None:
        return {"ae_training_lapsed": read_with_user}
    return {
        "ae_training_lapsed": SimpleLazyObject(
            lambda: adverse_event_training_lapsed(user, today=timezone.localdate())
        )
    }
