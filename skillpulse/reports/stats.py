"""Statistical helpers for the report. Small and exact, so tests can check them against known values.

Every interval is 95 %. Bootstrap helpers take a seed, so a report is reproducible run to run.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

Z95 = 1.959963984540054
BOOTSTRAP_RESAMPLES = 2000
DEFAULT_SEED = 20261124


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its interval and the sample size behind it."""

    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion; (0, 0) when there is no sample rather than a division error."""
    if n <= 0:
        return (0.0, 0.0)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def share(successes: int, n: int) -> Estimate:
    if n <= 0:
        return Estimate(None, None, None, 0)
    low, high = wilson_interval(successes, n)
    return Estimate(successes / n, low, high, n)


def share_difference(k1: int, n1: int, k2: int, n2: int) -> Estimate:
    """p1 − p2 with Newcombe's hybrid score interval (method 10), built from the two Wilson intervals."""
    if n1 <= 0 or n2 <= 0:
        return Estimate(None, None, None, min(n1, n2))
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson_interval(k1, n1)
    l2, u2 = wilson_interval(k2, n2)
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return Estimate(d, low, high, n1 + n2)


def bootstrap(
    values: Sequence[float],
    statistic: Callable[..., np.ndarray] = np.median,
    seed: int = DEFAULT_SEED,
    resamples: int = BOOTSTRAP_RESAMPLES,
) -> Estimate:
    """Percentile bootstrap interval of ``statistic`` (a numpy reducer taking ``axis``) over ``values``."""
    data = np.asarray(values, dtype=float)
    data = data[~np.isnan(data)]
    if data.size == 0:
        return Estimate(None, None, None, 0)
    rng = np.random.default_rng(seed)
    draws = rng.choice(data, size=(resamples, data.size), replace=True)
    stats = (
        np.apply_along_axis(statistic, 1, draws)
        if statistic not in (np.median, np.mean)
        else (statistic(draws, axis=1))
    )
    low, high = np.percentile(stats, [2.5, 97.5])
    return Estimate(float(statistic(data)), float(low), float(high), int(data.size))


def bootstrap_difference(
    a: Sequence[float],
    b: Sequence[float],
    statistic: Callable[..., np.ndarray] = np.median,
    seed: int = DEFAULT_SEED,
    resamples: int = BOOTSTRAP_RESAMPLES,
) -> Estimate:
    """statistic(a) − statistic(b), resampling each group independently."""
    x = np.asarray(a, dtype=float)
    y = np.asarray(b, dtype=float)
    x, y = x[~np.isnan(x)], y[~np.isnan(y)]
    if x.size == 0 or y.size == 0:
        return Estimate(None, None, None, int(x.size + y.size))
    rng = np.random.default_rng(seed)
    sx = statistic(rng.choice(x, size=(resamples, x.size)), axis=1)
    sy = statistic(rng.choice(y, size=(resamples, y.size)), axis=1)
    low, high = np.percentile(sx - sy, [2.5, 97.5])
    return Estimate(float(statistic(x) - statistic(y)), float(low), float(high), int(x.size + y.size))


def linear_trend(x: Sequence[float], y: Sequence[float], weights: Sequence[float] | None = None) -> Estimate:
    """Weighted least-squares slope of y on x with a t-based 95 % interval (n − 2 degrees of freedom).

    Used for monthly shares over years: weights are the months' posting counts, so a thin month moves the
    line less than a full one.
    """
    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    w = np.ones_like(xs) if weights is None else np.asarray(weights, dtype=float)
    n = xs.size
    if n < 3 or np.ptp(xs) == 0:
        return Estimate(None, None, None, int(n))
    w = w / w.mean()
    xm = np.average(xs, weights=w)
    ym = np.average(ys, weights=w)
    sxx = np.sum(w * (xs - xm) ** 2)
    slope = np.sum(w * (xs - xm) * (ys - ym)) / sxx
    resid = ys - (ym + slope * (xs - xm))
    sigma2 = np.sum(w * resid**2) / (n - 2)
    se = math.sqrt(sigma2 / sxx)
    t = _t_quantile_975(n - 2)
    return Estimate(float(slope), float(slope - t * se), float(slope + t * se), int(n))


def _t_quantile_975(df: int) -> float:
    """97.5 % quantile of Student's t; scipy is not a dependency, so a table and the normal limit."""
    table = {
        1: 12.706,
        2: 4.303,
        3: 3.182,
        4: 2.776,
        5: 2.571,
        6: 2.447,
        7: 2.365,
        8: 2.306,
        9: 2.262,
        10: 2.228,
        12: 2.179,
        15: 2.131,
        20: 2.086,
        25: 2.060,
        30: 2.042,
        40: 2.021,
        60: 2.000,
        120: 1.980,
    }
    if df in table:
        return table[df]
    if df > 120:
        return Z95
    lower = max(k for k in table if k < df)
    upper = min(k for k in table if k > df)
    frac = (1 / lower - 1 / df) / (1 / lower - 1 / upper)  # interpolate in 1/df, as the tables advise
    return table[lower] + frac * (table[upper] - table[lower])


def lift(k_group: int, n_group: int, k_all: int, n_all: int) -> Estimate:
    """Ratio of a category's share in a group to its share in everyone, with a log-scale (Katz) interval.

    The group is usually a subset of everyone; the interval treats them as independent samples, which is
    conservative (wider) for a subset.
    """
    if min(k_group, n_group, k_all, n_all) <= 0:
        return Estimate(None, None, None, n_group)
    ratio = (k_group / n_group) / (k_all / n_all)
    se = math.sqrt(1 / k_group - 1 / n_group + 1 / k_all - 1 / n_all)
    return Estimate(ratio, ratio * math.exp(-Z95 * se), ratio * math.exp(Z95 * se), n_group)
