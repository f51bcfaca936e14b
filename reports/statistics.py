"""The test that flags an emerging topic, written out so the report can state it.

A topic's weekly insight count is treated as Poisson with the rate of its baseline (the mean
of the previous weeks, floored so that a topic new this week still has a finite rate). The
topic is emerging when the one-sided probability of seeing at least this week's count under
that rate is below ALPHA, the count is at least MIN_COUNT, and it is at least MIN_RATIO times
the baseline: small counts and modest rises are noise in a field team's week.
"""

import math
from dataclasses import dataclass

ALPHA = 0.01
MIN_COUNT = 5
MIN_RATIO = 2.0
RATE_FLOOR = 0.5

METHOD = (
    f"Poisson rate test, one-sided: a topic is emerging when P(X ≥ this week's count) < "
    f"{ALPHA} under a Poisson rate equal to its mean weekly count over the baseline weeks "
    f"(floored at {RATE_FLOOR}), with at least {MIN_COUNT} insights this week and at least "
    f"{MIN_RATIO:g} times the baseline."
)


def poisson_upper_tail(count: int, rate: float) -> float:
    """P(X ≥ count) for X ~ Poisson(rate), summed in log space to stay exact for large
    counts."""
    if count <= 0:
        return 1.0
    below = sum(math.exp(k * math.log(rate) - rate - math.lgamma(k + 1)) for k in range(count))
    return max(0.0, 1.0 - below)


@dataclass(frozen=True)
class TrendTest:
    count: int
    baseline_mean: float
    p_value: float
    emerging: bool


def trend_test(count: int, baseline_counts: list[int]) -> TrendTest:
    mean = sum(baseline_counts) / len(baseline_counts) if baseline_counts else 0.0
    rate = max(mean, RATE_FLOOR)
    p_value = poisson_upper_tail(count, rate)
    emerging = count >= MIN_COUNT and count >= MIN_RATIO * rate and p_value < ALPHA
    return TrendTest(count=count, baseline_mean=mean, p_value=p_value, emerging=emerging)
