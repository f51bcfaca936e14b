import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from .models import StepTick
from .steps import STEP_NUMBERS


def step_tick_set(*, user, day: dt.date, step: int, done: bool) -> bool:
    """Tick a step off for the day, or untick it; idempotent either way (a double click or
    two open tabs must not fail)."""
    if step not in STEP_NUMBERS:
        raise ValidationError(f"There is no step {step}: the day has twelve.")
    if not done:
        StepTick.objects.filter(user=user, day=day, step=step).delete()
        return False
    try:
        with transaction.atomic():
            StepTick.objects.get_or_create(user=user, day=day, step=step)
    except IntegrityError:
        pass  # ticked at the same moment elsewhere
    return True
