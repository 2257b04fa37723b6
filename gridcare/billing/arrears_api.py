"""Staff API of arrears (issue 19), under the billing prefix:

- ``POST /api/v1/accounts/{account_no}/instalment-plans/preview`` {count, first_due} → the total and instalments (no write)
- ``POST /api/v1/accounts/{account_no}/instalment-plans`` {count, first_due, reason, request_key} → 201, 200 same key
- ``GET /api/v1/instalment-plans/{plan_id}`` → the plan, its schedule and state
- ``POST /api/v1/instalment-plans/{plan_id}/decision`` {approve, note} → by a second person
- ``POST /api/v1/accounts/{account_no}/protection`` {reason, evidence, review_on} → 201
- ``POST /api/v1/bills/{bill_id}/cutoff-approval`` {note} → a supervisor's approval (protected customers)
- ``POST /api/v1/bills/{bill_id}/cutoff-plan`` {planned_at} → the cut-off time and its 30-minute warning
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from gridcare.billing.access import bill_get_for_scope, plan_get_for_scope
from gridcare.billing.models import InstalmentPlan
from gridcare.billing.services.cutoffs import cutoff_approve, cutoff_schedule, protected_record
from gridcare.billing.services.instalments import (
    PlanIn,
    instalment_preview,
    plan_decide,
    plan_request,
    plan_schedule,
)
from gridcare.core.timezone import business_date
from gridcare.customers.access import account_get_for_scope
from gridcare.org.access import Capability, require
from gridcare.org.api import ERRORS, scoped_get

router = Router(tags=["billing"])


class PreviewIn(Schema):
    count: int
    first_due: date


class PlanSchemaIn(PreviewIn):
    reason: str
    request_key: str


class InstalmentOut(Schema):
    number: int
    due_date: date
    amount: Decimal
    paid: Decimal


class PreviewOut(Schema):
    start_on: date
    total: Decimal
    bills: list[str]  # periods
    instalments: list[InstalmentOut]


class InstalmentPlanOut(Schema):
    id: int
    account_no: str
    status: str
    total: Decimal
    count: int
    start_on: date
    broken_on: date | None
    instalments: list[InstalmentOut]
    created: bool = False


class InstalmentDecisionIn(Schema):
    approve: bool
    note: str = ""


class ProtectionIn(Schema):
    reason: str
    evidence: str
    review_on: date


class ProtectionOut(Schema):
    id: int
    account_no: str
    reason: str
    review_on: date


class ArrearsNoteIn(Schema):
    note: str


class CutoffPlanIn(Schema):
    planned_at: datetime


class CutoffOut(Schema):
    bill: int
    at: datetime  # approved at, or the planned cut-off
    warn_at: datetime | None = None


def _plan_out(plan: InstalmentPlan, created: bool = False) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "account_no": plan.account.account_no,
        "status": plan.status,
        "total": plan.total,
        "count": plan.count,
        "start_on": plan.start_on,
        "broken_on": plan.broken_on,
        "instalments": [
            {"number": i.number, "due_date": i.due_date, "amount": i.amount, "paid": paid}
            for i, paid in plan_schedule(plan)
        ],
        "created": created,
    }


@router.post("/accounts/{account_no}/instalment-plans/preview", response={200: PreviewOut, **ERRORS})
def instalment_plan_preview(request: HttpRequest, account_no: str, payload: PreviewIn) -> dict[str, Any]:
    scope, account = scoped_get(request, account_get_for_scope, account_no=account_no)
    data = PlanIn(count=payload.count, first_due=payload.first_due, reason="-", request_key="preview")
    preview = instalment_preview(scope=scope, account=account, data=data)
    return {
        "start_on": preview.start_on,
        "total": preview.total,
        "bills": [b.period for b in preview.bills],
        "instalments": [
            {"number": n, "due_date": due, "amount": amount, "paid": Decimal("0.00")}
            for n, (due, amount) in enumerate(preview.lines, start=1)
        ],
    }


@router.post(
    "/accounts/{account_no}/instalment-plans", response={200: InstalmentPlanOut, 201: InstalmentPlanOut, **ERRORS}
)
def instalment_plan_create(request: HttpRequest, account_no: str, payload: PlanSchemaIn) -> tuple[int, dict[str, Any]]:
    scope, account = scoped_get(request, account_get_for_scope, account_no=account_no)
    data = PlanIn(**payload.dict())
    plan, created = plan_request(scope=scope, actor=request.user, account=account, data=data)  # type: ignore[arg-type]
    return (201 if created else 200), _plan_out(plan, created)


@router.get("/instalment-plans/{plan_id}", response={200: InstalmentPlanOut, **ERRORS})
def instalment_plan_get(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    scope, plan = scoped_get(request, plan_get_for_scope, plan_id=plan_id)
    require(scope, Capability.INSTALMENT_APPROVE)
    return _plan_out(plan)


@router.post("/instalment-plans/{plan_id}/decision", response={200: InstalmentPlanOut, **ERRORS})
def instalment_plan_decision(request: HttpRequest, plan_id: int, payload: InstalmentDecisionIn) -> dict[str, Any]:
    scope, plan = scoped_get(request, plan_get_for_scope, plan_id=plan_id)
    done = plan_decide(scope=scope, actor=request.user, plan=plan, approve=payload.approve, note=payload.note)  # type: ignore[arg-type]
    return _plan_out(done)


@router.post("/accounts/{account_no}/protection", response={201: ProtectionOut, **ERRORS})
def protection_create(request: HttpRequest, account_no: str, payload: ProtectionIn) -> tuple[int, dict[str, Any]]:
    scope, account = scoped_get(request, account_get_for_scope, account_no=account_no)
    made = protected_record(
        scope=scope,
        actor=request.user,  # type: ignore[arg-type]
        account=account,
        reason=payload.reason,
        evidence=payload.evidence,
        review_on=payload.review_on,
        today=business_date(),
    )
    return 201, {"id": made.pk, "account_no": account.account_no, "reason": made.reason, "review_on": made.review_on}


@router.post("/bills/{bill_id}/cutoff-approval", response={201: CutoffOut, **ERRORS})
def cutoff_approval_create(request: HttpRequest, bill_id: int, payload: ArrearsNoteIn) -> tuple[int, dict[str, Any]]:
    scope, bill = scoped_get(request, bill_get_for_scope, bill_id=bill_id)
    approval = cutoff_approve(scope=scope, actor=request.user, bill=bill, note=payload.note)  # type: ignore[arg-type]
    return 201, {"bill": bill.pk, "at": approval.approved_at}


@router.post("/bills/{bill_id}/cutoff-plan", response={201: CutoffOut, **ERRORS})
def cutoff_plan_create(request: HttpRequest, bill_id: int, payload: CutoffPlanIn) -> tuple[int, dict[str, Any]]:
    scope, bill = scoped_get(request, bill_get_for_scope, bill_id=bill_id)
    plan = cutoff_schedule(scope=scope, actor=request.user, bill=bill, planned_at=payload.planned_at)  # type: ignore[arg-type]
    return 201, {"bill": bill.pk, "at": plan.planned_at, "warn_at": plan.warn_at}
