"""Improvement actions (issue 14, ASSESS-5): which figure an action may aim at, how its expected
change is typed, the two windows compared, and how the comparison reads. Pure code.

Every figure of ``rules.figures.FIGURE_DIRECTION`` may be aimed at. How it is compared after the
due date (``rules.effect.effect_test``) depends on what it is:

- a rate (满意率, 等候达标率 …): the counts of the two windows, a two-proportion test; the
  expected change is typed in percentage points (+5 = from 80 % to 85 %);
- a time (平均等候时长, 办理时长P90 …): every ticket's time in the two windows (the roll-ups keep
  them all), a rank test (Mann–Whitney); the expected change in minutes; the figures compared
  are the medians (the test's), the mean and P90 of the windows are shown beside them;
- a count (办结数, 查实投诉 …): the day-by-day counts of the two windows (days without a row
  count 0), the same rank test; the expected change is per day.

The windows: ``window_days`` days before ``started_on`` (up to the day before it) against as many
days after ``due_on`` (from the day after it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gridcare.assessment.rules.figures import FIGURE_DIRECTION

RATE, TIME, COUNT = "rate", "time", "count"

# What each figure is, for its test and its units.
FIGURE_KIND: dict[str, str] = {
    "served": COUNT,
    "wait_mean": TIME,
    "wait_p90": TIME,
    "within_target": RATE,
    "handle_mean": TIME,
    "handle_p90": TIME,
    "satisfaction_rate": RATE,
    "no_show_rate": RATE,
    "abandonment_rate": RATE,
    "received": COUNT,
    "closed": COUNT,
    "deadline_rate": RATE,
    "callback_rate": RATE,
    "verified": COUNT,
    "complaints": COUNT,
}
assert set(FIGURE_KIND) == set(FIGURE_DIRECTION)

FIGURE_LABELS: dict[str, Promise] = {
    "served": _("办结数"),
    "wait_mean": _("平均等候时长"),
    "wait_p90": _("等候时长P90"),
    "within_target": _("等候达标率"),
    "handle_mean": _("平均办理时长"),
    "handle_p90": _("办理时长P90"),
    "satisfaction_rate": _("满意率"),
    "no_show_rate": _("过号率"),
    "abandonment_rate": _("离开率"),
    "received": _("受理工单"),
    "closed": _("办结工单"),
    "deadline_rate": _("时限达标率"),
    "callback_rate": _("回访满意率"),
    "verified": _("查实投诉"),
    "complaints": _("投诉工单"),
}
assert set(FIGURE_LABELS) == set(FIGURE_DIRECTION)

# The figures only the work orders give: a counter has none of them.
ORDER_FIGURES = frozenset({"received", "closed", "deadline_rate", "callback_rate", "verified", "complaints"})

UNITS: dict[str, Promise] = {RATE: _("个百分点"), TIME: _("分钟"), COUNT: _("件/天")}
EXPECTED_MAX = {RATE: Decimal(100), TIME: Decimal(600), COUNT: Decimal(100000)}
WINDOW_MIN, WINDOW_MAX = 7, 180


def figure_choices() -> list[tuple[str, str]]:
    """The figure picker: every figure by its Chinese label, with whether higher or lower is better."""
    higher, lower = _("%(figure)s（越高越好）"), _("%(figure)s（越低越好）")
    return [
        (code, str(higher if better == "higher" else lower) % {"figure": FIGURE_LABELS[code]})
        for code, better in FIGURE_DIRECTION.items()
    ]


def effect_kind(figure: str) -> str:
    """``effect_test``'s kind: a rate's counts, or a sample of values (times, daily counts)."""
    return "rate" if FIGURE_KIND[figure] == RATE else "time"


def expected_error(figure: str, change: Decimal) -> str:
    """What is wrong with an expected change of ``figure`` in its human units ("" if nothing):
    not zero, within the figure's bounds, in the direction the figure improves."""
    kind = FIGURE_KIND[figure]
    if change == 0:
        return str(_("请填写预期变化（不能为 0）。"))
    if abs(change) > EXPECTED_MAX[kind]:
        return str(
            _("预期变化超出合理范围（最多 %(max)s %(unit)s）。") % {"max": EXPECTED_MAX[kind], "unit": UNITS[kind]}
        )
    if (change > 0) != (FIGURE_DIRECTION[figure] == "higher"):
        if FIGURE_DIRECTION[figure] == "higher":
            return str(_("%(figure)s越高越好，预期变化应为正数。") % {"figure": FIGURE_LABELS[figure]})
        return str(_("%(figure)s越低越好，预期变化应为负数。") % {"figure": FIGURE_LABELS[figure]})
    return ""


@dataclass(frozen=True)
class Windows:
    before_start: date
    before_end: date
    after_start: date
    after_end: date


def windows(started_on: date, due_on: date, days: int) -> Windows:
    """``days`` days before ``started_on`` and as many after ``due_on`` (both ends included)."""
    return Windows(
        before_start=started_on - timedelta(days=days),
        before_end=started_on - timedelta(days=1),
        after_start=due_on + timedelta(days=1),
        after_end=due_on + timedelta(days=days),
    )


def in_human_units(figure: str, value: float | None) -> float | None:
    """A figure's value as the pages say it: a rate in percent, a time in minutes, a count per day."""
    if value is None:
        return None
    return value * 100 if FIGURE_KIND[figure] == RATE else value


def shown(figure: str, value: float | None) -> str:
    """A figure's value as a sentence says it: ``85.0%``, ``6.3 分钟``, ``12.0 件/天``."""
    if value is None:
        return "—"
    kind = FIGURE_KIND[figure]
    if kind == RATE:
        return f"{value * 100:.1f}%"
    return f"{value:.1f} {UNITS[kind]}"


def change_shown(figure: str, change: float | Decimal) -> str:
    """A change in human units with its sign: ``+5.0 个百分点``, ``-3.0 分钟``."""
    return f"{float(change):+.1f} {UNITS[FIGURE_KIND[figure]]}"


VERDICTS: dict[str, Promise] = {
    "effective": _("措施有效（在预期方向上显著改善）"),
    "not_shown": _("效果不明显（变化不显著）"),
    "worse": _("变差（向相反方向显著变化）"),
}
TESTS: dict[str, Promise] = {"two_proportion": _("双比例检验"), "mann_whitney": _("秩和检验（Mann–Whitney U）")}


def _statistic(evaluation: dict[str, Any]) -> str:
    return str(_("%(test)s %(name)s = %(value)s，p = %(p)s")) % {
        "test": TESTS[evaluation["test"]],
        "name": "z" if evaluation["test"] == "two_proportion" else "U",
        "value": f"{evaluation['statistic']:.2f}",
        "p": f"{evaluation['p_value']:.4f}",
    }


def evaluation_sentence(evaluation: dict[str, Any]) -> str:
    """An evaluation (``services.actions``) as the action's page says it; "" before there is one."""
    if not evaluation:
        return ""
    figure = evaluation["figure"]
    label = FIGURE_LABELS[figure]
    before, after = evaluation["before"], evaluation["after"]
    if evaluation.get("no_data"):
        window = before if evaluation["no_data"] == "before" else after
        text = _("改进前的对比期（%(start)s 至 %(end)s）没有%(figure)s的数据，效果无法显示。")
        if evaluation["no_data"] == "after":
            text = _("改进后的对比期（%(start)s 至 %(end)s）没有%(figure)s的数据，效果无法显示。")
        return str(text) % {"start": window["start"], "end": window["end"], "figure": label}
    parts = [
        str(_("%(figure)s由 %(before)s 变为 %(after)s"))
        % {"figure": label, "before": shown(figure, before["value"]), "after": shown(figure, after["value"])}
    ]
    if evaluation.get("difference") is not None:
        parts.append(
            str(_("（%(change)s，预期 %(expected)s）"))
            % {
                "change": change_shown(figure, evaluation["difference"]),
                "expected": change_shown(figure, Decimal(evaluation["expected"])),
            }
        )
    if FIGURE_KIND[figure] == TIME:
        low, high = evaluation["compared"]
        parts.append(
            str(_("，中位数 %(before)s → %(after)s")) % {"before": shown(figure, low), "after": shown(figure, high)}
        )
    parts.append(str(_("，样本量 %(before)d → %(after)d。")) % {"before": before["n"], "after": after["n"]})
    parts.append(_statistic(evaluation) + str(_("：")) + str(VERDICTS[evaluation["verdict"]]))
    if evaluation["verdict"] == "effective":
        parts.append(str(_("，达到预期变化。") if evaluation.get("reached") else _("，但未达到预期变化。")))
    else:
        parts.append(str(_("。")))
    if not evaluation.get("complete", True):
        parts.append(
            str(_("（对比期尚未满 %(days)d 天，数据截至 %(end)s；数据齐全后自动重新评估。）"))
            % {"days": evaluation["window_days"], "end": after["end"]}
        )
    return "".join(parts)
