"""What drives satisfaction (issue 14, ASSESS-5): the customer-satisfaction model Chinese utilities
use (CCSI, the ECSI structure) estimated by PLS path modelling on a questionnaire's answers.

- The answers: the ``SurveyResponse`` rows of one published (or since retired) questionnaire
  answered in the period, of the caller's reach (supervisors their unit's, planners and
  administrators the company's; ``SURVEY_RESULTS``), of one supply unit when asked. Each 1-10
  question that carries a construct (``Question.construct``) is an indicator of that construct's
  block. A response that lacks any indicator (unanswered, not a number, outside 1-10) is left out,
  and the page says how many.
- The model: ``rules.pls.pls_path_model`` with Mode A blocks, the centroid scheme and
  ``scaled=False`` (the indicators stay on their 1-10 scale, as in plspm's satisfaction example),
  on the ECSI inner model (``ECSI_PATHS``, Sanchez 2013 / plspm's ``sat_path``): image →
  expectation, satisfaction, loyalty; expectation → quality, value, satisfaction; quality →
  value, satisfaction; value → satisfaction; satisfaction → loyalty. A questionnaire without some
  construct keeps the paths among the constructs it has.
- The satisfaction index (CSI, 0-100): the satisfaction block's outer weights normed to sum to 1,
  w̃ᵢ = wᵢ / Σw, and CSI = Σ w̃ᵢ · (x̄ᵢ − 1) / 9 · 100, x̄ᵢ the mean answer of indicator i on the 1-10
  scale: the mean of the satisfaction score rescaled to 0-100 (equal to the IPMA performance of
  the satisfaction construct).
- Importance-performance (``rules.pls.importance_performance``, Ringle & Sarstedt 2016): for
  each construct with an effect on satisfaction, importance is its unstandardised total effect
  on satisfaction (points of satisfaction per point of the driver, on 0-100 scores) and
  performance its mean rescaled score (0-100). The driver to improve first is the one with the
  highest importance among those above the mean importance and below the mean performance.

Nothing is stored or cached: the model is estimated on each request from the answers as they are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from gridcare.assessment.models import Construct, Question, QuestionKind, Questionnaire, SurveyResponse
from gridcare.assessment.rules.period import parse_period
from gridcare.assessment.rules.pls import importance_performance, pls_path_model
from gridcare.core.exceptions import InvalidInput, NotFound
from gridcare.core.forms import Choice
from gridcare.core.timezone import SHANGHAI
from gridcare.org.access import Path, Reach, Scope
from gridcare.org.selectors import place_choices, places_in_reach

C = Construct
ORDER: tuple[str, ...] = (C.IMAGE, C.EXPECTATION, C.QUALITY, C.VALUE, C.SATISFACTION, C.LOYALTY)
ECSI_PATHS: tuple[tuple[str, str], ...] = (
    (C.IMAGE, C.EXPECTATION),
    (C.IMAGE, C.SATISFACTION),
    (C.IMAGE, C.LOYALTY),
    (C.EXPECTATION, C.QUALITY),
    (C.EXPECTATION, C.VALUE),
    (C.EXPECTATION, C.SATISFACTION),
    (C.QUALITY, C.VALUE),
    (C.QUALITY, C.SATISFACTION),
    (C.VALUE, C.SATISFACTION),
    (C.SATISFACTION, C.LOYALTY),
)
del C
TARGET = Construct.SATISFACTION.value
SCALE_MIN, SCALE_MAX = 1, 10
PUBLISHED = (Questionnaire.State.PUBLISHED, Questionnaire.State.RETIRED)

# A response's place: its supply unit, else the unit of the account it was sent to.
_RESPONSE_UNIT = Path(company="unit__company_id", unit="unit_id")
_INVITED_UNIT = Path(company="invite__account__supply_unit__company_id", unit="invite__account__supply_unit_id")


def min_responses() -> int:
    """The fewest complete responses the model is estimated from (GRIDCARE_ASSESSMENT, 100)."""
    return int(str(settings.GRIDCARE_ASSESSMENT.get("PLS_MIN_RESPONSES", 100)))


def label(construct: str) -> str:
    return str(Construct(construct).label)


# -- what may be analysed --------------------------------------------------------------------------


def drivers_questionnaires() -> QuerySet[Questionnaire]:
    """The published (or since retired) questionnaires with 1-10 questions that measure a
    construct, the newest first."""
    measured = Question.objects.filter(kind=QuestionKind.SCALE).exclude(construct="").values("questionnaire_id")
    return Questionnaire.objects.filter(state__in=PUBLISHED, pk__in=measured).order_by("-published_at", "-pk")


def questionnaire_choices() -> list[Choice]:
    """The questionnaire picker: ``标题（编码 v版本）``, a retired one marked so."""
    found = []
    for q in drivers_questionnaires():
        retired = _("，已停用") if q.state == Questionnaire.State.RETIRED else ""
        found.append((str(q.pk), f"{q.title}（{q.code} v{q.version}{retired}）"))
    return found


def responses_filter(scope: Scope) -> Q:
    """The responses ``scope`` reaches: by the response's unit, or (none kept) the unit of the
    account it was sent to."""
    if scope.everything:
        return Q()
    by_unit = scope.filter(Reach.ASSESSMENT, _RESPONSE_UNIT)
    by_invite = scope.filter(Reach.ASSESSMENT, _INVITED_UNIT)
    return (Q(unit__isnull=False) & by_unit) | (Q(unit__isnull=True) & by_invite)


# -- the data --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyMatrix:
    blocks: dict[str, list[str]]  # construct → its indicators (question codes), in model order
    data: dict[str, list[float]]  # indicator → the complete responses' answers
    responses: int  # all responses of the period in reach
    complete: int  # with every indicator answered on the scale

    @property
    def left_out(self) -> int:
        return self.responses - self.complete


def _blocks(questionnaire: Questionnaire) -> dict[str, list[str]]:
    questions = questionnaire.questions.filter(kind=QuestionKind.SCALE).exclude(construct="").order_by("position")
    found: dict[str, list[str]] = {}
    for q in questions:
        found.setdefault(q.construct, []).append(q.code)
    return {c: found[c] for c in ORDER if c in found}


def _score(value: Any) -> float | None:
    """An answer as a 1-10 score, or None (missing, not a number, off the scale)."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not np.isfinite(number) or not SCALE_MIN <= number <= SCALE_MAX:
        return None
    return number


def survey_matrix(
    *, scope: Scope, questionnaire: Questionnaire, start: date, end: date, unit_id: int | None = None
) -> SurveyMatrix:
    """The answers of ``questionnaire`` answered from ``start`` to ``end`` (Shanghai days) that
    ``scope`` reaches (of unit ``unit_id`` only, when given), as indicator columns of the complete
    responses, oldest first."""
    blocks = _blocks(questionnaire)
    codes = [code for codes in blocks.values() for code in codes]
    begin = datetime.combine(start, time.min, tzinfo=SHANGHAI)
    stop = datetime.combine(end + timedelta(days=1), time.min, tzinfo=SHANGHAI)
    rows = SurveyResponse.objects.filter(
        responses_filter(scope), questionnaire=questionnaire, answered_at__gte=begin, answered_at__lt=stop
    )
    if unit_id is not None:
        rows = rows.filter(Q(unit_id=unit_id) | Q(unit__isnull=True, invite__account__supply_unit_id=unit_id))
    data: dict[str, list[float]] = {code: [] for code in codes}
    total = complete = 0
    for answers in rows.order_by("answered_at", "pk").values_list("answers", flat=True).iterator(chunk_size=2000):
        total += 1
        got = answers if isinstance(answers, Mapping) else {}
        scores = [s for s in (_score(got.get(code)) for code in codes) if s is not None]
        if len(scores) < len(codes):
            continue
        complete += 1
        for code, s in zip(codes, scores, strict=True):
            data[code].append(s)
    return SurveyMatrix(blocks=blocks, data=data, responses=total, complete=complete)


# -- the model -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Driver:
    construct: str
    label: str
    importance: float  # unstandardised total effect on satisfaction (IPMA)
    performance: float  # mean score, 0-100


@dataclass
class Drivers:
    """The estimated model as the page and the API show it (``message`` says why there is none)."""

    matrix: SurveyMatrix
    minimum: int
    message: str = ""
    index: float | None = None
    paths: list[tuple[str, str, float]] = field(default_factory=list)  # (from, to, coefficient)
    r_squared: list[tuple[str, float]] = field(default_factory=list)
    ave: list[tuple[str, float]] = field(default_factory=list)
    total_effects: list[tuple[str, float]] = field(default_factory=list)  # on satisfaction, standardised
    drivers: list[Driver] = field(default_factory=list)
    importance_mean: float | None = None
    performance_mean: float | None = None
    priority: str = ""  # the construct to improve first
    priority_sentence: str = ""
    ipma_message: str = ""
    iterations: int = 0


def ecsi_paths(blocks: Mapping[str, Sequence[str]]) -> list[tuple[str, str]]:
    """The ECSI paths among the constructs the questionnaire measures."""
    return [(a, b) for a, b in ECSI_PATHS if a in blocks and b in blocks]


def _model_problem(blocks: Mapping[str, Sequence[str]], paths: list[tuple[str, str]]) -> str:
    if TARGET not in blocks:
        return _("问卷没有测量“客户满意”的题目，无法分析满意度驱动因素。")
    if not any(b == TARGET for _a, b in paths):
        return _("问卷没有测量满意度前因（企业形象、客户预期、感知质量或感知价值）的题目，无法分析驱动因素。")
    touched = {c for path in paths for c in path}
    lonely = [label(c) for c in blocks if c not in touched]
    if lonely:
        return _("测量变量 %(names)s 与其他变量之间没有路径，无法建模。") % {"names": "、".join(lonely)}
    return ""


def satisfaction_index(
    weights: Mapping[str, float], data: Mapping[str, Sequence[float]], codes: Sequence[str]
) -> float | None:
    """CSI = Σ w̃ᵢ · (x̄ᵢ − 1) / 9 · 100 with the outer weights normed to sum to 1 (None when a
    weight is negative: the index needs every indicator to count the same way)."""
    w = np.array([weights[c] for c in codes], dtype=np.float64)
    if (w < 0).any() or w.sum() <= 0:
        return None
    means = np.array([np.mean(data[c]) for c in codes], dtype=np.float64)
    return float((w / w.sum()) @ ((means - SCALE_MIN) / (SCALE_MAX - SCALE_MIN)) * 100)


def _priority(result: Drivers) -> None:
    if not result.drivers:
        return
    imp = float(np.mean([d.importance for d in result.drivers]))
    perf = float(np.mean([d.performance for d in result.drivers]))
    result.importance_mean, result.performance_mean = imp, perf
    urgent = [d for d in result.drivers if d.importance > imp and d.performance < perf]
    if urgent:
        first = max(urgent, key=lambda d: d.importance)
        result.priority = first.construct
        result.priority_sentence = _("优先改进：%(name)s（重要性高、表现低）") % {"name": first.label}
    else:
        first = max(result.drivers, key=lambda d: d.importance)
        result.priority_sentence = _("没有“重要性高、表现低”的驱动因素；重要性最高的是%(name)s，应保持。") % {
            "name": first.label
        }


def drivers(
    *, scope: Scope, questionnaire: Questionnaire, start: date, end: date, unit_id: int | None = None
) -> Drivers:
    """The satisfaction drivers of the answers ``survey_matrix`` reads (see the module)."""
    matrix = survey_matrix(scope=scope, questionnaire=questionnaire, start=start, end=end, unit_id=unit_id)
    result = Drivers(matrix=matrix, minimum=min_responses())
    paths = ecsi_paths(matrix.blocks)
    if problem := _model_problem(matrix.blocks, paths):
        result.message = problem
        return result
    if matrix.complete < result.minimum:
        result.message = _("完整答卷 %(n)d 份，少于建模所需的 %(min)d 份，暂不能分析满意度驱动因素。") % {
            "n": matrix.complete,
            "min": result.minimum,
        }
        return result
    try:
        model = pls_path_model(matrix.data, matrix.blocks, paths, scaled=False)
    except ValueError as exc:
        result.message = _("无法估计模型：%(why)s") % {"why": exc}
        return result
    result.iterations = model.iterations
    result.paths = [(a, b, model.path_coefficients[(a, b)]) for a, b in paths]
    result.r_squared = [(c, model.r_squared[c]) for c in matrix.blocks if c in model.r_squared]
    result.ave = [(c, model.ave[c]) for c in matrix.blocks]
    result.total_effects = [
        (c, model.total_effects[(c, TARGET)]) for c in matrix.blocks if (c, TARGET) in model.total_effects
    ]
    result.index = satisfaction_index(model.outer_weights, matrix.data, matrix.blocks[TARGET])
    try:
        rows = importance_performance(model, TARGET, matrix.data, matrix.blocks, SCALE_MIN, SCALE_MAX)
    except ValueError as exc:
        result.ipma_message = _("无法做重要性-表现分析：%(why)s") % {"why": exc}
        return result
    result.drivers = [Driver(r.latent, label(r.latent), r.importance, r.performance) for r in rows]
    _priority(result)
    return result


# -- what a page or the API asks -------------------------------------------------------------------

DEFAULT_DAYS = 90


@dataclass(frozen=True)
class DriversAsk:
    questionnaire: Questionnaire
    start: date
    end: date
    unit_id: int | None
    unit_code: str


def drivers_ask(*, scope: Scope, questionnaire: str, start: str, end: str, unit: str, today: date) -> DriversAsk:
    """The questionnaire (by id; default the newest analysable one), the period (ISO dates; default
    the 90 days up to yesterday, at most a year) and the unit (by code, one ``scope`` reaches;
    default all it reaches). Refuses a wrong value on its field (InvalidInput), none to analyse
    with NotFound."""
    errors: dict[str, str] = {}
    offered = drivers_questionnaires()
    chosen: Questionnaire | None = None
    if questionnaire:
        if questionnaire.isdigit() and len(questionnaire) < 19:
            chosen = offered.filter(pk=int(questionnaire)).first()
        if chosen is None:
            errors["questionnaire"] = _("请选择一份已发布、含测量变量的问卷。")
    else:
        chosen = offered.first()
    if not start and not end:
        last = today - timedelta(days=1)
        start, end = (last - timedelta(days=DEFAULT_DAYS - 1)).isoformat(), last.isoformat()
    try:
        period = parse_period(start=start, end=end, today=today)
    except InvalidInput as exc:
        errors.update({k: str(v) for k, v in exc.errors.items()})
        period = None
    unit_id = None
    if unit:
        unit_id = unit_ids_by_code(scope).get(unit)
        if unit_id is None:
            errors["unit"] = _("请选择您管辖范围内的供电单位。")
    if errors:
        raise InvalidInput(_("分析条件有误。"), errors=errors)
    if chosen is None:
        raise NotFound(
            _(
                "还没有可分析的问卷：需要已发布、含测量变量（企业形象、客户预期、感知质量、感知价值、客户满意、客户忠诚）的 1-10 分题目。"
            )
        )
    assert period is not None
    return DriversAsk(chosen, period.start, period.end, unit_id, unit if unit_id is not None else "")


def unit_ids_by_code(scope: Scope) -> dict[str, int]:
    """code → id of the supply units ``scope`` reaches (the unit picker's)."""
    return dict(places_in_reach(scope, Reach.ASSESSMENT, "unit").values_list("code", "pk"))


def unit_choices(scope: Scope) -> list[Choice]:
    """The unit picker: the supply units ``scope`` reaches, by name."""
    return place_choices(scope, Reach.ASSESSMENT, "unit")
