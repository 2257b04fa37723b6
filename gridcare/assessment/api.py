"""The assessment API under /api/v1/assessment/... (issue 14), with the pages' access rules:
supervisors their unit, hall managers their hall, administrators and planners the company,
every other post its own figures."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from gridcare.assessment import selectors
from gridcare.assessment.access import ledger_get_for_scope, sees_others, staff_get_for_scope
from gridcare.assessment.models import LedgerEntry
from gridcare.assessment.rules.ledger import period_error
from gridcare.assessment.rules.period import parse_period
from gridcare.assessment.services import ledger, posts
from gridcare.core.exceptions import InvalidInput, NotFound
from gridcare.core.paging import api_page
from gridcare.core.timezone import business_date
from gridcare.org.access import Capability, require, scope_for
from gridcare.org.api import ERRORS, ErrorOut

router = Router(tags=["assessment"])

Level = Literal["person", "counter", "hall", "unit", "company"]


class FiguresOut(Schema):
    tickets: int
    served: int
    no_show: int
    abandoned: int
    evaluated: int
    satisfied: int
    dissatisfied: int
    wait_mean: float | None
    wait_p90: float | None
    within_target: float | None
    handle_mean: float | None
    handle_p90: float | None
    satisfaction_rate: float | None
    no_show_rate: float | None
    abandonment_rate: float | None
    received: int
    complaints: int
    closed: int
    deadlines_due: int
    deadlines_met: int
    deadline_rate: float | None
    callbacks_reached: int
    callbacks_satisfied: int
    callback_rate: float | None
    verified: int
    target_minutes: int


class FigureRowOut(Schema):
    level: Level
    key: int
    name: str
    start: str
    end: str
    figures: FiguresOut


def _dress(start: str, end: str) -> Any:
    def dress(row: selectors.FigureRow) -> dict[str, Any]:
        return {
            "level": row.level,
            "key": row.key,
            "name": row.name,
            "start": start,
            "end": end,
            "figures": asdict(row.figures),
        }

    return dress


@router.get("/assessment/figures", response={200: list[FigureRowOut], 422: ErrorOut})
def assessment_figures(
    request: HttpRequest,
    response: HttpResponse,
    level: Level = "hall",
    month: str = "",
    start: str = "",
    end: str = "",
    page: int = 1,
    page_size: int | None = None,
) -> list[dict[str, Any]]:
    """The figures of every subject of ``level`` in the caller's reach for ``month`` (YYYY-MM)
    or ``start``..``end`` (default: this month up to yesterday); a post without the assessment
    capability gets its own person row whatever it asks. Times in minutes, rates 0..1. Pages of
    ``?page=`` / ``?page_size=``; the total is in X-Total-Count."""
    scope = scope_for(request.user)
    period = parse_period(month=month, start=start, end=end, today=business_date())
    chosen = level if sees_others(scope) else "person"
    rows = selectors.figure_rows(scope=scope, start=period.start, end=period.end, level=chosen)
    dress = _dress(f"{period.start:%Y-%m-%d}", f"{period.end:%Y-%m-%d}")
    return api_page(response, rows, page=page, page_size=page_size, dress=dress)


@router.get("/assessment/figures/{level}/{key}", response={200: FigureRowOut, 404: ErrorOut, 422: ErrorOut})
def assessment_figure(
    request: HttpRequest, level: Level, key: int, month: str = "", start: str = "", end: str = ""
) -> dict[str, Any]:
    """One subject's figures (404 when it is not in the caller's reach or has none)."""
    scope = scope_for(request.user)
    period = parse_period(month=month, start=start, end=end, today=business_date())
    row = (
        selectors.figures_of(scope=scope, start=period.start, end=period.end, level=level, key=key)
        if sees_others(scope) or level == "person"
        else None
    )
    if row is None:
        raise NotFound(_("没有这项考核数据，或不在您的范围内。"))
    result: dict[str, Any] = _dress(f"{period.start:%Y-%m-%d}", f"{period.end:%Y-%m-%d}")(row)
    return result


# -- post states and the rewards ledger (ASSESS-1, ASSESS-3, WO-7) ------------------------------
# The pages' rules: supervisors their unit, hall managers their hall, administrators and planners
# the company, every other post its own row; changes through the same services as the pages.

PostStateCode = Literal["training", "on_duty", "assessment", "rotation", "standby"]
LedgerStatusCode = Literal["proposed", "approved", "rejected", "withdrawn"]


class PostStateOut(Schema):
    employee_no: str
    name: str
    role: str
    place: str
    state: PostStateCode
    state_label: str
    since: datetime | None


class PostStateIn(Schema):
    employee_no: str
    state: PostStateCode
    reason: str
    retraining: str = ""  # required when the person leaves standby (待岗): the retraining done


def _post_out(row: selectors.PostRow) -> dict[str, Any]:
    return asdict(row)


@router.get("/assessment/post-states", response={200: list[PostStateOut], 422: ErrorOut})
def post_states(
    request: HttpRequest, response: HttpResponse, state: str = "", page: int = 1, page_size: int | None = None
) -> list[dict[str, Any]]:
    """The people in the caller's reach with their current post state (on duty when never
    changed), of one state with ``?state=``, by 工号. Pages of ``?page=`` / ``?page_size=``;
    the total is in X-Total-Count."""
    people = selectors.post_list(scope=scope_for(request.user), state=state)
    return api_page(response, people, page=page, page_size=page_size, dress=lambda p: _post_out(selectors.post_row(p)))


@router.post("/assessment/post-states", response={201: PostStateOut, **ERRORS})
def post_state_change(request: HttpRequest, payload: PostStateIn) -> tuple[int, dict[str, Any]]:
    """Change a person's post state (POST_STATE_EDIT, in reach, never one's own); leaving
    standby needs STANDBY_LIFT (supervisors, administrators) and ``retraining``."""
    scope = require(scope_for(request.user), Capability.POST_STATE_EDIT)
    person = staff_get_for_scope(scope=scope, employee_no=payload.employee_no)
    posts.post_state_set(
        scope=scope,
        actor=request.user,
        staff=person,
        state=payload.state,
        reason=payload.reason,
        retraining=payload.retraining,
    )
    row = selectors.post_list(scope=scope).get(pk=person.pk)
    return 201, _post_out(selectors.post_row(row))


class LedgerEntryOut(Schema):
    id: int
    employee_no: str
    name: str
    kind: Literal["reward", "penalty"]
    points: int  # signed: a penalty's are negative
    amount: Decimal | None  # yuan, two places
    reason: str
    source_kind: str
    source_ref: str
    period: str
    status: LedgerStatusCode
    proposed_by: str
    proposed_at: datetime
    decided_by: str
    decided_at: datetime | None
    decision_note: str


class LedgerIn(Schema):
    employee_no: str
    kind: Literal["reward", "penalty"]
    points: int = 0  # without its sign: a penalty's are stored negative
    amount: Decimal | None = None  # yuan, at most two places
    reason: str
    source_kind: Literal["complaint_verified", "praise_order", "star_rating", "supervisor_finding", "other"]
    source_ref: str = ""
    period: str  # the month it counts for, YYYY-MM


class DecisionIn(Schema):
    note: str = ""  # required to reject


def _entry_out(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "employee_no": entry.staff.employee_no,
        "name": entry.staff.name,
        "kind": entry.kind,
        "points": entry.points,
        "amount": entry.amount,
        "reason": entry.reason,
        "source_kind": entry.source_kind,
        "source_ref": entry.source_ref,
        "period": entry.period,
        "status": entry.status,
        "proposed_by": selectors.person_label(entry.proposed_by),
        "proposed_at": entry.proposed_at,
        "decided_by": selectors.person_label(entry.decided_by),
        "decided_at": entry.decided_at,
        "decision_note": entry.decision_note,
    }


@router.get("/assessment/ledger", response={200: list[LedgerEntryOut], 422: ErrorOut})
def ledger_entries(
    request: HttpRequest,
    response: HttpResponse,
    employee_no: str = "",
    period: str = "",
    status: str = "",
    page: int = 1,
    page_size: int | None = None,
) -> list[dict[str, Any]]:
    """The ledger entries about the people in the caller's reach (one's own for every post),
    filtered by ``employee_no``, ``period`` (YYYY-MM) and ``status``, newest first. Pages of
    ``?page=`` / ``?page_size=``; the total is in X-Total-Count."""
    if period and period_error(period):
        raise InvalidInput(_("筛选条件有误。"), errors={"period": period_error(period)})
    rows = selectors.ledger_list(scope=scope_for(request.user), employee_no=employee_no, period=period, status=status)
    return api_page(response, rows, page=page, page_size=page_size, dress=_entry_out)


@router.post("/assessment/ledger", response={201: LedgerEntryOut, **ERRORS})
def ledger_create(request: HttpRequest, payload: LedgerIn) -> tuple[int, dict[str, Any]]:
    """Propose a reward or penalty (LEDGER_PROPOSE) for a person in reach, never oneself; it
    counts once a second person approves it. A bad value is a 422 naming its field."""
    scope = require(scope_for(request.user), Capability.LEDGER_PROPOSE)
    data = ledger.NewEntry(**payload.dict())
    try:
        entry = ledger.ledger_propose(scope=scope, actor=request.user, data=data)
    except InvalidInput as exc:  # the service names the person "staff", as the page's picker
        errors = {("employee_no" if k == "staff" else k): v for k, v in exc.errors.items()}
        raise InvalidInput(exc.message, errors=errors) from exc
    return 201, _entry_out(entry)


def _decision(request: HttpRequest, entry_id: int, payload: DecisionIn, decide: Any) -> dict[str, Any]:
    scope = scope_for(request.user)
    entry = decide(scope=scope, actor=request.user, entry_id=entry_id, note=payload.note)
    return _entry_out(ledger_get_for_scope(scope=scope, entry_id=entry.pk))


@router.post("/assessment/ledger/{int:entry_id}/approve", response={200: LedgerEntryOut, **ERRORS})
def ledger_entry_approve(request: HttpRequest, entry_id: int, payload: DecisionIn) -> dict[str, Any]:
    """Approve (LEDGER_APPROVE; not the proposer, not the person it is about). Approving again
    by the same person answers the entry unchanged; any other decision of a decided entry 409."""
    return _decision(request, entry_id, payload, ledger.ledger_approve)


@router.post("/assessment/ledger/{int:entry_id}/reject", response={200: LedgerEntryOut, **ERRORS})
def ledger_entry_reject(request: HttpRequest, entry_id: int, payload: DecisionIn) -> dict[str, Any]:
    """Reject, with ``note`` saying why (LEDGER_APPROVE; a second person)."""
    return _decision(request, entry_id, payload, ledger.ledger_reject)


@router.post("/assessment/ledger/{int:entry_id}/withdraw", response={200: LedgerEntryOut, **ERRORS})
def ledger_entry_withdraw(request: HttpRequest, entry_id: int, payload: DecisionIn) -> dict[str, Any]:
    """The proposer takes back an entry that waits for a decision (LEDGER_PROPOSE)."""
    return _decision(request, entry_id, payload, ledger.ledger_withdraw)


def _add_part_routers() -> None:
    """The parts of the assessment API kept in their own modules, under the same tag."""
    from gridcare.assessment.actions_api import router as actions_router
    from gridcare.assessment.complaints_api import router as complaints_router
    from gridcare.assessment.drivers_api import router as drivers_router
    from gridcare.assessment.reports_api import router as reports_router
    from gridcare.assessment.stars_api import router as stars_router
    from gridcare.assessment.surveys_api import public_router as survey_link_router
    from gridcare.assessment.surveys_api import router as surveys_router
    from gridcare.assessment.topics_api import router as topics_router

    router.add_router("", reports_router)
    router.add_router("", drivers_router)
    router.add_router("", actions_router)
    router.add_router("", complaints_router)
    router.add_router("", topics_router)
    router.add_router("", surveys_router)
    router.add_router("", survey_link_router)  # /api/v1/surveys/{token}: no sign-in
    router.add_router("", stars_router)


_add_part_routers()
