"""Did an improvement action work (issue 14)? A before/after comparison with a two-sided test.

- ``kind="rate"``: before and after are (successes, trials), e.g. complaints resolved at the
  first contact out of all complaints. Two-proportion z-test with the pooled rate:
  z = (p_after − p_before) / √(p̂(1 − p̂)(1/n_before + 1/n_after)), p̂ = all successes / all
  trials, p = 2·(1 − Φ(|z|)). When p̂ is 0 or 1 both rates are equal and there is nothing to
  test: z = 0, p = 1.
- ``kind="time"``: before and after are the times themselves (minutes waited, days to close).
  Mann–Whitney U, two-sided (``scipy.stats.mannwhitneyu`` with its default method: exact for
  small samples without ties, otherwise the normal approximation with continuity correction);
  the statistic is U of the after sample, and the figures compared are the medians.

The verdict reads the direction the action was meant to move the figure (``better``):
"effective" when p < alpha and the change goes that way, "worse" when p < alpha and it goes
the other way, "not_shown" otherwise (no significant change, which is not proof of none).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

KINDS = ("rate", "time")
DIRECTIONS = ("higher", "lower")


@dataclass(frozen=True)
class EffectTest:
    kind: str  # "rate" or "time"
    before: float  # the rate, or the median time
    after: float
    difference: float  # after − before
    statistic: float  # z for rates, U of the after sample for times
    p_value: float  # two-sided
    verdict: str  # "effective", "not_shown" or "worse"


def effect_test(
    before: tuple[int, int] | Sequence[float],
    after: tuple[int, int] | Sequence[float],
    *,
    kind: str,
    better: str = "higher",
    alpha: float = 0.05,
) -> EffectTest:
    """Compare before with after (see the module) and say whether the change is significant at
    ``alpha`` in the ``better`` direction. Refuses (ValueError) an unknown kind or direction,
    an alpha outside (0, 1), zero trials or impossible counts, and empty, negative or
    non-finite times."""
    if kind not in KINDS:
        raise ValueError(f"未知的检验类型 {kind!r}：只能是 rate（比率）或 time（时长）")
    if better not in DIRECTIONS:
        raise ValueError(f"改进方向 {better!r} 无效：只能是 higher（越高越好）或 lower（越低越好）")
    if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0 < alpha < 1:
        raise ValueError("显著性水平必须在 0 和 1 之间")
    if kind == "rate":
        first, second, difference, statistic, p_value, direction = _rates(before, after)
    else:
        first, second, difference, statistic, p_value, direction = _times(before, after)
    if p_value >= alpha or direction == 0:
        verdict = "not_shown"
    elif (direction > 0) == (better == "higher"):
        verdict = "effective"
    else:
        verdict = "worse"
    return EffectTest(kind, first, second, difference, statistic, p_value, verdict)


def _counts(pair: object, label: str) -> tuple[int, int]:
    if not isinstance(pair, tuple | list) or len(pair) != 2:
        raise ValueError(f"{label}应为（成功数, 总数）两个整数")
    successes, trials = pair
    for value in (successes, trials):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise ValueError(f"{label}应为（成功数, 总数）两个整数")
    if trials <= 0:
        raise ValueError(f"{label}的总数必须大于 0")
    if not 0 <= successes <= trials:
        raise ValueError(f"{label}的成功数必须在 0 和总数之间")
    return int(successes), int(trials)


def _rates(before: object, after: object) -> tuple[float, float, float, float, float, int]:
    s1, n1 = _counts(before, "改进前")
    s2, n2 = _counts(after, "改进后")
    p1, p2 = s1 / n1, s2 / n2
    pooled = (s1 + s2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if variance == 0:  # both rates 0, or both 1: identical, nothing to test
        return p1, p2, p2 - p1, 0.0, 1.0, 0
    z = (p2 - p1) / math.sqrt(variance)
    p_value = math.erfc(abs(z) / math.sqrt(2))  # = 2·(1 − Φ(|z|))
    return p1, p2, p2 - p1, z, p_value, (p2 > p1) - (p2 < p1)


def _sample(values: object, label: str) -> np.ndarray:
    if isinstance(values, str | bytes) or not isinstance(values, Sequence | np.ndarray):
        raise ValueError(f"{label}的时长应为一组数值")
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{label}的时长应为一组数值") from None
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{label}没有时长数据")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{label}的时长含有缺失或非有限值")
    if np.any(array < 0):
        raise ValueError(f"{label}的时长不能为负")
    return array


def _times(before: object, after: object) -> tuple[float, float, float, float, float, int]:
    x = _sample(before, "改进前")
    y = _sample(after, "改进后")
    result = stats.mannwhitneyu(y, x, alternative="two-sided")
    u = float(result.statistic)
    middle = y.size * x.size / 2  # U of the after sample above this: after tends to be larger
    m1, m2 = float(np.median(x)), float(np.median(y))
    return m1, m2, m2 - m1, u, float(result.pvalue), (u > middle) - (u < middle)
