import math

import numpy as np
import pytest
from scipy import stats

from gridcare.assessment.rules.effect import EffectTest, effect_test


def test_a_rise_in_a_rate_is_effective_when_higher_is_better() -> None:
    # 80/200 = .40 before, 120/200 = .60 after; pooled 200/400 = .5;
    # se = √(.5·.5·(1/200 + 1/200)) = √.0025 = .05; z = .20/.05 = 4; p = 2·(1 − Φ(4)).
    result = effect_test((80, 200), (120, 200), kind="rate")
    assert result.kind == "rate"
    assert result.before == 0.4
    assert result.after == 0.6
    assert result.difference == pytest.approx(0.2, abs=1e-15)
    assert result.statistic == pytest.approx(4.0, abs=1e-9)
    assert result.p_value == pytest.approx(2 * stats.norm.sf(4.0), abs=1e-9)
    assert result.p_value == pytest.approx(6.334248366623996e-05, abs=1e-9)
    assert result.verdict == "effective"


def test_the_same_rise_is_worse_when_lower_is_better() -> None:
    # complaints per 200 contacts went up: that is the wrong way
    assert effect_test((80, 200), (120, 200), kind="rate", better="lower").verdict == "worse"
    assert effect_test((120, 200), (80, 200), kind="rate", better="lower").verdict == "effective"


def test_a_small_change_in_a_rate_is_not_shown() -> None:
    # 45/100 -> 50/100: pooled .475, se = √(.475·.525·.02) = .0706222..., z = .05/se = .70799...
    result = effect_test((45, 100), (50, 100), kind="rate")
    se = math.sqrt(0.475 * 0.525 * 0.02)
    assert result.statistic == pytest.approx(0.05 / se, abs=1e-9)
    assert result.p_value == pytest.approx(2 * (1 - stats.norm.cdf(0.05 / se)), abs=1e-9)
    assert result.p_value == pytest.approx(0.478950, abs=1e-6)
    assert result.verdict == "not_shown"


def test_unequal_groups_use_the_pooled_rate() -> None:
    # 30/150 = .2 -> 20/50 = .4; pooled 50/200 = .25;
    # se = √(.25·.75·(1/150 + 1/50)) = √(.1875·4/150) = √.005 = .0707107; z = .2/se = 2√2.
    result = effect_test((30, 150), (20, 50), kind="rate")
    z = 0.2 / math.sqrt(0.25 * 0.75 * (1 / 150 + 1 / 50))
    assert result.statistic == pytest.approx(z, abs=1e-9)
    assert result.statistic == pytest.approx(2 * math.sqrt(2), abs=1e-9)
    assert result.p_value == pytest.approx(2 * stats.norm.sf(2 * math.sqrt(2)), abs=1e-9)
    assert result.verdict == "effective"


def test_alpha_decides_the_verdict() -> None:
    # p = 2·(1 − Φ(2√2)) = .00468: significant at .05 and .01, not at .001
    assert effect_test((30, 150), (20, 50), kind="rate", alpha=0.01).verdict == "effective"
    assert effect_test((30, 150), (20, 50), kind="rate", alpha=0.001).verdict == "not_shown"


def test_two_rates_of_nothing_or_everything_are_the_same_rate() -> None:
    for before, after in (((0, 10), (0, 20)), ((10, 10), (20, 20))):
        result = effect_test(before, after, kind="rate")
        assert (result.difference, result.statistic, result.p_value, result.verdict) == (0.0, 0.0, 1.0, "not_shown")


def test_shorter_times_are_effective_when_lower_is_better() -> None:
    # No after time beats a before time: U(after) = 0; exact two-sided p = 2·1/C(8, 4) = 2/70.
    result = effect_test([10, 12, 14, 16], [5, 6, 7, 8], kind="time", better="lower")
    assert result == EffectTest(
        kind="time", before=13.0, after=6.5, difference=-6.5, statistic=0.0, p_value=result.p_value, verdict="effective"
    )
    assert result.p_value == pytest.approx(2 / 70, abs=1e-9)
    assert effect_test([10, 12, 14, 16], [5, 6, 7, 8], kind="time").verdict == "worse"


def test_overlapping_times_are_not_shown() -> None:
    # after 1, 2, 2.5, 7 against before 3, 4, 5, 6: only 7 beats the befores, so U(after) = 4.
    # For 4 and 4 without ties the counts of U = 0..4 are 1, 1, 2, 3, 5 of 70, so the exact
    # two-sided p = 2·12/70.
    result = effect_test([3, 4, 5, 6], [1, 2, 2.5, 7], kind="time", better="lower")
    assert result.statistic == 4.0
    assert result.p_value == pytest.approx(24 / 70, abs=1e-9)
    assert (result.before, result.after, result.difference) == (4.5, 2.25, -2.25)
    assert result.verdict == "not_shown"


def test_tied_times_use_the_normal_approximation_with_tie_and_continuity_correction() -> None:
    before = [12, 15, 15, 18, 20, 22, 25, 25, 30, 35, 40]
    after = [8, 10, 10, 12, 14, 15, 16, 18, 20]
    result = effect_test(before, after, kind="time", better="lower")
    # by hand: U(after) = Σ over after of (befores below it + ½ of those equal to it)
    u = sum(sum(b < a for b in before) + 0.5 * sum(b == a for b in before) for a in after)
    n, m = len(after), len(before)
    ranks = stats.rankdata(after + before)
    _, ties = np.unique(ranks, return_counts=True)
    total = n + m
    sigma = math.sqrt(n * m / 12 * ((total + 1) - float(np.sum(ties**3 - ties)) / (total * (total - 1))))
    z = (abs(u - n * m / 2) - 0.5) / sigma
    assert result.statistic == u == 14.5  # 0+0+0+.5+1+2+3+3.5+4.5
    assert result.p_value == pytest.approx(2 * stats.norm.sf(z), abs=1e-9)
    assert (result.before, result.after) == (22.0, 14.0)
    assert result.verdict == "effective"


@pytest.mark.parametrize(
    ("before", "after", "kwargs", "message"),
    [
        ((10, 0), (5, 10), {"kind": "rate"}, "改进前的总数必须大于 0"),
        ((10, 20), (0, 0), {"kind": "rate"}, "改进后的总数必须大于 0"),
        ((21, 20), (5, 10), {"kind": "rate"}, "改进前的成功数必须在 0 和总数之间"),
        ((-1, 20), (5, 10), {"kind": "rate"}, "改进前的成功数必须在 0 和总数之间"),
        ((1.5, 20), (5, 10), {"kind": "rate"}, r"改进前应为（成功数, 总数）两个整数"),
        ((1, 2, 3), (5, 10), {"kind": "rate"}, r"改进前应为（成功数, 总数）两个整数"),
        ([], [1.0], {"kind": "time"}, "改进前没有时长数据"),
        ([1.0], [], {"kind": "time"}, "改进后没有时长数据"),
        ([1.0, float("nan")], [1.0], {"kind": "time"}, "改进前的时长含有缺失或非有限值"),
        ([1.0], [-2.0], {"kind": "time"}, "改进后的时长不能为负"),
        ("12", [1.0], {"kind": "time"}, "改进前的时长应为一组数值"),
        ([1.0], ["快"], {"kind": "time"}, "改进后的时长应为一组数值"),
        ((1, 2), (1, 2), {"kind": "mean"}, "未知的检验类型 'mean'"),
        ((1, 2), (1, 2), {"kind": "rate", "better": "up"}, "改进方向 'up' 无效"),
        ((1, 2), (1, 2), {"kind": "rate", "alpha": 0}, "显著性水平必须在 0 和 1 之间"),
        ((1, 2), (1, 2), {"kind": "rate", "alpha": 1.5}, "显著性水平必须在 0 和 1 之间"),
    ],
)
def test_bad_input_is_refused_in_chinese(
    before: object, after: object, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        effect_test(before, after, **kwargs)  # type: ignore[arg-type]
