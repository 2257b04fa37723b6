"""Star ratings (星级服务标准, ASSESS-1): a subject's month against a set of standards. Pure code.

A standard names a figure (``rules.figures.FIGURE_DIRECTION``), a comparison (不低于 / 不高于),
a threshold in the figure's human units (a rate in percent 0-100, a time in minutes, a count)
and a weight 1-100. The month's value is rounded to two places in the same units before it is
compared, so what the reasons show is exactly what was compared. A figure without data for the
subject (no evaluations, no call-backs …) is not met, and the reason says so.

The score is the weight of the standards met over the total weight × 100 (two places, half up);
the stars come from the score bands (``GRIDCARE_ASSESSMENT["STAR_BANDS"]``: the least score of
5, 4, 3 and 2 stars, default 90, 75, 60, 40; below the last one star).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridcare.assessment.rules.actions import COUNT, FIGURE_KIND, FIGURE_LABELS, ORDER_FIGURES, RATE
from gridcare.assessment.rules.figures import FIGURE_DIRECTION

AT_LEAST, AT_MOST = "at_least", "at_most"
COMPARISONS = (AT_LEAST, AT_MOST)
WEIGHT_MIN, WEIGHT_MAX = 1, 100
THRESHOLD_MAX = {RATE: Decimal(100), "time": Decimal(1440), COUNT: Decimal(1_000_000)}
STANDARDS_MAX = 20
DEFAULT_BANDS = (Decimal(90), Decimal(75), Decimal(60), Decimal(40))
CENT = Decimal("0.01")

# The posts a person is rated by (org.Role → StarPost); the other posts are not rated.
PERSON_POSTS: dict[str, str] = {
    "counter_clerk": "counter_clerk",
    "hall_guide": "hall_guide",
    "agent_95598": "agent_95598",
}
# The places, each rated by the set of its own kind.
PLACE_POSTS: dict[str, str] = {"counter": "counter", "hall": "hall", "unit": "unit"}
RATED_LEVELS = ("person", "counter", "hall", "unit")

UNITS: dict[str, Promise] = {RATE: gettext_lazy("%"), "time": gettext_lazy("分钟"), COUNT: gettext_lazy("件")}


def post_of(level: str, role: str = "") -> str | None:
    """The standard set's post that rates a subject: a person by their staff post (counter
    clerk, hall guide, 95598 agent; any other post is not rated), a place by its kind."""
    if level == "person":
        return PERSON_POSTS.get(role)
    return PLACE_POSTS.get(level)


@dataclass(frozen=True)
class Rule:
    """One standard of a set, as the rating reads it."""

    figure: str
    comparison: str
    threshold: Decimal
    weight: int


def shown(figure: str, raw: float | None) -> Decimal | None:
    """A figure's value in its human units, two places: a rate (share 0..1) in percent, a time
    in minutes, a count whole."""
    if raw is None:
        return None
    kind = FIGURE_KIND[figure]
    value = Decimal(repr(raw)) * 100 if kind == RATE else Decimal(repr(raw))
    if kind == COUNT:
        return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def met(rule: Rule, value: Decimal | None) -> bool:
    if value is None:
        return False
    return value >= rule.threshold if rule.comparison == AT_LEAST else value <= rule.threshold


def plain(number: Decimal | None) -> str:
    """A number as the reasons show it: no trailing zeros, no exponent ("12.5", "15", "0")."""
    if number is None:
        return ""
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def reason(rule: Rule, raw: float | None) -> dict[str, Any]:
    """One standard's reason (kept in ``StarRating.reasons``, JSON): the figure, its label, the
    comparison, the threshold, the value (empty without data), met or not, the weight."""
    value = shown(rule.figure, raw)
    return {
        "figure": rule.figure,
        "label": str(FIGURE_LABELS[rule.figure]),
        "comparison": rule.comparison,
        "threshold": plain(rule.threshold),
        "value": plain(value) if value is not None else None,
        "met": met(rule, value),
        "weight": rule.weight,
        "no_data": value is None,
    }


@dataclass(frozen=True)
class Rated:
    score: Decimal
    stars: int
    reasons: list[dict[str, Any]]


def stars_of(score: Decimal, bands: Sequence[Decimal] = DEFAULT_BANDS) -> int:
    """The stars of a score: 5 at or above the first band, 4 at or above the second … else 1."""
    for n, least in enumerate(bands):
        if score >= least:
            return 5 - n
    return 1


def rate(rules: Sequence[Rule], values: Mapping[str, float | None], bands: Sequence[Decimal] = DEFAULT_BANDS) -> Rated:
    """A subject's score, stars and reasons by ``rules`` for its figures ``values`` (by name;
    a figure missing from ``values`` has no data)."""
    reasons = [reason(rule, values.get(rule.figure)) for rule in rules]
    total = sum(rule.weight for rule in rules)
    won = sum(r["weight"] for r in reasons if r["met"])
    score = (Decimal(won) * 100 / Decimal(total)).quantize(CENT, rounding=ROUND_HALF_UP) if total else Decimal("0.00")
    return Rated(score=score, stars=stars_of(score, bands), reasons=reasons)


def bands_of(raw: Sequence[str]) -> tuple[Decimal, ...]:
    """The score bands from the setting: four numbers 0-100, each lower than the one before."""
    try:
        bands = tuple(Decimal(str(item).strip()) for item in raw)
    except InvalidOperation as exc:
        raise ValueError(f"STAR_BANDS must be numbers, got {list(raw)!r}") from exc
    if len(bands) != 4 or any(not 0 <= b <= 100 for b in bands) or list(bands) != sorted(bands, reverse=True):
        raise ValueError(f"STAR_BANDS must be four descending numbers 0-100, got {list(raw)!r}")
    if len(set(bands)) != 4:
        raise ValueError(f"STAR_BANDS must be four different numbers, got {list(raw)!r}")
    return bands


# -- how a reason reads ("平均等候时长 12.5 分钟，标准不高于 15 分钟，达标，权重 20") --------------------


def _with_unit(figure: str, number: str) -> str:
    kind = FIGURE_KIND.get(figure, COUNT)
    return f"{number}%" if kind == RATE else f"{number} {UNITS[kind]}"


def reason_sentence(found: Mapping[str, Any]) -> str:
    figure = str(found.get("figure", ""))
    label = str(FIGURE_LABELS[figure]) if figure in FIGURE_LABELS else str(found.get("label", ""))
    comparison = _("不低于") if found.get("comparison") == AT_LEAST else _("不高于")
    threshold = _with_unit(figure, str(found.get("threshold", "")))
    values = {"label": label, "comparison": comparison, "threshold": threshold, "weight": found.get("weight", 0)}
    if found.get("value") is None:
        return (
            _("%(label)s 本月无数据，标准%(comparison)s %(threshold)s，不达标（无数据按未达标计），权重 %(weight)s")
            % values
        )
    values["value"] = _with_unit(figure, str(found["value"]))
    verdict = _("达标") if found.get("met") else _("未达标")
    return _("%(label)s %(value)s，标准%(comparison)s %(threshold)s，%(verdict)s，权重 %(weight)s") % {
        **values,
        "verdict": verdict,
    }


def standard_sentence(figure: str, comparison: str, threshold: Decimal, weight: int) -> str:
    """A standard as the standards page lists it: "平均等候时长 不高于 15 分钟（权重 20）"."""
    label = str(FIGURE_LABELS[figure]) if figure in FIGURE_LABELS else figure
    word = _("不低于") if comparison == AT_LEAST else _("不高于")
    return _("%(label)s %(comparison)s %(threshold)s（权重 %(weight)s）") % {
        "label": label,
        "comparison": word,
        "threshold": _with_unit(figure, plain(threshold)),
        "weight": weight,
    }


def stars_text(stars: int) -> str:
    """★★★★☆ for four stars."""
    stars = max(1, min(5, stars))
    return "★" * stars + "☆" * (5 - stars)


# -- checking a new set's standards (services.stars) --------------------------------------------


def threshold_error(figure: str, threshold: Decimal) -> str:
    """What is wrong with a threshold of ``figure`` in its units ("" when nothing)."""
    kind = FIGURE_KIND[figure]
    if not threshold.is_finite() or threshold < 0:
        return _("标准值不能为负数。")
    if threshold > THRESHOLD_MAX[kind]:
        if kind == RATE:
            return _("比率的标准值应在 0 到 100（%）之间。")
        return _("标准值超出合理范围（最多 %(max)s）。") % {"max": THRESHOLD_MAX[kind]}
    if kind == COUNT and threshold != threshold.to_integral_value():
        return _("件数的标准值应为整数。")
    if threshold.as_tuple().exponent < -2:  # type: ignore[operator]
        return _("标准值最多保留两位小数。")
    return ""


def figure_error(post: str, figure: str) -> str:
    if figure not in FIGURE_DIRECTION:
        return _("请选择一项考核指标。")
    if post == "counter" and figure in ORDER_FIGURES:
        return _("柜台没有工单，不能以工单指标考核。")
    return ""


def figure_choices() -> list[tuple[str, str]]:
    """The figure picker of the standards form: each figure by its label and units."""
    return [(code, f"{FIGURE_LABELS[code]}（{UNITS[FIGURE_KIND[code]]}）") for code in FIGURE_DIRECTION]
