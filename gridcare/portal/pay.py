"""What the portal's paying pages and API share (BILL-4, issue 15): who the customer is to billing
(an opaque reference, billing keeps no key to the portal), the providers a customer may choose, and
how an order reads for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from django.urls import reverse

from gridcare.billing.models import PaymentOrder
from gridcare.billing.services.providers import PROVIDERS, configured_providers
from gridcare.portal.models import PortalUser


def customer_ref(user: PortalUser) -> str:
    """The portal's customer as billing's orders name them."""
    return f"portal:{user.pk}"


def provider_choices() -> list[tuple[str, str]]:
    """The providers switched on and configured, as (code, label)."""
    return [(p.code, str(p.label)) for p in configured_providers()]


def provider_label(code: str) -> str:
    provider = PROVIDERS.get(code)
    return str(provider.label) if provider is not None else code


def client_ip(request: HttpRequest) -> str:
    from axes.helpers import get_client_ip_address

    return str(get_client_ip_address(request) or "")


def absolute(request: HttpRequest, url: str) -> str:
    if url.startswith(("https://", "http://")):
        return url
    return request.build_absolute_uri(url)


def result_url(request: HttpRequest, order: PaymentOrder) -> str:
    return request.build_absolute_uri(reverse("portal:pay_result", args=[order.order_no]))


@dataclass(frozen=True)
class OrderView:
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
    receipt_url: str


def order_view(order: PaymentOrder) -> OrderView:
    receipt = reverse("portal:pay_receipt", args=[order.order_no]) if order.payment_id else ""
    service = order.service_order if order.service_order_id is not None else None
    if receipt and service is not None:  # a paid service's own receipt (WO-10)
        receipt = reverse("portal:service_receipt", args=[service.order_no])
    return OrderView(
        order_no=order.order_no,
        account_no=order.account.account_no,
        amount=order.amount,
        purpose=order.purpose,
        purpose_label=str(order.get_purpose_display()),
        provider=order.provider,
        provider_label=provider_label(order.provider),
        channel=order.channel,
        status=order.status,
        status_label=str(order.get_status_display()),
        created_at=order.created_at,
        expires_at=order.expires_at,
        paid_at=order.paid_at,
        receipt_url=receipt,
    )
