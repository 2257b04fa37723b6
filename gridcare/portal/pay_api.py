"""Paying online from the app (SELF-2 "pay", BILL-4): ``POST /api/v1/portal/accounts/{account_no}/
payment-orders`` makes an order for a bound account and answers where to pay it; ``GET
/api/v1/portal/payment-orders/{order_no}`` reads one of the customer's own orders (any other is a
404). The same idempotency key (the body's ``idempotency_key`` or the ``Idempotency-Key`` header)
gives the same order; so does asking again for the same open order."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from gridcare.billing.models import PaymentOrderStatus
from gridcare.billing.services import payment_orders as orders
from gridcare.core.paging import api_page
from gridcare.org.api import ErrorOut
from gridcare.portal import selectors
from gridcare.portal.access import CUSTOMER, request_customer
from gridcare.portal.pay import absolute, client_ip, customer_ref, order_view, result_url

router = Router(tags=["portal"])

ERRORS = {401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}
APP = "app"


class PaymentOrderIn(Schema):
    purpose: str = "bill"  # bill: pay what is due (``amount`` empty: all of it); topup: prepay ``amount``
    amount: Decimal | None = None
    provider: str
    idempotency_key: str = ""


class PaymentOrderStarted(Schema):
    order_no: str
    pay_url: str  # where the customer pays (empty: the order is no longer open)
    expires_at: datetime
    amount: Decimal
    status: str


class PaymentOrderOut(Schema):
    order_no: str
    account_no: str
    amount: Decimal
    purpose: str
    purpose_label: str
    provider: str
    provider_label: str
    channel: str
    status: str
    status_label: str
    created_at: datetime
    expires_at: datetime
    paid_at: datetime | None
    receipt_url: str  # the receipt PDF of a paid order (the portal's page)


@router.post(
    "/portal/accounts/{account_no}/payment-orders",
    auth=CUSTOMER,
    response={200: PaymentOrderStarted, 201: PaymentOrderStarted, 502: ErrorOut, **ERRORS},
)
def portal_payment_order(request: HttpRequest, account_no: str, payload: PaymentOrderIn) -> tuple[int, dict[str, Any]]:
    """Make a payment order for a bound account and start it at the provider (``provider``: one of
    those switched on). 201 a new order, 200 the same one again (same idempotency key, or the same
    open order); 502 when the provider does not take it."""
    customer = request_customer(request)
    account = selectors.bound_account(customer, account_no)
    key = payload.idempotency_key or request.headers.get("Idempotency-Key", "")
    order, created = orders.payment_order_create(
        account=account,
        purpose=payload.purpose,
        provider=payload.provider,
        origin=APP,
        customer_ref=customer_ref(customer),
        amount=payload.amount,
        idempotency_key=key,
    )
    pay_url = ""
    if order.status == PaymentOrderStatus.CREATED:
        pay_url = absolute(
            request,
            orders.payment_order_start(
                order=order, client_ip=client_ip(request), return_url=result_url(request, order)
            ),
        )
    body = {
        "order_no": order.order_no,
        "pay_url": pay_url,
        "expires_at": order.expires_at,
        "amount": order.amount,
        "status": order.status,
    }
    return (201 if created else 200), body


def _out(request: HttpRequest) -> Any:
    def dress(order: Any) -> dict[str, Any]:
        found = order_view(order).__dict__
        return found | {"receipt_url": absolute(request, found["receipt_url"]) if found["receipt_url"] else ""}

    return dress


@router.get("/portal/payment-orders/{order_no}", auth=CUSTOMER, response={200: PaymentOrderOut, **ERRORS})
def portal_payment_order_get(request: HttpRequest, order_no: str) -> dict[str, Any]:
    """One of the customer's own payment orders (an order past its time reads as expired)."""
    order = orders.payment_order_of(customer_ref=customer_ref(request_customer(request)), order_no=order_no)
    return _out(request)(order)  # type: ignore[no-any-return]


@router.get("/portal/payment-orders", auth=CUSTOMER, response={200: list[PaymentOrderOut], **ERRORS})
def portal_payment_orders(
    request: HttpRequest, response: HttpResponse, page: int = 1, page_size: int | None = None
) -> list[Any]:
    """The customer's own payment orders, newest first (pages of ``?page=``; the total in X-Total-Count)."""
    rows = orders.payment_orders_of(customer_ref=customer_ref(request_customer(request)))
    return api_page(response, rows, page=page, page_size=page_size, dress=_out(request))
