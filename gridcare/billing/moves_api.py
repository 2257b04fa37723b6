"""API of moving out and in, deposits and refunds (issue 19), under the billing router.

* ``POST /accounts/{no}/closure`` (and ``/closure/preview``), ``POST /moves/{id}/completion``,
  ``POST /accounts/{no}/move-in`` (and ``/move-in/preview``: 过户 with the final bill; the
  archive's own ``/transfer`` changes the holder only): ACCOUNT_MOVE.
* ``GET /accounts/{no}/deposit`` (BILL_VIEW), ``POST /accounts/{no}/deposit`` (DEPOSIT_TAKE, at
  the counter), ``POST /accounts/{no}/deposit/application`` (DEPOSIT_APPLY, with a reason).
* ``GET /refunds``, ``POST /accounts/{no}/refunds``, ``POST /refunds/{id}/decision``,
  ``POST /refunds/{id}/paid``, ``POST /refunds/{id}/failed``: the refunds' own capabilities.
Bank account numbers are masked in every answer (the bank's file is the one whole copy)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from gridcare.billing import refund_selectors
from gridcare.billing.access import move_get_for_scope, refund_get_for_scope
from gridcare.billing.models import AccountMove, Refund, RefundStatus
from gridcare.billing.services import moves
from gridcare.billing.services.deposits import deposit_apply, deposit_collect, deposit_state
from gridcare.billing.services.refund_lines import refund_line_failed, refund_line_paid
from gridcare.billing.services.refunds import RefundIn, refund_decide, refund_request
from gridcare.core.exceptions import InvalidInput
from gridcare.customers.access import account_get_for_scope
from gridcare.customers.rules import mask_name
from gridcare.org.access import Capability, require, scope_for
from gridcare.org.api import ERRORS, scoped_get

router = Router(tags=["billing"])


def _user(request: HttpRequest) -> User:
    """The signed-in person (anyone else has no post: the services' ``require`` refuses first)."""
    return cast(User, request.user)


LIST_MAX = 200


class RefundToIn(Schema):
    method: str = ""  # bank / original; "" leaves a credit on the account
    payee_name: str = ""
    bank_name: str = ""
    bank_account: str = ""
    payment_id: int | None = None


class MoveSchemaIn(Schema):
    move_on: date
    reading: Decimal  # the final (closure) or opening (transfer) register reading
    request_key: str
    reason: str = ""
    refund: RefundToIn | None = None


class TransferSchemaIn(MoveSchemaIn):
    new_name: str
    new_id_number: str
    new_phone: str


class OutcomeOut(Schema):
    period: str
    segment: int
    kwh: Decimal
    days: int
    days_in_month: int
    thresholds: list[Decimal]
    amount: Decimal
    owed: Decimal
    from_deposit: Decimal
    from_prepaid: Decimal
    credit: Decimal
    left_owed: Decimal
    sentence: str


class MoveOut(Schema):
    id: int
    account_no: str
    kind: str
    status: str
    move_on: date
    reading: Decimal
    kwh: Decimal
    bill_amount: Decimal | None
    owed: Decimal
    from_deposit: Decimal
    from_prepaid: Decimal
    credit: Decimal
    left_owed: Decimal
    refund: int | None
    created: bool


def _move_in(payload: MoveSchemaIn) -> moves.MoveIn:
    to = payload.refund or RefundToIn()
    extra: dict[str, Any] = {}
    if isinstance(payload, TransferSchemaIn):
        extra = {"new_name": payload.new_name, "new_id_number": payload.new_id_number, "new_phone": payload.new_phone}
    if not (isinstance(to.payment_id, int) and 0 < to.payment_id < 2**62) and to.payment_id is not None:
        raise InvalidInput(_("原缴费记录不存在。"), errors={"payment_id": _("原缴费记录不存在。")})
    return moves.MoveIn(
        move_on=payload.move_on,
        register=payload.reading,
        request_key=payload.request_key,
        reason=payload.reason,
        refund=moves.RefundTo(
            method=to.method,
            payee_name=to.payee_name,
            bank_name=to.bank_name,
            bank_account=to.bank_account,
            payment_id=to.payment_id,
        ),
        **extra,
    )


def _move_out(move: AccountMove, created: bool) -> dict[str, Any]:
    return {
        "id": move.pk,
        "account_no": move.account.account_no,
        "kind": move.kind,
        "status": move.status,
        "move_on": move.move_on,
        "reading": move.register,
        "kwh": move.kwh,
        "bill_amount": move.bill.amount if move.bill is not None else None,
        "owed": move.owed,
        "from_deposit": move.from_deposit,
        "from_prepaid": move.from_prepaid,
        "credit": move.credit,
        "left_owed": move.left_owed,
        "refund": move.refund_id,
        "created": created,
    }


def _outcome_out(outcome: moves.MoveOutcome) -> dict[str, Any]:
    f, s = outcome.final, outcome.settlement
    return {
        "period": f.period,
        "segment": f.segment,
        "kwh": f.kwh,
        "days": f.days,
        "days_in_month": f.days_in_month,
        "thresholds": list(f.thresholds),
        "amount": f.charges.total,
        "owed": s.owed,
        "from_deposit": s.from_deposit,
        "from_prepaid": s.from_prepaid,
        "credit": s.credit,
        "left_owed": s.left_owed,
        "sentence": moves.outcome_sentence(outcome),
    }


@router.post("/accounts/{account_no}/closure/preview", response={200: OutcomeOut, **ERRORS})
def closure_preview(request: HttpRequest, account_no: str, payload: MoveSchemaIn) -> dict[str, Any]:
    scope, account = scoped_get(request, account_get_for_scope, account_no=account_no)
    outcome = moves.move_preview(
        scope=scope, actor=_user(request), account=account, kind="closure", data=_move_in(payload)
    )
    return _outcome_out(outcome)


@router.post("/accounts/{account_no}/closure", response={200: MoveOut, 201: MoveOut, **ERRORS})
def closure(request: HttpRequest, account_no: str, payload: MoveSchemaIn) -> tuple[int, dict[str, Any]]:
    """销户: 201 the first time, 200 with the same move for the same request_key."""
    scope, account = scoped_get(request, account_get_for_scope, account_no=account_no)
    move, created = moves.account_close(scope=scope, actor=_user(request), account=account, data=_move_in(payload))
    return (201 if created else 200), _move_out(move, created)


@router.post("/accounts/{account_no}/move-in/preview", response={200: OutcomeOut, **ERRORS})
def transfer_preview(request: HttpRequest, account_no: str, payload: TransferSchemaIn) -> dict[str, Any]:
    scope, account = scoped_get(request, account_get_for_scope, account_no=account_no)
    outcome = moves.move_preview(
        scope=scope, actor=_user(request), account=account, kind="transfer", data=_move_in(payload)
    )
    return _outcome_out(outcome)


@router.post("/accounts/{account_no}/move-in", response={200: MoveOut, 201: MoveOut, **ERRORS})
def transfer(request: HttpRequest, account_no: str, payload: TransferSchemaIn) -> tuple[int, dict[str, Any]]:
    """过户 at an opening reading: 201 the first time, 200 for the same request_key."""
    scope, account = scoped_get(request, account_get_for_scope, account_no=account_no)
    move, created = moves.account_move_in(scope=scope, actor=_user(request), account=account, data=_move_in(payload))
    return (201 if created else 200), _move_out(move, created)


class CompletionIn(Schema):
    refund: RefundToIn | None = None


@router.post("/moves/{move_id}/completion", response={200: MoveOut, **ERRORS})
def closure_completion(request: HttpRequest, move_id: int, payload: CompletionIn) -> dict[str, Any]:
    """A 待结清 closure completed once nothing is owed (409 while anything is)."""
    scope, move = scoped_get(request, move_get_for_scope, move_id=move_id)
    to = payload.refund or RefundToIn()
    refund = moves.RefundTo(
        method=to.method, payee_name=to.payee_name, bank_name=to.bank_name, bank_account=to.bank_account
    )
    done = moves.closure_complete(scope=scope, actor=_user(request), move=move, refund=refund)
    return _move_out(move_get_for_scope(scope=scope, move_id=done.pk), False)


# --- deposits -------------------------------------------------------------------------------


class DepositOut(Schema):
    account_no: str
    required: Decimal
    held: Decimal
    short: Decimal


class DepositIn(Schema):
    amount: Decimal
    channel: str  # counter_cash / counter_card
    request_key: str


class DepositPaidOut(DepositOut):
    payment: int
    created: bool


class ApplicationIn(Schema):
    reason: str


class ApplicationOut(DepositOut):
    applied: Decimal


def _deposit_out(account_no: str, state: Any) -> dict[str, Any]:
    return {"account_no": account_no, "required": state.required, "held": state.held, "short": state.short}


@router.get("/accounts/{account_no}/deposit", response={200: DepositOut, **ERRORS})
def deposit(request: HttpRequest, account_no: str) -> dict[str, Any]:
    scope, account = scoped_get(request, account_get_for_scope, account_no=account_no)
    require(scope, Capability.BILL_VIEW)
    return _deposit_out(account.account_no, deposit_state(account))


@router.post("/accounts/{account_no}/deposit", response={200: DepositPaidOut, 201: DepositPaidOut, **ERRORS})
def deposit_pay(request: HttpRequest, account_no: str, payload: DepositIn) -> tuple[int, dict[str, Any]]:
    """A deposit paid at the counter: 201, or 200 for the same request_key."""
    scope, account = scoped_get(request, account_get_for_scope, account_no=account_no)
    payment, created = deposit_collect(
        scope=scope,
        actor=_user(request),
        account=account,
        amount=payload.amount,
        channel=payload.channel,
        request_key=payload.request_key,
    )
    out = _deposit_out(account.account_no, deposit_state(account))
    return (201 if created else 200), {**out, "payment": payment.pk, "created": created}


@router.post("/accounts/{account_no}/deposit/application", response={200: ApplicationOut, **ERRORS})
def deposit_application(request: HttpRequest, account_no: str, payload: ApplicationIn) -> dict[str, Any]:
    """On default: the deposit set against what is owed (a supervisor, with a reason)."""
    scope, account = scoped_get(request, account_get_for_scope, account_no=account_no)
    applied = deposit_apply(scope=scope, actor=_user(request), account=account, reason=payload.reason)
    return {**_deposit_out(account.account_no, deposit_state(account)), "applied": applied}


# --- refunds --------------------------------------------------------------------------------


class RefundOut(Schema):
    id: int
    account_no: str
    payee: str  # masked
    amount: Decimal
    source: str
    method: str
    destination: str  # the bank account masked
    status: str
    reason: str
    requested_at: datetime
    decided_at: datetime | None
    batch: int | None
    failure_reason: str


def _refund_out(r: Refund) -> dict[str, Any]:
    return {
        "id": r.pk,
        "account_no": r.account.account_no,
        "payee": mask_name(r.payee_name or r.account.customer.name),
        "amount": r.amount,
        "source": r.source,
        "method": r.method,
        "destination": refund_selectors.destination(r),
        "status": r.status,
        "reason": r.reason,
        "requested_at": r.requested_at,
        "decided_at": r.decided_at,
        "batch": r.batch_id,
        "failure_reason": r.failure_reason,
    }


class RefundCreatedOut(RefundOut):
    created: bool


@router.get("/refunds", response={200: list[RefundOut], **ERRORS})
def refund_list(request: HttpRequest, status: str = RefundStatus.PENDING) -> list[dict[str, Any]]:
    """Refunds of one status the caller reaches (the newest 200)."""
    scope = require(scope_for(request.user), Capability.REFUND_APPROVE)
    if status not in RefundStatus.values:
        raise InvalidInput(_("退款状态不存在。"), errors={"status": _("退款状态不存在。")})
    rows = refund_selectors.refunds(scope=scope, status=status).order_by("-requested_at", "-id")[:LIST_MAX]
    return [_refund_out(r) for r in rows]


class RefundSchemaIn(Schema):
    amount: Decimal
    method: str
    reason: str
    request_key: str
    payee_name: str = ""
    bank_name: str = ""
    bank_account: str = ""
    payment_id: int | None = None


@router.post("/accounts/{account_no}/refunds", response={200: RefundCreatedOut, 201: RefundCreatedOut, **ERRORS})
def refund_create(request: HttpRequest, account_no: str, payload: RefundSchemaIn) -> tuple[int, dict[str, Any]]:
    """Ask for a refund of the credit balance: 201, or 200 for the same request_key."""
    scope, account = scoped_get(request, account_get_for_scope, account_no=account_no)
    data = payload.dict()
    if data["payment_id"] is not None and not 0 < data["payment_id"] < 2**62:
        data["payment_id"] = None
    refund, created = refund_request(scope=scope, actor=_user(request), account=account, data=RefundIn(**data))
    return (201 if created else 200), {**_refund_out(refund), "created": created}


class RefundDecisionIn(Schema):
    approve: bool
    note: str = ""


@router.post("/refunds/{refund_id}/decision", response={200: RefundOut, **ERRORS})
def refund_decision(request: HttpRequest, refund_id: int, payload: RefundDecisionIn) -> dict[str, Any]:
    """A second person approves or rejects (the asker: 403)."""
    scope, refund = scoped_get(request, refund_get_for_scope, refund_id=refund_id)
    done = refund_decide(scope=scope, actor=_user(request), refund=refund, approve=payload.approve, note=payload.note)
    return _refund_out(refund_get_for_scope(scope=scope, refund_id=done.pk))


@router.post("/refunds/{refund_id}/paid", response={200: RefundOut, **ERRORS})
def refund_paid(request: HttpRequest, refund_id: int) -> dict[str, Any]:
    """One exported line the bank paid."""
    scope, refund = scoped_get(request, refund_get_for_scope, refund_id=refund_id)
    done = refund_line_paid(scope=scope, actor=_user(request), refund=refund)
    return _refund_out(refund_get_for_scope(scope=scope, refund_id=done.pk))


class FailedIn(Schema):
    reason: str


@router.post("/refunds/{refund_id}/failed", response={200: RefundOut, **ERRORS})
def refund_failed(request: HttpRequest, refund_id: int, payload: FailedIn) -> dict[str, Any]:
    """One line the bank returned unpaid: the money back in the credit balance, the customer told."""
    scope, refund = scoped_get(request, refund_get_for_scope, refund_id=refund_id)
    done = refund_line_failed(scope=scope, actor=_user(request), refund=refund, reason=payload.reason)
    return _refund_out(refund_get_for_scope(scope=scope, refund_id=done.pk))
