"""A service order's moves (WO-10): the one transition service, and what a posted payment does to
its order. Kept apart from ``service_orders`` so that ``payment_orders`` (which the orders pay
through) can tell an order it was paid without importing it back.

A paid order tells the customer once (template ``service_order_paid``, to the account's primary
phone, as a bill's ``payment_received``), in the payment's transaction; ``payment_post`` sends
no electricity receipt for a service's payment."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.billing.events import service_order_event
from gridcare.billing.exceptions import InvalidTransition
from gridcare.billing.models import Payment, ServiceOrder, ServiceOrderEvent, ServiceOrderStatus
from gridcare.billing.rules.paid_services import may_move
from gridcare.core.events import Actor
from gridcare.core.timezone import SHANGHAI
from gridcare.notices.services import notice_enqueue

S = ServiceOrderStatus
T = ServiceOrderEvent.Type
NAMED = 3  # services named in the payment message; more are "等 N 项"


def service_order_transition(
    *,
    order: ServiceOrder,
    to: ServiceOrderStatus,
    actor: Actor,
    event: str,
    with_fields: tuple[str, ...] = (),
    **parameters: Any,
) -> ServiceOrder:
    """Move ``order`` to ``to`` (refused before anything is written when the table forbids it),
    saving the status with the caller's ``with_fields``, and write its history row."""
    if not may_move(order.status, to):
        raise InvalidTransition(
            _("订单%(status)s，不能%(what)s。")
            % {"status": order.get_status_display(), "what": ServiceOrderEvent.Type(event).label}
        )
    order.status = to
    order.save(update_fields=["status", *with_fields])
    service_order_event(order=order, type=event, actor=actor, **parameters)
    return order


def service_order_paid(*, order_id: int, payment: Payment, actor: Actor = None) -> ServiceOrder:
    """``payment`` (posted once by ``payment_post``) pays the order. Inside the payment's
    transaction. An order already paid or cancelled keeps its state: the money was taken, so the
    row says so for the staff to refund outside."""
    with transaction.atomic():
        order = ServiceOrder.objects.select_for_update().get(pk=order_id)
        if order.payment_id == payment.pk:
            return order  # the same payment again: nothing changes
        if order.status != S.ORDERED:
            service_order_event(
                order=order, type=T.PAID_AGAIN, actor=actor, amount=str(payment.amount), txn=payment.channel_txn_id
            )
            return order
        order.paid_at = payment.paid_at or timezone.now()
        order.payment = payment
        service_order_transition(
            order=order,
            to=S.PAID,
            actor=actor,
            event=T.PAID,
            with_fields=("paid_at", "payment"),
            amount=str(payment.amount),
            txn=payment.channel_txn_id,
        )
        _tell_paid(order)
        return order


def _services_text(order: ServiceOrder) -> str:
    names = [line.name for line in order.lines.all()]
    shown = "、".join(names[:NAMED])
    # The message is Chinese, as its template is, whatever language the payer's page was in.
    return shown if len(names) <= NAMED else f"{shown}等{len(names)}项"


def _tell_paid(order: ServiceOrder) -> None:
    account = order.account
    phone = account.customer.contacts.filter(is_primary=True).values_list("phone", flat=True).first()
    if not phone:
        return
    assert order.paid_at is not None
    notice_enqueue(
        template_code="service_order_paid",
        variables={
            "account_no": account.account_no,
            "order_no": order.order_no,
            "services": _services_text(order),
            "paid_at": order.paid_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
            "amount": order.amount,
        },
        recipient=phone,
        account_id=account.pk,
        dedupe_key=f"service_order_paid:{order.pk}",
    )
