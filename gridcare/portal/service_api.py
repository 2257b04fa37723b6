"""Paid value-added services in the app (WO-10): ``GET /api/v1/portal/services`` (the published
catalogue with prices), ``GET/POST /api/v1/portal/service-orders`` (the orders of my bound
accounts; ordering for one of them), ``GET /api/v1/portal/service-orders/{order_no}`` and
``POST …/{order_no}/pay`` (a payment order through the same providers as a bill).

A body carries codes and quantities only: any other field (a price, an amount) is refused with 422,
and nothing is written; the server prices every line from the catalogue."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router, Schema
from pydantic import ConfigDict, Field

from gridcare.billing import service_selectors as reads
from gridcare.billing.models import PaymentOrderStatus, ServiceOrder, ServiceOrderSource, ServiceOrderStatus
from gridcare.billing.services import payment_orders as orders
from gridcare.billing.services import service_orders
from gridcare.core.paging import api_page
from gridcare.core.timezone import business_date
from gridcare.org.api import ErrorOut
from gridcare.portal import selectors
from gridcare.portal.access import CUSTOMER, request_customer
from gridcare.portal.pay import absolute, client_ip, customer_ref, result_url

router = Router(tags=["portal"])

ERRORS = {401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}
APP = "app"


class PortalServiceOut(Schema):
    code: str
    name: str
    category: str
    category_label: str
    description: str
    unit: str
    tax_note: str
    price: Decimal


class PortalServiceLineIn(Schema):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(max_length=20)
    quantity: int


class PortalServiceOrderIn(Schema):
    model_config = ConfigDict(extra="forbid")
    account_no: str = Field(max_length=20)
    lines: list[PortalServiceLineIn] = Field(max_length=50)
    note: str = Field(default="", max_length=200)
    idempotency_key: str = Field(default="", max_length=64)


class PortalServiceLineOut(Schema):
    name: str
    unit: str
    unit_price: Decimal
    quantity: int
    amount: Decimal


class PortalServiceOrderOut(Schema):
    order_no: str
    account_no: str
    status: str
    status_label: str
    amount: Decimal
    created_at: datetime
    paid_at: datetime | None
    scheduled_for: datetime | None
    done_at: datetime | None
    lines: list[PortalServiceLineOut]
    receipt_url: str  # the receipt PDF of a paid order (empty until paid)


class PortalServicePayIn(Schema):
    model_config = ConfigDict(extra="forbid")
    provider: str = Field(max_length=20)
    idempotency_key: str = Field(default="", max_length=64)


class PortalServicePayOut(Schema):
    order_no: str  # the payment order's
    pay_url: str
    expires_at: datetime
    amount: Decimal
    status: str


@router.get("/portal/services", auth=CUSTOMER, response={200: list[PortalServiceOut], 401: ErrorOut})
def portal_services(request: HttpRequest) -> list[dict[str, Any]]:
    """The services that may be ordered today, with their published prices."""
    return [
        {
            "code": r.item.code,
            "name": r.item.name,
            "category": r.item.category,
            "category_label": r.item.get_category_display(),
            "description": r.item.description,
            "unit": r.item.unit,
            "tax_note": r.item.tax_note,
            "price": r.price,
        }
        for r in reads.catalogue_published(on=business_date())
    ]


def _accounts(request: HttpRequest) -> list[int]:
    return [b.account_id for b in selectors.bindings(request_customer(request))]


def order_out(request: HttpRequest, order: ServiceOrder) -> dict[str, Any]:
    paid = order.status in (ServiceOrderStatus.PAID, ServiceOrderStatus.SCHEDULED, ServiceOrderStatus.DONE)
    receipt = absolute(request, reverse("portal:service_receipt", args=[order.order_no])) if paid else ""
    return {
        "order_no": order.order_no,
        "account_no": order.account.account_no,
        "status": order.status,
        "status_label": order.get_status_display(),
        "amount": order.amount,
        "created_at": order.created_at,
        "paid_at": order.paid_at,
        "scheduled_for": order.scheduled_for,
        "done_at": order.done_at,
        "lines": [
            {"name": x.name, "unit": x.unit, "unit_price": x.unit_price, "quantity": x.quantity, "amount": x.amount}
            for x in order.lines.all()
        ],
        "receipt_url": receipt,
    }


@router.get("/portal/service-orders", auth=CUSTOMER, response={200: list[PortalServiceOrderOut], **ERRORS})
def portal_service_orders(
    request: HttpRequest, response: HttpResponse, page: int = 1, page_size: int | None = None
) -> list[Any]:
    """The service orders of my bound accounts, newest first (pages; the total in X-Total-Count)."""
    rows = reads.service_orders_of_accounts(account_ids=_accounts(request))
    return api_page(response, rows, page=page, page_size=page_size, dress=lambda o: order_out(request, o))


@router.post(
    "/portal/service-orders", auth=CUSTOMER, response={200: PortalServiceOrderOut, 201: PortalServiceOrderOut, **ERRORS}
)
def portal_service_order_create(request: HttpRequest, payload: PortalServiceOrderIn) -> tuple[int, dict[str, Any]]:
    """Order services for a bound account: ``lines`` of catalogue codes and quantities (1-99).
    201 a new order, 200 the same one again (the same ``idempotency_key`` or Idempotency-Key)."""
    customer = request_customer(request)
    account = selectors.bound_account(customer, payload.account_no)
    key = payload.idempotency_key or request.headers.get("Idempotency-Key", "")[:64]
    order, created = service_orders.service_order_create(
        account=account,
        lines=[service_orders.LineIn(code=x.code, quantity=x.quantity) for x in payload.lines],
        source=ServiceOrderSource.PORTAL,
        customer_ref=customer_ref(customer),
        note=payload.note,
        idempotency_key=key,
    )
    return (201 if created else 200), order_out(request, order)


@router.get("/portal/service-orders/{order_no}", auth=CUSTOMER, response={200: PortalServiceOrderOut, **ERRORS})
def portal_service_order(request: HttpRequest, order_no: str) -> dict[str, Any]:
    """One order of my bound accounts (any other is a 404, like a missing one)."""
    order = reads.service_order_of_accounts(account_ids=_accounts(request), order_no=order_no)
    return order_out(request, order)


@router.post(
    "/portal/service-orders/{order_no}/pay",
    auth=CUSTOMER,
    response={200: PortalServicePayOut, 201: PortalServicePayOut, 502: ErrorOut, **ERRORS},
)
def portal_service_order_pay(
    request: HttpRequest, order_no: str, payload: PortalServicePayIn
) -> tuple[int, dict[str, Any]]:
    """Pay an order not yet paid: a payment order for its whole amount at ``provider``, answered
    with where to pay it (201; 200 the same open payment order again)."""
    customer = request_customer(request)
    order = reads.service_order_of_accounts(account_ids=_accounts(request), order_no=order_no)
    pay, created = service_orders.service_order_pay(
        order=order,
        provider=payload.provider,
        origin=APP,
        customer_ref=customer_ref(customer),
        idempotency_key=payload.idempotency_key or request.headers.get("Idempotency-Key", "")[:64],
    )
    pay_url = ""
    if pay.status == PaymentOrderStatus.CREATED:
        pay_url = absolute(
            request,
            orders.payment_order_start(order=pay, client_ip=client_ip(request), return_url=result_url(request, pay)),
        )
    body = {
        "order_no": pay.order_no,
        "pay_url": pay_url,
        "expires_at": pay.expires_at,
        "amount": pay.amount,
        "status": pay.status,
    }
    return (201 if created else 200), body


__all__ = ["date", "router"]
