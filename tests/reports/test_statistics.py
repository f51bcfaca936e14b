"""The emerging-topic test on numbers worked out by hand: a topic that triples over a steady
baseline is flagged, a steady one and a handful of insights are not, a topic new this week
with enough insights is; the Poisson tail matches exact values; the method text the report
prints states the thresholds the code uses."""

import math
from decimal import Decimal, getcontext

import pytest

from reports.statistics import (
    ALPHA,
    METHOD,
    MIN_COUNT,
    MIN_RATIO,
    RATE_FLOOR,
    poisson_upper_tail,
    trend_test,
)


def exact_upper_tail(count: int, rate: int) -> float:
    """P(X ≥ count) for X ~ Poisson(rate), summed with 50 significant digits."""
    getcontext().prec = 50
    rate = Decimal(rate)
    term, below = (-rate).exp(), Decimal(0)
    for k in range(count):
        below += term
        term = term * rate / (k + 1)
    return float(1 - below)


def test_a_topic_that_triples_over_a_steady_baseline_is_emerging():
    result = trend_test(15, [5] * 8)

    assert result.baseline_mean == 5.0
    assert result.p_value == pytest.approx(exact_upper_tail(15, 5), abs=1e-12)
    assert result.p_value < ALPHA
    assert result.emerging


def test_a_steady_topic_is_not_emerging():
    result = trend_test(6, [5] * 8)

    assert result.p_value > 0.3
    assert not result.emerging


def test_a_few_insights_on_a_silent_topic_are_noise():
    assert not trend_test(3, [0] * 8).emerging


def test_a_count_below_the_minimum_is_noise_however_unlikely():
    result = trend_test(MIN_COUNT - 1, [0] * 8)

    assert result.p_value < ALPHA
    assert not result.emerging


def test_a_topic_new_this_week_with_six_insights_is_emerging():
    result = trend_test(6, [])

    assert result.baseline_mean == 0.0
    assert result.p_value == pytest.approx(
        1 - sum(math.exp(-RATE_FLOOR) * RATE_FLOOR**k / math.factorial(k) for k in range(6)),
        abs=1e-12,
    )
    assert result.emerging


def test_a_topic_new_this_week_with_six_insights_after_silent_weeks_is_emerging():
    assert trend_test(6, [0] * 8).emerging


def test_a_significant_rise_smaller_than_the_minimum_ratio_is_not_emerging():
    # 150 against 100 a week is far beyond chance, but not twice the usual.
    result = trend_test(150, [100] * 8)

    assert result.p_value < ALPHA
    assert MIN_RATIO * 100 > 150
    assert not result.emerging


def test_the_minimum_count_itself_qualifies():
    assert trend_test(MIN_COUNT, [0, 0, 0, 0, 0, 0, 0, 1]).emerging


@pytest.mark.parametrize(
    ("count", "rate", "expected"),
    [
        (1, 1.0, 1 - math.exp(-1)),
        (2, 1.0, 1 - 2 * math.exp(-1)),
        (3, 2.5, 1 - math.exp(-2.5) * (1 + 2.5 + 2.5**2 / 2)),
        (1, 0.5, 1 - math.exp(-0.5)),
    ],
)
def test_the_poisson_tail_matches_closed_forms(count, rate, expected):
    assert poisson_upper_tail(count, rate) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(("count", "rate"), [(15, 5), (12, 1), (40, 30), (1100, 1000)])
def test_the_poisson_tail_matches_exact_sums(count, rate):
    assert poisson_upper_tail(count, rate) == pytest.approx(exact_upper_tail(count, rate), abs=1e-9)


@pytest.mark.parametrize("count", [0, -3])
def test_at_least_nothing_is_certain(count):
    assert poisson_upper_tail(count, 4.0) == 1.0


def test_the_method_text_states_the_thresholds():
    assert f"< {ALPHA}" in METHOD
    assert f"at least {MIN_COUNT} insights this week" in METHOD
    assert f"at least {MIN_RATIO:g} times the baseline" in METHOD
    assert f"floored at {RATE_FLOOR}" in METHOD
    assert "Poisson" in METHOD
