"""Reads of the improvement actions (issue 14, ASSESS-5): the list in the caller's reach with its
filters and sorting, the names of the subjects, the history, and what an evaluation compares —
the roll-up sums of a window (counts and every ticket's time) and a count figure day by day."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from gridcare.assessment.actions_access import actions_filter
from gridcare.assessment.models import ActionEvent, ActionResult, ImprovementAction, OrderDay, ServiceDay
from gridcare.assessment.rules.figures import Sums
from gridcare.assessment.selectors import sums_from_rollups
from gridcare.org.access import Scope
from gridcare.org.models import Staff
from gridcare.org.selectors import names_of, place_codes

# The whole company: an evaluation compares the subject's own figure, whoever asks for it.
EVERYONE = Scope(staff=None, company_id=None, unit_id=None, hall_id=None, everything=True)

LEVEL_LABELS = {"person": _("人员"), "counter": _("窗口"), "hall": _("营业厅"), "unit": _("供电单位")}

STATUS_LABELS = {"in_progress": _("进行中"), "due": _("待评估"), "evaluated": _("已评估")}

# The list's sortable columns (?sort=); otherwise the newest first.
ACTION_SORTS: dict[str, tuple[str, ...]] = {
    "title": ("title", "id"),
    "owner": ("owner__employee_no", "id"),
    "started_on": ("started_on", "id"),
    "due_on": ("due_on", "id"),
    "result": ("result", "id"),
    "created_at": ("created_at", "id"),
}


def status_of(action: ImprovementAction, today: date) -> str:
    """进行中 until its due date, then 待评估 until it is evaluated, then 已评估."""
    if action.evaluated_at is not None:
        return "evaluated"
    return "in_progress" if action.due_on >= today else "due"


def action_list(
    *, scope: Scope, today: date, status: str = "", result: str = "", owner: str = ""
) -> QuerySet[ImprovementAction]:
    """The actions ``scope`` may read, filtered by status (``STATUS_LABELS``), result
    (``pending`` or an ``ActionResult``) and owner (工号); an unknown filter is none. Newest first."""
    rows = ImprovementAction.objects.filter(actions_filter(scope)).select_related("owner", "created_by__staff")
    if status == "in_progress":
        rows = rows.filter(evaluated_at__isnull=True, due_on__gte=today)
    elif status == "due":
        rows = rows.filter(evaluated_at__isnull=True, due_on__lt=today)
    elif status == "evaluated":
        rows = rows.filter(evaluated_at__isnull=False)
    if result == "pending":
        rows = rows.filter(result=ActionResult.PENDING)
    elif result in ActionResult.values and result:
        rows = rows.filter(result=result)
    if owner:
        rows = rows.filter(owner__employee_no=owner)
    return rows.order_by("-created_at", "-id")


def subject_names(actions: Iterable[ImprovementAction]) -> dict[tuple[str, int], str]:
    """(level, id) → the subject's name, for the actions shown (a query per level)."""
    wanted: dict[str, set[int]] = {}
    for action in actions:
        wanted.setdefault(action.level, set()).add(action.subject_id)
    found: dict[tuple[str, int], str] = {}
    for level, ids in wanted.items():
        for pk, name in names_of(level, ids).items():
            found[(level, pk)] = name
    return found


def subject_code(action: ImprovementAction) -> str:
    """The subject as the picker and the API name it: 工号, ``H1/3``, a hall's or unit's code."""
    if action.level == "person":
        code: str | None = Staff.objects.filter(pk=action.subject_id).values_list("employee_no", flat=True).first()
        return code or ""
    return place_codes(action.level, [action.subject_id]).get(action.subject_id, "")


def action_history(action: ImprovementAction) -> list[ActionEvent]:
    return list(action.events.select_related("actor").order_by("created_at", "id"))


def actions_to_evaluate(*, through: date) -> list[ImprovementAction]:
    """The actions whose whole after-window is rolled up (``through``: the last day rolled up)
    and whose evaluation is not yet of the whole window, oldest due first."""
    unfinished = Q(evaluated_at__isnull=True) | Q(evaluation__complete=False)
    rows = ImprovementAction.objects.filter(unfinished, due_on__lt=through)
    return [a for a in rows.order_by("due_on", "id") if a.due_on + timedelta(days=a.window_days) <= through]


# -- what an evaluation compares ------------------------------------------------------------------

_GROUP = {"person": "staff_id", "counter": "counter_id", "hall": "hall_id", "unit": "unit_id"}
_ORDER_COUNTS = frozenset({"received", "closed", "verified", "complaints"})


def window_sums(*, start: date, end: date, level: str, key: int) -> Sums:
    """What the subject's roll-up rows of ``start``..``end`` add up to (its counts, and every
    waiting and handling time of its tickets)."""
    return sums_from_rollups(scope=EVERYONE, start=start, end=end, level=level, key=key).get(key, Sums())


def daily_counts(*, start: date, end: date, level: str, key: int, figure: str) -> list[int]:
    """The subject's count ``figure`` (served, received, closed, verified, complaints) on each
    day of ``start``..``end``; a day without a row counts 0."""
    table = OrderDay if figure in _ORDER_COUNTS else ServiceDay
    rows = (
        table.objects.filter(**{_GROUP[level]: key}, day__gte=start, day__lte=end)
        .values("day")
        .annotate(n=Sum(figure))
        .order_by()
    )
    by_day = {r["day"]: int(r["n"] or 0) for r in rows}
    days = (end - start).days + 1
    return [by_day.get(start + timedelta(days=i), 0) for i in range(max(days, 0))]
