"""Staff API of the paid services (WO-10): ``GET/POST /api/v1/service-catalogue`` (the catalogue;
adding an item: SERVICE_CATALOGUE_EDIT) and ``GET /api/v1/service-orders`` (the orders of the
accounts in reach: SERVICE_ORDER_TAKE)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from gridcare.billing import service_selectors as reads
from gridcare.billing.models import ServiceOrder
from gridcare.billing.services.service_catalogue import ItemData, service_item_create
from gridcare.core.paging import api_page
from gridcare.core.timezone import business_date
from gridcare.org.access import Capability, require, scope_for
from gridcare.org.api import ERRORS

router = Router(tags=["billing"])


class ServiceItemOut(Schema):
    code: str
    name: str
    category: str
    category_label: str
    description: str
    unit: str
    tax_note: str
    active: bool
    price: Decimal | None  # in force today
    next_price: Decimal | None
    next_from: date | None


class ServiceItemIn(Schema):
    code: str
    name: str
    category: str
    unit: str
    price: Decimal
    valid_from: date
    description: str = ""
    tax_note: str = ""


class ServiceOrderRowOut(Schema):
    order_no: str
    account_no: str
    status: str
    status_label: str
    amount: Decimal
    source: str
    created_at: datetime
    paid_at: datetime | None
    scheduled_for: datetime | None


def item_out(row: reads.CatalogueRow) -> dict[str, Any]:
    i = row.item
    return {
        "code": i.code,
        "name": i.name,
        "category": i.category,
        "category_label": i.get_category_display(),
        "description": i.description,
        "unit": i.unit,
        "tax_note": i.tax_note,
        "active": i.active,
        "price": row.price,
        "next_price": row.next_price,
        "next_from": row.next_from,
    }


@router.get("/service-catalogue", response={200: list[ServiceItemOut], **ERRORS})
def service_catalogue(request: HttpRequest) -> list[dict[str, Any]]:
    """Every catalogue item with today's price and the next version (the page billing:services)."""
    require(scope_for(request.user), Capability.SERVICE_CATALOGUE_EDIT)
    return [item_out(r) for r in reads.catalogue_all(on=business_date())]


@router.post("/service-catalogue", response={201: ServiceItemOut, **ERRORS})
def service_catalogue_add(request: HttpRequest, payload: ServiceItemIn) -> tuple[int, dict[str, Any]]:
    """Add an item with its first price, from ``valid_from`` (today or later)."""
    data = payload.dict()
    code = data.pop("code")
    item = service_item_create(scope=scope_for(request.user), actor=request.user, code=code, data=ItemData(**data))
    row = next(r for r in reads.catalogue_all(on=business_date()) if r.item.pk == item.pk)
    return 201, item_out(row)


def _order_out(order: ServiceOrder) -> dict[str, Any]:
    return {
        "order_no": order.order_no,
        "account_no": order.account.account_no,
        "status": order.status,
        "status_label": order.get_status_display(),
        "amount": order.amount,
        "source": order.source,
        "created_at": order.created_at,
        "paid_at": order.paid_at,
        "scheduled_for": order.scheduled_for,
    }


@router.get("/service-orders", response={200: list[ServiceOrderRowOut], **ERRORS})
def service_orders(
    request: HttpRequest,
    response: HttpResponse,
    status: str = "",
    q: str = "",
    page: int = 1,
    page_size: int | None = None,
) -> list[Any]:
    """The service orders of the accounts in reach, newest first (``status``, ``q``: an order or
    account number; pages of ``?page=``, the total in X-Total-Count)."""
    scope = require(scope_for(request.user), Capability.SERVICE_ORDER_TAKE)
    rows = reads.service_orders_for_scope(scope=scope, filters=reads.OrderFilters(status=status, q=q[:40]))
    return api_page(response, rows, page=page, page_size=page_size, dress=_order_out)
