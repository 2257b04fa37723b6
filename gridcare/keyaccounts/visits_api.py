"""The key-account visits' and plans' API (KEY-2): visits of a month in reach, planning,
recording with the structured facts, cancelling; an account's plan versions, a new version and
a version's PDF. Thin: access, service, answer."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from gridcare.core.paging import api_page
from gridcare.keyaccounts import selectors
from gridcare.keyaccounts.access import account_get_for_scope, plan_get_for_scope, staff_get, visit_get_for_scope
from gridcare.keyaccounts.models import EmergencyPlan, Visit
from gridcare.keyaccounts.plan_pdf import plan_pdf
from gridcare.keyaccounts.services import plans as plan_services
from gridcare.keyaccounts.services import visits as services
from gridcare.org.access import Capability, require
from gridcare.org.api import ERRORS, scoped_get
from gridcare.org.models import Role

router = Router(tags=["key-accounts"])


class VisitOut(Schema):
    id: int
    account_no: str
    manager: str
    planned_for: date
    status: str
    purpose: str
    visited_at: datetime | None
    summary: str
    load_composition: list[dict[str, Any]]
    critical_steps: list[dict[str, Any]]
    own_generation: list[dict[str, Any]]
    impact_grade: str
    satisfaction: str


def visit_out(v: Visit) -> dict[str, Any]:
    return {
        "id": v.pk,
        "account_no": v.account.account_no,
        "manager": v.manager.employee_no,
        "planned_for": v.planned_for,
        "status": v.status,
        "purpose": v.purpose,
        "visited_at": v.visited_at,
        "summary": v.summary,
        "load_composition": v.load_composition,
        "critical_steps": v.critical_steps,
        "own_generation": v.own_generation,
        "impact_grade": v.impact_grade,
        "satisfaction": v.satisfaction,
    }


@router.get("/key-accounts/visits", response={200: list[VisitOut], **ERRORS})
def visit_list(
    request: HttpRequest,
    response: HttpResponse,
    month: str = "",
    manager: str = "",
    page: int = 1,
    page_size: int | None = None,
) -> list[Any]:
    """The visits of a month (YYYY-MM, this month by default) in the caller's reach; a
    大客户经理 their own, a supervisor one manager's (``manager``: 工号) or all (X-Total-Count)."""
    scope = require(request.user, Capability.KEY_VISIT)
    person = scope.staff if scope.role == Role.KEY_ACCOUNT_MANAGER else None
    if person is None and manager:
        person = staff_get(scope=scope, employee_no=manager, role=Role.KEY_ACCOUNT_MANAGER)
    rows = selectors.month_visits(scope=scope, manager=person, first=selectors.month_start(str(month)))
    return api_page(response, rows, page=page, page_size=page_size, dress=visit_out)


class PlanVisitIn(Schema):
    day: str  # YYYY-MM-DD, from today to a year ahead
    purpose: str
    manager: str = ""  # a supervisor: the visiting 大客户经理's 工号 (default: the account's)


@router.post("/key-accounts/portfolio/{account_no}/visits", response={201: VisitOut, **ERRORS})
def visit_plan(request: HttpRequest, account_no: str, payload: PlanVisitIn) -> tuple[int, dict[str, Any]]:
    require(request.user, Capability.KEY_VISIT)
    scope, account = scoped_get(request, account_get_for_scope, account_no=account_no)
    made = services.visit_plan(
        scope=scope,
        actor=request.user,
        account=account,
        day=payload.day,
        purpose=payload.purpose,
        manager=payload.manager,
    )
    return 201, visit_out(made)


class RecordIn(Schema):
    """The visit's facts (see keyaccounts.rules.facts): shares summing to 100, minutes 0 or more…"""

    summary: str = ""
    load_composition: list[dict[str, Any]] = []
    critical_steps: list[dict[str, Any]] = []
    own_generation: list[dict[str, Any]] = []
    impact_grade: str
    satisfaction: str
    needs: list[dict[str, Any]] = []
    follow_ups: list[dict[str, Any]] = []  # {"text", "owner": 工号, "due_on": YYYY-MM-DD}


@router.post("/key-accounts/visits/{visit_id}/record", response={200: VisitOut, **ERRORS})
def visit_record(request: HttpRequest, visit_id: int, payload: RecordIn) -> dict[str, Any]:
    require(request.user, Capability.KEY_VISIT)
    scope, found = scoped_get(request, visit_get_for_scope, visit_id=visit_id)
    done = services.visit_record(
        scope=scope, actor=request.user, visit=found, data=services.VisitFacts(**payload.dict())
    )
    return visit_out(done)


class VisitCancelIn(Schema):
    reason: str


@router.post("/key-accounts/visits/{visit_id}/cancel", response={200: VisitOut, **ERRORS})
def visit_cancel(request: HttpRequest, visit_id: int, payload: VisitCancelIn) -> dict[str, Any]:
    require(request.user, Capability.KEY_VISIT)
    scope, found = scoped_get(request, visit_get_for_scope, visit_id=visit_id)
    return visit_out(services.visit_cancel(scope=scope, actor=request.user, visit=found, reason=payload.reason))


class PlanOut(Schema):
    id: int
    account_no: str
    version: int
    critical_loads: list[dict[str, Any]]
    backup_sources: list[dict[str, Any]]
    contacts: list[dict[str, Any]]
    switching_steps: list[str]
    last_drill_on: date | None
    review_due_on: date
    note: str
    created_at: datetime


def plan_out(p: EmergencyPlan) -> dict[str, Any]:
    return {
        "id": p.pk,
        "account_no": p.account.account_no,
        "version": p.version,
        "critical_loads": p.critical_loads,
        "backup_sources": p.backup_sources,
        "contacts": p.contacts,
        "switching_steps": p.switching_steps,
        "last_drill_on": p.last_drill_on,
        "review_due_on": p.review_due_on,
        "note": p.note,
        "created_at": p.created_at,
    }


@router.get("/key-accounts/portfolio/{account_no}/plans", response={200: list[PlanOut], **ERRORS})
def plan_list(request: HttpRequest, account_no: str) -> list[dict[str, Any]]:
    """Every version of the account's plan, the current (newest) first."""
    require(request.user, Capability.KEY_PORTFOLIO)
    _scope, account = scoped_get(request, account_get_for_scope, account_no=account_no)
    return [plan_out(p) for p in selectors.plans_of(account)]


class PlanIn(Schema):
    critical_loads: list[dict[str, Any]]
    backup_sources: list[dict[str, Any]] = []
    contacts: list[dict[str, Any]]
    switching_steps: list[str] = []
    last_drill_on: str | None = None
    review_due_on: str | None = None  # default: PLAN_REVIEW_MONTHS from today
    note: str = ""


@router.post("/key-accounts/portfolio/{account_no}/plans", response={201: PlanOut, **ERRORS})
def plan_create(request: HttpRequest, account_no: str, payload: PlanIn) -> tuple[int, dict[str, Any]]:
    """A new version of the account's plan (the previous one stays)."""
    require(request.user, Capability.KEY_PLAN_EDIT)
    scope, account = scoped_get(request, account_get_for_scope, account_no=account_no)
    made = plan_services.plan_create(
        scope=scope,
        actor=request.user,
        account=account,
        data=plan_services.PlanData(**payload.dict()),
        copied_from=selectors.current_plan(account),
    )
    return 201, plan_out(made)


@router.get("/key-accounts/plans/{plan_id}/pdf", response={200: None, **ERRORS})
def plan_file(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The version printed as a PDF in Chinese."""
    require(request.user, Capability.KEY_PORTFOLIO)
    _scope, found = scoped_get(request, plan_get_for_scope, plan_id=plan_id)
    response = HttpResponse(plan_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="plan-{found.account.account_no}-v{found.version}.pdf"'
    return response
