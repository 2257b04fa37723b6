"""Corrections API (issue 19), under /api/v1/billing/: cancel and re-bill requests and their
decision, credit and debit notes and theirs, a batch re-bill's progress."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Router, Schema

from gridcare.billing.access import (
    adjustment_get_for_scope,
    bill_get_for_scope,
    correction_get_for_scope,
    rebill_batch_get_for_scope,
)
from gridcare.billing.models import Adjustment, BillCorrection
from gridcare.billing.services.adjustments import AdjustmentIn, adjustment_decide, adjustment_request
from gridcare.billing.services.rebill import CorrectionIn, correction_decide, correction_request
from gridcare.billing.services.rebill_batch import rebill_batch_launch, rebill_batch_request
from gridcare.customers.access import account_get_for_scope
from gridcare.org.access import scope_for
from gridcare.org.api import ERRORS, scoped_get

router = Router(tags=["billing"])


class CorrectionSchemaIn(Schema):
    reason: str  # reading / tariff / topup / other
    note: str
    request_key: str  # the client's: the same key again is the same request
    kwh: Decimal | None = None  # the corrected reading (empty: as it stands)
    kwh_peak: Decimal | None = None
    kwh_valley: Decimal | None = None


class CorrectionOut(Schema):
    id: int
    bill: int
    status: str
    reason: str
    old_amount: Decimal
    preview_amount: Decimal
    new_bill: int | None
    requested_at: datetime
    created: bool


class CorrectionDecisionIn(Schema):
    approve: bool
    note: str = ""


def _correction_out(c: BillCorrection, created: bool = False) -> dict[str, Any]:
    return {
        "id": c.pk,
        "bill": c.bill_id,
        "status": c.status,
        "reason": c.reason,
        "old_amount": c.old_amount,
        "preview_amount": c.preview_amount,
        "new_bill": c.new_bill_id,
        "requested_at": c.requested_at,
        "created": created,
    }


@router.post("/bills/{bill_id}/corrections", response={200: CorrectionOut, 201: CorrectionOut, **ERRORS})
def correction_create(request: HttpRequest, bill_id: int, payload: CorrectionSchemaIn) -> tuple[int, dict[str, Any]]:
    """Ask to cancel and re-bill a bill: 201 new, 200 the same request key again."""
    scope, bill = scoped_get(request, bill_get_for_scope, bill_id=bill_id)
    data = CorrectionIn(**payload.dict())
    correction, created = correction_request(scope=scope, actor=request.user, bill=bill, data=data)  # type: ignore[arg-type]
    return (201 if created else 200), _correction_out(correction, created)


@router.post("/corrections/{correction_id}/decision", response={200: CorrectionOut, **ERRORS})
def correction_decision(request: HttpRequest, correction_id: int, payload: CorrectionDecisionIn) -> dict[str, Any]:
    """A second person approves (the bill is cancelled and billed again) or rejects."""
    scope, correction = scoped_get(request, correction_get_for_scope, correction_id=correction_id)
    done = correction_decide(
        scope=scope,
        actor=request.user,  # type: ignore[arg-type]
        correction=correction,
        approve=payload.approve,
        note=payload.note,
    )
    return _correction_out(done)


class AdjustmentSchemaIn(Schema):
    kind: str  # credit / debit
    reason: str
    amount: Decimal
    note: str
    request_key: str


class AdjustmentOut(Schema):
    id: int
    account_no: str
    kind: str
    reason: str
    amount: Decimal
    status: str
    bill: int | None
    created: bool


def _adjustment_out(a: Adjustment, created: bool = False) -> dict[str, Any]:
    fields = ("kind", "reason", "amount", "status")
    return {
        "id": a.pk,
        "account_no": a.account.account_no,
        **{f: getattr(a, f) for f in fields},
        "bill": a.bill_id,
        "created": created,
    }


@router.post("/accounts/{account_no}/adjustments", response={200: AdjustmentOut, 201: AdjustmentOut, **ERRORS})
def adjustment_create(request: HttpRequest, account_no: str, payload: AdjustmentSchemaIn) -> tuple[int, dict[str, Any]]:
    """A credit or debit note for the account's next bill: 201 new, 200 the same key again."""
    scope = scope_for(request.user)
    account = account_get_for_scope(scope=scope, account_no=account_no)
    note, created = adjustment_request(
        scope=scope,
        actor=request.user,  # type: ignore[arg-type]
        account=account,
        data=AdjustmentIn(**payload.dict()),
    )
    return (201 if created else 200), _adjustment_out(note, created)


@router.post("/adjustments/{adjustment_id}/decision", response={200: AdjustmentOut, **ERRORS})
def adjustment_decision(request: HttpRequest, adjustment_id: int, payload: CorrectionDecisionIn) -> dict[str, Any]:
    scope, note = scoped_get(request, adjustment_get_for_scope, adjustment_id=adjustment_id)
    done = adjustment_decide(
        scope=scope,
        actor=request.user,  # type: ignore[arg-type]
        adjustment=note,
        approve=payload.approve,
        note=payload.note,
    )
    return _adjustment_out(done)


class RebillBatchOut(Schema):
    id: int
    period: str
    tariff_code: str
    status: str
    total: int
    rebilled: int
    unchanged: int
    amount_before: Decimal
    amount_after: Decimal
    started_at: datetime
    finished_at: datetime | None


class RebillBatchIn(Schema):
    period: str  # YYYY-MM
    tariff_code: str  # the corrected tariff's code
    reason: str
    request_key: str  # the client's: the same key again is the same batch


class RebillBatchStarted(RebillBatchOut):
    created: bool


@router.post("/rebill-batches", response={200: RebillBatchStarted, 201: RebillBatchStarted, **ERRORS})
def rebill_batch_create(request: HttpRequest, payload: RebillBatchIn) -> tuple[int, dict[str, Any]]:
    """Start the batch re-bill of a period's bills of a corrected tariff; it runs in the
    background (its progress: GET /rebill-batches/{id}). 201 started, 200 the same request key
    again, or the batch of that period and tariff already running."""
    batch, created = rebill_batch_request(
        scope=scope_for(request.user),
        actor=request.user,  # type: ignore[arg-type]
        **payload.dict(),
    )
    if created:
        transaction.on_commit(lambda: rebill_batch_launch(batch))
    out = {f: getattr(batch, f) for f in RebillBatchOut.model_fields}
    return (201 if created else 200), {**out, "created": created}


@router.get("/rebill-batches/{rebill_id}", response={200: RebillBatchOut, **ERRORS})
def rebill_batch_status(request: HttpRequest, rebill_id: int) -> Any:
    """A batch re-bill's progress (bills re-billed, left unchanged, amounts before and after)."""
    _scope, batch = scoped_get(request, rebill_batch_get_for_scope, rebill_id=rebill_id)
    return batch
