"""Statistical helpers against published worked examples and properties that must hold."""

from __future__ import annotations

import math

import numpy as np
import pytest

from skillpulse.reports.stats import (
    bootstrap,
    bootstrap_difference,
    lift,
    linear_trend,
    share,
    share_difference,
    wilson_interval,
)


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [  # Newcombe (1998), Statistics in Medicine 17:857, Table I, method 3 (Wilson score)
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombe(k, n, low, high):
    got = wilson_interval(k, n)
    assert got == pytest.approx((low, high), abs=1e-4)


def test_wilson_without_a_sample_is_empty_not_an_error():
    assert wilson_interval(0, 0) == (0.0, 0.0)
    assert share(0, 0).value is None


def test_share_difference_matches_newcombe_method_10():
    # Newcombe (1998), Statistics in Medicine 17:873, example (a): 56/70 − 48/80
    est = share_difference(56, 70, 48, 80)
    assert est.value == pytest.approx(0.2)
    assert (est.ci_low, est.ci_high) == pytest.approx((0.0524, 0.3339), abs=1e-4)


def test_bootstrap_is_reproducible_and_covers_the_median():
    rng = np.random.default_rng(1)
    values = rng.normal(100_000, 20_000, size=400)
    a = bootstrap(values)
    b = bootstrap(values)
    assert a == b
    assert a.ci_low < np.median(values) < a.ci_high
    assert a.ci_low < 100_000 < a.ci_high
    assert a.n == 400


def test_bootstrap_ignores_missing_values_and_handles_empty_input():
    assert bootstrap([float("nan"), 5.0, 5.0]).value == 5.0
    assert bootstrap([]).value is None


def test_bootstrap_difference_finds_a_real_gap_and_no_gap_where_there_is_none():
    rng = np.random.default_rng(2)
    high = rng.normal(150_000, 20_000, 300)
    low = rng.normal(100_000, 20_000, 300)
    gap = bootstrap_difference(high, low)
    assert gap.ci_low > 40_000 and gap.ci_high < 60_000
    same = bootstrap_difference(low, rng.normal(100_000, 20_000, 300))
    assert same.ci_low < 0 < same.ci_high


def test_linear_trend_slope_and_interval_match_the_textbook_formula():
    x = np.array([1.0, 2, 3, 4, 5])
    y = np.array([2.1, 3.9, 6.2, 7.8, 10.1])
    est = linear_trend(x, y)
    slope, intercept = np.polyfit(x, y, 1)
    resid = y - (slope * x + intercept)
    se = math.sqrt(np.sum(resid**2) / 3 / np.sum((x - x.mean()) ** 2))
    assert est.value == pytest.approx(slope)
    assert est.ci_high - est.value == pytest.approx(3.182 * se, rel=1e-3)  # t(0.975, 3) = 3.182


def test_linear_trend_weights_pull_the_line_toward_heavy_points():
    x, y = [0, 1, 2, 3], [0.0, 1.0, 2.0, 0.0]
    assert linear_trend(x, y, [1, 1, 1, 100]).value < linear_trend(x, y).value


def test_linear_trend_needs_three_points():
    assert linear_trend([1, 2], [1, 2]).value is None


def test_lift_and_its_log_interval():
    est = lift(30, 100, 100, 1000)
    assert est.value == pytest.approx(3.0)
    se = math.sqrt(1 / 30 - 1 / 100 + 1 / 100 - 1 / 1000)
    assert est.ci_low == pytest.approx(3.0 * math.exp(-1.959964 * se), rel=1e-5)
    assert lift(0, 100, 10, 1000).value is None
