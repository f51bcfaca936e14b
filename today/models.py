from django.conf import settings
from django.db import models


class StepTick(models.Model):
    """A step of the day the MSL has ticked off; the page's only state of its own."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="step_ticks"
    )
    day = models.DateField()
    step = models.PositiveSmallIntegerField()
    ticked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["day", "step"]
        constraints = [
            models.UniqueConstraint(fields=["user", "day", "step"], name="step_ticked_once_a_day"),
            models.CheckConstraint(
                condition=models.Q(step__gte=1, step__lte=12), name="step_is_one_of_twelve"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ticked step {self.step} on {self.day:%Y-%m-%d}"
