"""Billing API: the due lookup and payment posting the payment channels use (BILL-4/5)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from gridcare.billing import selectors
from gridcare.billing.access import payment_get_for_scope
from gridcare.billing.models import Payment, PaymentReversal
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.billing.services.reversals import payment_reverse
from gridcare.core.timezone import business_date
from gridcare.customers.access import account_get_for_scope
from gridcare.org.access import Capability, require, scope_for
from gridcare.org.api import ERRORS, scoped_get

router = Router(tags=["billing"])


class DueBillOut(Schema):
    period: str
    amount: Decimal
    paid: Decimal  # electricity paid (payments and prepaid deduction)
    penalty_paid: Decimal
    principal: Decimal
    penalty: Decimal
    due_date: date


class DueOut(Schema):
    account_no: str
    name: str
    address: str
    supply_unit: str
    principal: Decimal
    penalty: Decimal
    amount_due: Decimal
    prepaid_balance: Decimal
    as_of: date
    bills: list[DueBillOut]


class PaymentSchemaIn(Schema):
    channel: str
    channel_txn_id: str
    account_no: str
    amount: Decimal
    paid_at: datetime


class PaymentOut(Schema):
    id: int
    channel: str
    channel_txn_id: str
    account_no: str
    amount: Decimal
    paid_at: datetime
    to_penalty: Decimal
    to_bills: Decimal
    to_prepaid: Decimal
    created: bool


def _payment_out(payment: Payment, created: bool) -> dict[str, Any]:
    return {
        "id": payment.pk,
        "channel": payment.channel,
        "channel_txn_id": payment.channel_txn_id,
        "account_no": payment.account.account_no,
        "amount": payment.amount,
        "paid_at": payment.paid_at,
        "to_penalty": payment.to_penalty,
        "to_bills": payment.to_bills,
        "to_prepaid": payment.to_prepaid,
        "created": created,
    }


@router.get("/accounts/{account_no}/due", response={200: DueOut, **ERRORS})
def account_due(request: HttpRequest, account_no: str) -> dict[str, Any]:
    scope = scope_for(request.user)
    account = account_get_for_scope(scope=scope, account_no=account_no)  # not in scope: 404 first
    require(scope, Capability.BILL_VIEW)
    return selectors.account_due(account=account, on=business_date()).as_dict()


@router.post("/payments", response={200: PaymentOut, 201: PaymentOut, **ERRORS})
def payment_create(request: HttpRequest, payload: PaymentSchemaIn) -> tuple[int, dict[str, Any]]:
    payment, created = payment_post(scope=scope_for(request.user), actor=request.user, data=PaymentIn(**payload.dict()))
    return (201 if created else 200), _payment_out(payment, created)


class ReversalIn(Schema):
    reason: str  # bank_return / channel_refund / chargeback / counter_error
    reference: str  # the channel's (return or refund number) or the office's


class ReversalOut(Schema):
    id: int
    payment: int
    account_no: str
    reason: str
    reference: str
    amount: Decimal
    from_bills: Decimal
    from_penalty: Decimal
    from_prepaid: Decimal
    reopened: Decimal  # prepaid already spent on later bills: those bills owe it again
    uncovered: Decimal  # neither in the balance nor on a bill (refunded): for the office to recover
    reversed_at: datetime
    created: bool


def _reversal_out(reversal: PaymentReversal, payment: Payment, created: bool) -> dict[str, Any]:
    fields = ("reason", "reference", "amount", "from_bills", "from_penalty", "from_prepaid", "reopened", "uncovered")
    return {
        "id": reversal.pk,
        "payment": payment.pk,
        "account_no": payment.account.account_no,
        **{name: getattr(reversal, name) for name in fields},
        "reversed_at": reversal.reversed_at,
        "created": created,
    }


@router.post("/payments/{payment_id}/reversal", response={200: ReversalOut, 201: ReversalOut, **ERRORS})
def payment_reversal(request: HttpRequest, payment_id: int, payload: ReversalIn) -> tuple[int, dict[str, Any]]:
    """Reverse a payment once (issue 19): 201 the first time, 200 with the same reversal for the
    same reference (however many copies at once), 409 for another reference once reversed."""
    scope, payment = scoped_get(request, payment_get_for_scope, payment_id=payment_id)
    reversal, created = payment_reverse(
        scope=scope, actor=request.user, payment=payment, reason=payload.reason, reference=payload.reference
    )
    return (201 if created else 200), _reversal_out(reversal, payment, created)


# The payment providers' webhook (no sign-in: their signature is the credential).
from gridcare.billing.notify_api import router as notify_router  # noqa: E402

router.add_router("", notify_router)

from gridcare.billing.service_api import router as service_router  # noqa: E402 - paid services (WO-10)

router.add_router("", service_router)

from gridcare.billing.arrears_api import router as arrears_router  # noqa: E402 - instalments, protected customers (issue 19)

router.add_router("", arrears_router)
from gridcare.billing.estimate_api import router as estimate_router  # noqa: E402 - 估抄 (issue 19)

router.add_router("", estimate_router)
from gridcare.billing.moves_api import router as moves_router  # noqa: E402 - moving out and in, deposits, refunds (issue 19)

router.add_router("", moves_router)
from gridcare.billing.rebill_api import router as rebill_router  # noqa: E402 - corrections (issue 19)

router.add_router("/billing", rebill_router)
