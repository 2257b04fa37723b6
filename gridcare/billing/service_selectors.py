"""Reads of the paid services (WO-10): the catalogue as published (what may be ordered today and at
what price), the catalogue as its keepers see it (with the coming price versions), service orders
for staff (filtered, in scope) and for a customer (their bound accounts only)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from gridcare.billing.access import service_order_filter
from gridcare.billing.models import (
    ServiceCategory,
    ServiceItem,
    ServiceItemEvent,
    ServiceOrder,
    ServiceOrderEvent,
    ServiceOrderStatus,
    ServicePrice,
)
from gridcare.billing.rules.paid_services import price_on
from gridcare.core.exceptions import NotFound
from gridcare.org.access import Scope


@dataclass(frozen=True)
class CatalogueRow:
    item: ServiceItem
    price: Decimal | None  # in force today (None: not yet priced)
    next_price: Decimal | None  # a version still to come
    next_from: date | None

    @property
    def orderable(self) -> bool:
        return self.item.active and self.price is not None


def _rows(items: QuerySet[ServiceItem], on: date) -> list[CatalogueRow]:
    rows = []
    for item in items.prefetch_related(Prefetch("prices", queryset=ServicePrice.objects.order_by("valid_from"))):
        versions = [(p.valid_from, p.price) for p in item.prices.all()]
        coming = [(d, p) for d, p in versions if d > on]
        rows.append(
            CatalogueRow(
                item=item,
                price=price_on(versions, on),
                next_price=coming[0][1] if coming else None,
                next_from=coming[0][0] if coming else None,
            )
        )
    return rows


def catalogue_published(*, on: date) -> list[CatalogueRow]:
    """What may be ordered on ``on``: active items with a price in force, by category and code."""
    return [row for row in _rows(ServiceItem.objects.filter(active=True), on) if row.orderable]


def catalogue_all(*, on: date) -> list[CatalogueRow]:
    """Every item, on sale or not, for the catalogue's keepers."""
    return _rows(ServiceItem.objects.all(), on)


def catalogue_by_category(rows: list[CatalogueRow]) -> list[tuple[str, list[CatalogueRow]]]:
    groups = []
    for value, label in ServiceCategory.choices:
        found = [r for r in rows if r.item.category == value]
        if found:
            groups.append((str(label), found))
    return groups


def item_history(item: ServiceItem) -> QuerySet[ServiceItemEvent]:
    return item.events.select_related("actor__staff").order_by("created_at", "pk")


def item_prices(item: ServiceItem) -> QuerySet[ServicePrice]:
    return item.prices.order_by("-valid_from")


@dataclass(frozen=True)
class OrderFilters:
    status: str = ""
    q: str = ""  # an order number or an account number


def service_orders_for_scope(*, scope: Scope, filters: OrderFilters | None = None) -> QuerySet[ServiceOrder]:
    filters = filters or OrderFilters()
    rows = ServiceOrder.objects.filter(service_order_filter(scope)).select_related("account__customer")
    if filters.status in ServiceOrderStatus.values:
        rows = rows.filter(status=filters.status)
    q = filters.q.strip()
    if q and q.isascii() and q.isalnum() and len(q) <= 32:
        rows = rows.filter(Q(order_no=q.upper()) | Q(account__account_no=q))
    elif q:
        rows = rows.none()
    return rows.order_by("-created_at", "-pk")


def service_orders_of_accounts(*, account_ids: Collection[int]) -> QuerySet[ServiceOrder]:
    """The orders of these accounts (a customer's bound ones), newest first."""
    return (
        ServiceOrder.objects.filter(account_id__in=list(account_ids))
        .select_related("account")
        .prefetch_related("lines")
        .order_by("-created_at", "-pk")
    )


def service_order_of_accounts(*, account_ids: Collection[int], order_no: object) -> ServiceOrder:
    """One order of these accounts; any other (or a missing one) is the same 404."""
    number = str(order_no)
    order = None
    if number.isascii() and number.isalnum() and len(number) <= 32:
        order = service_orders_of_accounts(account_ids=account_ids).filter(order_no=number).first()
    if order is None:
        raise NotFound(_("没有找到这张服务订单。"))
    return order


def order_history(order: ServiceOrder) -> QuerySet[ServiceOrderEvent]:
    return order.events.select_related("actor__staff").order_by("created_at", "pk")
