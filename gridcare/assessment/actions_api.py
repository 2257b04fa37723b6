"""Improvement actions in the API (issue 14, ASSESS-5), with the pages' rules: every post reads
the actions of its reach (and those it owns), ACTION_EDIT records and evaluates them (hall
managers their hall, supervisors their unit, administrators all)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from gridcare.assessment import selectors_actions as actions
from gridcare.assessment.actions_access import action_get_for_scope
from gridcare.assessment.models import ImprovementAction
from gridcare.assessment.rules.actions import FIGURE_LABELS, evaluation_sentence
from gridcare.assessment.services import actions as service
from gridcare.core.paging import api_page
from gridcare.core.timezone import business_date
from gridcare.org.access import scope_for
from gridcare.org.api import ERRORS, ErrorOut

router = Router(tags=["assessment"])


class ActionOut(Schema):
    id: int
    title: str
    description: str
    owner: str  # 工号
    owner_name: str
    level: str  # person, counter, hall, unit
    subject: str  # 工号, H1/3 (hall code/counter number), a hall's or unit's code
    subject_name: str
    figure: str  # a code of rules.figures.FIGURE_DIRECTION
    figure_label: str
    expected_change: Decimal  # percentage points for a rate, minutes for a time, per day for a count
    started_on: date
    due_on: date
    window_days: int
    status: str  # in_progress, due, evaluated
    result: str  # "" (not yet), effective, not_shown, worse
    evaluation: dict[str, Any]  # before, after (start, end, value, n), test, statistic, p_value …
    evaluation_sentence: str
    evaluated_at: datetime | None
    created_at: datetime


class ActionIn(Schema):
    title: str
    owner: str  # 工号 of a person in reach
    level: str  # person, counter, hall, unit
    subject: str  # in reach: 工号, H1/3, a hall's or unit's code
    figure: str
    expected_change: str  # a number in the figure's human units, signed the way it improves
    started_on: str  # ISO date
    due_on: str  # ISO date, not before started_on
    description: str = ""
    window_days: int | None = None  # default GRIDCARE_ASSESSMENT_ACTION_WINDOW_DAYS (30)


def _out(action: ImprovementAction, names: dict[tuple[str, int], str] | None = None) -> dict[str, Any]:
    found = names if names is not None else actions.subject_names([action])
    return {
        "id": action.pk,
        "title": action.title,
        "description": action.description,
        "owner": action.owner.employee_no,
        "owner_name": action.owner.name,
        "level": action.level,
        "subject": actions.subject_code(action),
        "subject_name": found.get((action.level, action.subject_id), ""),
        "figure": action.figure,
        "figure_label": str(FIGURE_LABELS.get(action.figure, "")),
        "expected_change": action.expected_change,
        "started_on": action.started_on,
        "due_on": action.due_on,
        "window_days": action.window_days,
        "status": actions.status_of(action, business_date()),
        "result": action.result,
        "evaluation": action.evaluation,
        "evaluation_sentence": evaluation_sentence(action.evaluation),
        "evaluated_at": action.evaluated_at,
        "created_at": action.created_at,
    }


@router.get("/assessment/actions", response={200: list[ActionOut], 422: ErrorOut})
def action_list(
    request: HttpRequest,
    response: HttpResponse,
    status: str = "",
    result: str = "",
    owner: str = "",
    page: int = 1,
    page_size: int | None = None,
) -> list[dict[str, Any]]:
    """The actions in the caller's reach (and those it owns), newest first, filtered by
    ``status`` (in_progress, due, evaluated), ``result`` (pending, effective, not_shown, worse)
    and ``owner`` (工号). Pages of ``?page=`` / ``?page_size=``; the total is in X-Total-Count."""
    rows = actions.action_list(
        scope=scope_for(request.user), today=business_date(), status=status, result=result, owner=owner
    )
    return api_page(response, rows, page=page, page_size=page_size, dress=_out)


@router.post("/assessment/actions", response={201: ActionOut, **ERRORS})
def action_create(request: HttpRequest, payload: ActionIn) -> tuple[int, dict[str, Any]]:
    """Record an improvement action (ACTION_EDIT) on a subject in the caller's reach. A bad value
    is a 422 naming its field; nothing is written."""
    scope = scope_for(request.user)
    action = service.action_create(scope=scope, actor=request.user, data=service.NewAction(**payload.dict()))
    return 201, _out(action)


@router.get("/assessment/actions/{int:action_id}", response={200: ActionOut, 404: ErrorOut})
def action_detail(request: HttpRequest, action_id: int) -> dict[str, Any]:
    """One action with its evaluation (404 outside the caller's reach, as a missing one)."""
    return _out(action_get_for_scope(scope=scope_for(request.user), action_id=action_id))


@router.post("/assessment/actions/{int:action_id}/evaluate", response={200: ActionOut, **ERRORS})
def action_evaluate(request: HttpRequest, action_id: int) -> dict[str, Any]:
    """Evaluate now (ACTION_EDIT; after the due date, with what is rolled up of the window
    after it: 409 before). The same data again changes nothing and answers the same."""
    done = service.action_evaluate(scope=scope_for(request.user), actor=request.user, action_id=action_id)
    return _out(done.action)
