"""The key-account portfolio's API (KEY-1): the portfolio (paged, filtered as the page), one
account, assigning a 大客户经理 or 台区经理, and the needs analysis. Thin: access, service,
answer (the pages call the same selectors and services)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from gridcare.core.exceptions import InvalidInput
from gridcare.core.paging import api_page
from gridcare.customers.models import Account
from gridcare.keyaccounts import selectors
from gridcare.keyaccounts.access import account_get_for_scope
from gridcare.keyaccounts.services import portfolio as services
from gridcare.org.access import Capability, require
from gridcare.org.api import ERRORS, scoped_get

router = Router(tags=["key-accounts"])


class PortfolioRowOut(Schema):
    account_no: str
    name: str
    supply_unit: str
    importance_grade: str
    contract_capacity_kva: Decimal
    industry: str
    impact_grade: str
    manager: str | None  # the 大客户经理's 工号
    last_visit: date | None
    next_visit: date | None
    open_orders: int
    open_complaints: int
    arrears: Decimal
    open_findings: int


def portfolio_row_out(a: Account) -> dict[str, Any]:
    return {
        "account_no": a.account_no,
        "name": a.customer.name,
        "supply_unit": a.supply_unit.code,
        "importance_grade": a.importance_grade,
        "contract_capacity_kva": a.contract_capacity_kva,
        "industry": getattr(a, "industry", ""),
        "impact_grade": getattr(a, "impact", ""),
        "manager": a.key_account_manager.employee_no if a.key_account_manager else None,
        "last_visit": getattr(a, "last_visit", None),
        "next_visit": getattr(a, "next_visit", None),
        "open_orders": getattr(a, "open_orders", 0),
        "open_complaints": getattr(a, "open_complaints", 0),
        "arrears": getattr(a, "arrears", None) or Decimal("0.00"),
        "open_findings": getattr(a, "open_findings", 0),
    }


@router.get("/key-accounts/portfolio", response={200: list[PortfolioRowOut], **ERRORS})
def portfolio(
    request: HttpRequest,
    response: HttpResponse,
    unit: str = "",
    grade: str = "",
    industry: str = "",
    manager: str = "",
    q: str = "",
    page: int = 1,
    page_size: int | None = None,
) -> list[Any]:
    """The accounts of the caller's portfolio (大客户经理 their own, 台区经理 their 台区',
    supervisors the unit's key accounts), the most important first (X-Total-Count)."""
    scope = require(request.user, Capability.KEY_PORTFOLIO)
    clean = {
        k: str(v).replace("\x00", "")[:40]
        for k, v in (("unit", unit), ("grade", grade), ("industry", industry), ("manager", manager), ("q", q))
    }
    rows = selectors.portfolio(scope=scope, filters=selectors.PortfolioFilters(**clean))
    return api_page(response, rows, page=page, page_size=page_size, dress=portfolio_row_out)


class VisitBrief(Schema):
    id: int
    planned_for: date
    status: str
    manager: str
    purpose: str


class KeyAccountOut(PortfolioRowOut):
    address: str
    visits: list[VisitBrief]
    current_plan_version: int | None
    next_visit_on: date | None


@router.get("/key-accounts/portfolio/{account_no}", response={200: KeyAccountOut, **ERRORS})
def account(request: HttpRequest, account_no: str) -> dict[str, Any]:
    """One account of the caller's portfolio: its figures, latest visits and current plan."""
    require(request.user, Capability.KEY_PORTFOLIO)
    scope, found = scoped_get(request, account_get_for_scope, account_no=account_no)
    row = selectors.portfolio(scope=scope).filter(pk=found.pk).first() or found
    profile = selectors.profile_get(found)
    plan = selectors.current_plan(found)
    return {
        **portfolio_row_out(row),
        "address": found.address,
        "visits": [
            {
                "id": v.pk,
                "planned_for": v.planned_for,
                "status": v.status,
                "manager": v.manager.employee_no,
                "purpose": v.purpose,
            }
            for v in selectors.visits_of(found, limit=10)
        ],
        "current_plan_version": plan.version if plan else None,
        "next_visit_on": profile.next_visit_on if profile else None,
    }


class AssignIn(Schema):
    kind: str  # "key_account" (an account's 大客户经理) or "community" (a 台区's 台区经理)
    account_no: str = ""
    area: str = ""  # the 台区's code
    staff: str = ""  # the person's 工号; empty: nobody any more
    reason: str


class AssignOut(Schema):
    kind: str
    account_no: str | None
    area: str | None
    staff: str | None


@router.post("/key-accounts/assignments", response={200: AssignOut, **ERRORS})
def assign(request: HttpRequest, payload: AssignIn) -> dict[str, Any]:
    """Give an account a 大客户经理 or a 台区 a 台区经理 (KEY_ASSIGN: supervisors their unit),
    through the archive's own service, with the history."""
    scope = require(request.user, Capability.KEY_ASSIGN)
    if payload.kind == "community":
        area = services.area_assign(
            scope=scope, actor=request.user, area_code=payload.area, employee_no=payload.staff, reason=payload.reason
        )
        person = area.community_manager
        return {
            "kind": "community",
            "account_no": None,
            "area": area.code,
            "staff": person.employee_no if person else None,
        }
    if payload.kind != "key_account":
        raise InvalidInput(_kind_message(), errors={"kind": _kind_message()})
    done = services.account_assign(
        scope=scope, actor=request.user, account_no=payload.account_no, employee_no=payload.staff, reason=payload.reason
    )
    kam = done.key_account_manager
    return {
        "kind": "key_account",
        "account_no": done.account_no,
        "area": None,
        "staff": kam.employee_no if kam else None,
    }


def _kind_message() -> str:
    from django.utils.translation import gettext as _

    return _("分配类型应为 key_account（大客户经理）或 community（台区经理）。")


class NeedRowOut(Schema):
    label: str
    total: int
    open: int
    met: int


class NeedsOut(Schema):
    category: list[NeedRowOut]
    industry: list[NeedRowOut]
    unit: list[NeedRowOut]


@router.get("/key-accounts/needs/analysis", response={200: NeedsOut, **ERRORS})
def needs(request: HttpRequest) -> dict[str, Any]:
    """The needs named at visits, counted by category, industry (GB/T 4754) and unit: all, still
    open (open or in progress) and met."""
    scope = require(request.user, Capability.KEY_PORTFOLIO)
    tables = selectors.needs_analysis(scope=scope)
    return {
        key: [{"label": label, "total": total, "open": still, "met": met} for label, total, still, met in rows]
        for key, rows in tables.items()
    }
