"""Improvement actions (改进措施, issue 14, ASSESS-5): what is done, who owns it, by when, which
figure of which subject it should move and by how much; after the due date the figure before
and after is compared (``rules.effect.effect_test``) and the action is found effective, not
shown or worse.

- ``action_create`` / ``action_update``: ACTION_EDIT (hall managers their hall, its counters and
  people; supervisors their unit's; administrators all), every field checked first, one
  transaction with its history row. Once evaluated, the measured fields (figure, subject,
  expected change, dates, window) stay as they were compared; title, text and owner may change.
- ``action_evaluate``: after the due date, the ``window_days`` before ``started_on`` against the
  ``window_days`` after ``due_on`` (as far as they are rolled up). The same data gives the same
  evaluation, and then nothing is written (idempotent); more data (the rest of the window)
  gives a new one with its history row.
- ``actions_evaluate_due``: the worker's daily job — every action whose whole after-window is
  rolled up and which has no evaluation of the whole window yet.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.translation import gettext as _

from gridcare.assessment.access import staff_get_for_scope
from gridcare.assessment.actions_access import SUBJECT_LEVELS, action_get_to_keep
from gridcare.assessment.events_actions import action_event, evaluated_parameters
from gridcare.assessment.models import ActionEvent, ImprovementAction
from gridcare.assessment.rules.actions import (
    COUNT,
    FIGURE_KIND,
    ORDER_FIGURES,
    RATE,
    WINDOW_MAX,
    WINDOW_MIN,
    effect_kind,
    expected_error,
    in_human_units,
    windows,
)
from gridcare.assessment.rules.effect import effect_test
from gridcare.assessment.rules.figures import FIGURE_DIRECTION, MICROS_PER_MINUTE, Sums, figures, merge
from gridcare.assessment.rules.ledger import text_error
from gridcare.assessment.selectors import rolled_through
from gridcare.assessment.selectors_actions import actions_to_evaluate, daily_counts, subject_names, window_sums
from gridcare.core.exceptions import Conflict, DomainError, Forbidden, InvalidInput
from gridcare.core.timezone import business_date, now
from gridcare.halls.figures import wait_target_minutes
from gridcare.org.access import Capability, Reach, Scope, require
from gridcare.org.selectors import place_in_reach

TITLE_MAX = 200
DESCRIPTION_MAX = 2000
SPAN_MAX_DAYS = 366  # from the start to the due date
FIRST_YEAR, LAST_YEAR = 2000, 2100


def window_days_default() -> int:
    """The days compared before and after (GRIDCARE_ASSESSMENT["ACTION_WINDOW_DAYS"], 30)."""
    return int(str(settings.GRIDCARE_ASSESSMENT.get("ACTION_WINDOW_DAYS", 30)))


def action_alpha() -> float:
    """The before/after test's significance level: 1 − GRIDCARE_ASSESSMENT["ACTION_CONFIDENCE_PERCENT"]
    (95 %: 0.05)."""
    confidence = int(str(settings.GRIDCARE_ASSESSMENT.get("ACTION_CONFIDENCE_PERCENT", 95)))
    if not 50 <= confidence < 100:
        raise ImproperlyConfigured("GRIDCARE_ASSESSMENT_ACTION_CONFIDENCE_PERCENT must be from 50 to 99")
    return (100 - confidence) / 100


@dataclass(frozen=True)
class NewAction:
    """An action as a page or the API sends it: the owner by 工号, the subject by its level and
    code (工号, ``H1/3``, a hall's or unit's code), the expected change in the figure's human
    units (percentage points, minutes, a count per day), dates as dates or ISO text."""

    title: str
    owner: str
    level: str
    subject: str
    figure: str
    expected_change: Any
    started_on: Any
    due_on: Any
    description: str = ""
    window_days: Any = None


@dataclass(frozen=True)
class Checked:
    title: str
    description: str
    owner_id: int
    level: str
    subject_id: int
    figure: str
    expected_change: Decimal
    started_on: date
    due_on: date
    window_days: int


# -- checking ------------------------------------------------------------------------------------


def _date(value: Any, message: str) -> tuple[date | None, str]:
    if isinstance(value, date):
        found = value
    else:
        try:
            found = date.fromisoformat(str(value or "").strip())
        except ValueError:
            return None, message
    if not FIRST_YEAR <= found.year <= LAST_YEAR:
        return None, message
    return found, ""


def _decimal(value: Any) -> tuple[Decimal | None, str]:
    try:
        found = Decimal(str(value).strip()) if value not in (None, "") else None
    except InvalidOperation:
        found = None
    if found is None or not found.is_finite():
        return None, _("预期变化应为数字，如 5 或 -3。")
    if found != found.quantize(Decimal("0.0001")):
        return None, _("预期变化最多保留四位小数。")
    return found, ""


def _window(value: Any) -> tuple[int, str]:
    if value in (None, ""):
        return window_days_default(), ""
    if isinstance(value, bool):
        return 0, _("对比天数应为整数。")
    try:
        days = int(str(value).strip())
    except ValueError:
        return 0, _("对比天数应为整数。")
    if not WINDOW_MIN <= days <= WINDOW_MAX:
        return 0, _("对比天数应在 %(low)d 到 %(high)d 天之间。") % {"low": WINDOW_MIN, "high": WINDOW_MAX}
    return days, ""


def _subject(scope: Scope, level: str, code: str) -> tuple[int | None, str]:
    if level not in SUBJECT_LEVELS:
        return None, ""
    refused = _("请选择您管辖范围内的考核对象。")
    if level == "person":
        try:
            return staff_get_for_scope(scope=scope, employee_no=code).pk, ""
        except DomainError:
            return None, refused
    found = place_in_reach(scope, Reach.ASSESSMENT, level, code)
    return found, "" if found is not None else refused


def _owner(scope: Scope, employee_no: str) -> tuple[int | None, str]:
    try:
        return staff_get_for_scope(scope=scope, employee_no=employee_no).pk, ""
    except DomainError:
        return None, _("请选择您管辖范围内的责任人。")


def _text_errors(data: NewAction, errors: dict[str, str]) -> None:
    if message := text_error(str(data.title or ""), required=_("请填写措施名称。"), limit=TITLE_MAX):
        errors["title"] = message
    if message := text_error(str(data.description or ""), required="", limit=DESCRIPTION_MAX):
        errors["description"] = message


def _figure_errors(data: NewAction, level: str, errors: dict[str, str]) -> Decimal | None:
    figure = str(data.figure or "")
    if figure not in FIGURE_DIRECTION:
        errors["figure"] = _("请选择要改进的指标。")
        return None
    if level == "counter" and figure in ORDER_FIGURES:
        errors["figure"] = _("窗口没有工单数据，请选择柜台服务类指标，或把对象改为人员、营业厅或供电单位。")
    change, message = _decimal(data.expected_change)
    if change is not None and not message:
        message = expected_error(figure, change)
    if message:
        errors["expected_change"] = message
    return change


def _date_errors(data: NewAction, errors: dict[str, str]) -> tuple[date | None, date | None]:
    started, message = _date(data.started_on, _("请填写开始日期，如 2026-11-01。"))
    if message:
        errors["started_on"] = message
    due, message = _date(data.due_on, _("请填写完成期限，如 2026-11-30。"))
    if message:
        errors["due_on"] = message
    if started is not None and due is not None:
        if due < started:
            errors["due_on"] = _("完成期限不能早于开始日期。")
        elif (due - started).days > SPAN_MAX_DAYS:
            errors["due_on"] = _("完成期限距开始日期最长 %(n)d 天。") % {"n": SPAN_MAX_DAYS}
    return started, due


def action_check(*, scope: Scope, data: NewAction) -> Checked:
    """``data`` checked field by field (every problem at once, in Chinese, on its field)."""
    errors: dict[str, str] = {}
    _text_errors(data, errors)
    owner, message = _owner(scope, str(data.owner or ""))
    if message:
        errors["owner"] = message
    level = str(data.level or "")
    if level not in SUBJECT_LEVELS:
        errors["level"] = _("请选择考核对象的层级：人员、窗口、营业厅或供电单位。")
    subject, message = _subject(scope, level, str(data.subject or ""))
    if message:
        errors["subject"] = message
    change = _figure_errors(data, level, errors)
    started, due = _date_errors(data, errors)
    window, message = _window(data.window_days)
    if message:
        errors["window_days"] = message
    if errors or owner is None or subject is None or change is None or started is None or due is None:
        raise InvalidInput(_("改进措施有误。"), errors=errors or {"subject": _("请选择考核对象。")})
    return Checked(
        title=str(data.title).strip(),
        description=str(data.description or "").strip(),
        owner_id=owner,
        level=level,
        subject_id=subject,
        figure=str(data.figure),
        expected_change=change,
        started_on=started,
        due_on=due,
        window_days=window,
    )


# -- creating and editing --------------------------------------------------------------------------

_MEASURED = ("level", "subject_id", "figure", "expected_change", "started_on", "due_on", "window_days")
_FIELDS = ("title", "description", "owner_id", *_MEASURED)


def _editor(scope: Scope, actor: User | AnonymousUser) -> User:
    require(scope, Capability.ACTION_EDIT)
    if not isinstance(actor, User):
        raise Forbidden(_("您的岗位无权办理此项业务。"))
    return actor


def _created_parameters(action: ImprovementAction) -> dict[str, Any]:
    name = subject_names([action]).get((action.level, action.subject_id), "")
    return {
        "title": action.title,
        "figure": action.figure,
        "expected": f"{action.expected_change.normalize():f}",
        "subject": name,
        "started": action.started_on.isoformat(),
        "due": action.due_on.isoformat(),
        "window": action.window_days,
    }


def action_create(*, scope: Scope, actor: User | AnonymousUser, data: NewAction) -> ImprovementAction:
    """Record an improvement action on a subject in the caller's reach (ACTION_EDIT)."""
    user = _editor(scope, actor)
    checked = action_check(scope=scope, data=data)
    at = now()
    with transaction.atomic():
        action = ImprovementAction.objects.create(
            title=checked.title,
            description=checked.description,
            owner_id=checked.owner_id,
            **{name: getattr(checked, name) for name in _MEASURED},
            created_by=user,
            created_at=at,
        )
        action_event(action=action, type=ActionEvent.Type.CREATED, actor=user, at=at, **_created_parameters(action))
    return action


def action_update(*, scope: Scope, actor: User | AnonymousUser, action_id: int, data: NewAction) -> ImprovementAction:
    """Change an action in the caller's reach (ACTION_EDIT). Nothing changed: nothing written.
    An evaluated action keeps its measured fields (Conflict when they would change)."""
    user = _editor(scope, actor)
    with transaction.atomic():
        action = action_get_to_keep(scope=scope, action_id=action_id, lock=True)
        checked = action_check(scope=scope, data=data)
        changed = [name for name in _FIELDS if getattr(action, name) != getattr(checked, name)]
        if not changed:
            return action
        if action.evaluated_at is not None and set(changed) & set(_MEASURED):
            raise Conflict(
                _("这项措施已评估，不能再修改指标、对象、预期变化、日期和对比天数；可以修改名称、内容和责任人。")
            )
        for name in changed:
            setattr(action, name, getattr(checked, name))
        action.save(update_fields=changed)
        fields = [name.removesuffix("_id") for name in changed]
        action_event(action=action, type=ActionEvent.Type.EDITED, actor=user, at=now(), fields=fields)
    return action


# -- evaluating ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """One window's data for the test, and the figure's own value there."""

    data: Any  # (successes, trials) for a rate; the values for a time or a count
    value: float | None  # the figure itself (a rate 0..1, minutes, a count per day)
    n: int  # trials, tickets, or days


def _rate_counts(figure: str, sums: Sums) -> tuple[int, int]:
    if figure == "within_target":
        waits = merge(sums.waits)
        target = wait_target_minutes() * MICROS_PER_MINUTE
        return int(np.searchsorted(waits, target, side="right")), len(waits)
    pairs = {
        "satisfaction_rate": (sums.satisfied, sums.evaluated),
        "no_show_rate": (sums.no_show, sums.tickets),
        "abandonment_rate": (sums.abandoned, sums.tickets),
        "deadline_rate": (sums.deadlines_met, sums.deadlines_due),
        "callback_rate": (sums.callbacks_satisfied, sums.callbacks_reached),
    }
    return pairs[figure]


def _sample(action: ImprovementAction, start: date, end: date) -> Sample:
    figure, kind = action.figure, FIGURE_KIND[action.figure]
    if kind == COUNT:
        days = daily_counts(start=start, end=end, level=action.level, key=action.subject_id, figure=figure)
        return Sample(days, sum(days) / len(days) if days else None, len(days))
    sums = window_sums(start=start, end=end, level=action.level, key=action.subject_id)
    value = figures(sums, target_minutes=wait_target_minutes()).value(figure)
    if kind == RATE:
        counts = _rate_counts(figure, sums)
        return Sample(counts, value, counts[1])
    times = merge(sums.waits if figure.startswith("wait") else sums.handles)
    minutes = [int(t) / MICROS_PER_MINUTE for t in times]
    return Sample(minutes, value, len(minutes))


def _rounded(value: float | None, digits: int = 6) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return float(f"{value:.{digits}g}")


def _window_of(sample: Sample, start: date, end: date) -> dict[str, Any]:
    return {"start": start.isoformat(), "end": end.isoformat(), "value": _rounded(sample.value), "n": sample.n}


def _empty(sample: Sample, kind: str) -> bool:
    return sample.n == 0 if kind != COUNT else False


def _evaluation(action: ImprovementAction, through: date | None) -> dict[str, Any]:
    w = windows(action.started_on, action.due_on, action.window_days)
    if through is None or through < w.after_start:
        last = through.isoformat() if through else _("尚未汇总")
        raise Conflict(_("完成期限后的数据尚未汇总（已汇总至 %(day)s），暂不能评估。") % {"day": last})
    after_end = min(w.after_end, through)
    kind = FIGURE_KIND[action.figure]
    before = _sample(action, w.before_start, w.before_end)
    after = _sample(action, w.after_start, after_end)
    found: dict[str, Any] = {
        "figure": action.figure,
        "kind": kind,
        "before": _window_of(before, w.before_start, w.before_end),
        "after": _window_of(after, w.after_start, after_end),
        "complete": after_end == w.after_end,
        "window_days": action.window_days,
        "expected": f"{action.expected_change.normalize():f}",
        "alpha": action_alpha(),
    }
    missing = "before" if _empty(before, kind) else "after" if _empty(after, kind) else ""
    if missing:
        return {**found, "no_data": missing, "test": "", "verdict": "not_shown", "reached": False}
    test = effect_test(
        before.data,
        after.data,
        kind=effect_kind(action.figure),
        better=FIGURE_DIRECTION[action.figure],
        alpha=found["alpha"],
    )
    difference = None
    if before.value is not None and after.value is not None:
        difference = _rounded(
            (in_human_units(action.figure, after.value) or 0) - (in_human_units(action.figure, before.value) or 0)
        )
    reached = (
        test.verdict == "effective" and difference is not None and abs(difference) >= abs(float(action.expected_change))
    )
    return {
        **found,
        "no_data": "",
        "test": "two_proportion" if kind == RATE else "mann_whitney",
        "compared": [_rounded(test.before), _rounded(test.after)],  # the rates, or the medians
        "statistic": _rounded(test.statistic),
        "p_value": _rounded(test.p_value),
        "difference": difference,
        "verdict": test.verdict,
        "reached": reached,
    }


def _store(action: ImprovementAction, evaluation: dict[str, Any], actor: User | None) -> bool:
    if action.evaluated_at is not None and action.evaluation == evaluation and action.result == evaluation["verdict"]:
        return False
    at = now()
    action.result = evaluation["verdict"]
    action.evaluation = evaluation
    action.evaluated_at = at
    action.save(update_fields=["result", "evaluation", "evaluated_at"])
    action_event(
        action=action,
        type=ActionEvent.Type.EVALUATED,
        actor=actor,
        at=at,
        result=evaluation["verdict"],
        figure=action.figure,
        **evaluated_parameters(action.figure, evaluation["before"]["value"], evaluation["after"]["value"]),
        p=None if evaluation.get("p_value") is None else f"{evaluation['p_value']:.4f}",
        complete=evaluation["complete"],
    )
    return True


@dataclass(frozen=True)
class Evaluated:
    action: ImprovementAction
    changed: bool  # False: the same evaluation as before, nothing written


def action_evaluate(*, scope: Scope, actor: User | AnonymousUser, action_id: int) -> Evaluated:
    """Evaluate an action in the caller's reach (ACTION_EDIT) after its due date (立即评估)."""
    user = _editor(scope, actor)
    with transaction.atomic():
        action = action_get_to_keep(scope=scope, action_id=action_id, lock=True)
        if action.due_on >= business_date():
            raise Conflict(_("完成期限（%(due)s）过后才能评估效果。") % {"due": action.due_on.isoformat()})
        changed = _store(action, _evaluation(action, rolled_through()), user)
    return Evaluated(action, changed)


@dataclass(frozen=True)
class DueEvaluated:
    evaluated: int  # actions whose evaluation was written (new, or of the whole window now)
    looked_at: int


def actions_evaluate_due(*, stop: Callable[[], bool] | None = None) -> DueEvaluated:
    """The worker's job (``assessment_actions``): evaluate every action whose whole after-window
    is rolled up and that has no evaluation of the whole window yet, each in its own
    transaction. Run again: nothing left to do, nothing written."""
    through = rolled_through()
    if through is None:
        return DueEvaluated(0, 0)
    written = looked = 0
    for candidate in [a.pk for a in actions_to_evaluate(through=through)]:
        if stop is not None and stop():
            break
        looked += 1
        with transaction.atomic():
            action = ImprovementAction.objects.select_for_update().get(pk=candidate)
            written += _store(action, _evaluation(action, through), None)
    return DueEvaluated(written, looked)
