"""Online payment orders (BILL-4, BILL-5; issue 15): the portal or the app makes an order, the
customer pays at the provider, and the provider's signed notification posts the payment exactly
once through ``payment_post``.

- ``payment_order_create``: checks everything first (purpose, provider switched on, amount > 0,
  at most the channel's PAYMENT_MAX, two decimals; a bill payment is the amount due unless told
  otherwise, a top-up needs its amount and an account not closed), then makes the order — or
  gives back the same customer's order for the same idempotency key, or their open order for the
  same account, amount, purpose and provider (a double click makes one order).
- ``payment_order_start``: the address the customer pays at (the provider's).
- ``payment_order_notified``: the provider verifies the notification (a bad signature changes
  nothing), then in one transaction the order is locked, the payment posted with the provider's
  transaction id as ``channel_txn_id`` and the order marked paid. A retried notification returns
  the first payment and changes nothing; an amount other than the order's is refused, logged and
  kept in the order's history.
- Expiry is lazy: reading an order past ``expires_at`` closes it (``payment_orders_expire``
  closes every such order, for a job).

Billing does not tell prepaid accounts apart: every account may hold a prepaid balance that the
bill run deducts from, so any account that is not closed may be topped up."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.billing.conf import billing_int
from gridcare.billing.events import OrderEventType, order_event
from gridcare.billing.exceptions import AmountMismatch, BadNotification, ProviderFailed, ProviderUnavailable
from gridcare.billing.models import (
    Payment,
    PaymentChannel,
    PaymentOrder,
    PaymentOrderEvent,
    PaymentOrderStatus,
    PaymentPurpose,
    ServiceOrder,
)
from gridcare.billing.rules.payment_orders import may_move
from gridcare.billing.selectors import account_due
from gridcare.billing.services.payments import PaymentIn, amount_error, payment_post
from gridcare.billing.services.providers import (
    Acknowledgement,
    OrderToStart,
    Outcome,
    RawNotification,
    provider_for,
)
from gridcare.billing.services.service_order_status import service_order_paid
from gridcare.core.events import record_many
from gridcare.core.exceptions import Conflict, InvalidInput, NotFound
from gridcare.core.timezone import SHANGHAI, business_date
from gridcare.customers.models import Account, AccountStatus
from gridcare.org.access import Scope

logger = logging.getLogger("gridcare.payments")

# The provider's notification posts the payment for the customer: the system, not a staff member.
SYSTEM = Scope(staff=None, company_id=None, unit_id=None, hall_id=None, everything=True)
# Where a customer pays from when the provider is not a channel of its own (the simulated one).
ORIGINS = (PaymentChannel.WEB.value, PaymentChannel.APP.value)
# An open order is given again for the same request only while this much time is left to pay it.
REUSE_MARGIN = timedelta(minutes=5)
S = PaymentOrderStatus


def _order_no(now: datetime) -> str:
    return f"PO{now.astimezone(SHANGHAI):%Y%m%d%H%M%S}{secrets.randbelow(10**8):08d}"


def _amount_due(account: Account) -> Decimal:
    due = account_due(account=account, on=business_date())
    return due.principal + due.penalty


def _check(
    *, account: Account, purpose: str, provider: str, origin: str, amount: Decimal | None, key: str
) -> tuple[Decimal, str]:
    """The order's amount and channel, or every reason it cannot be made (InvalidInput)."""
    errors: dict[str, str] = {}
    channel = origin
    try:
        channel = provider_for(provider).channel(origin)
    except ProviderUnavailable as exc:
        errors["provider"] = str(exc.message)
    if origin not in ORIGINS:
        errors["origin"] = _("缴费来源应为网站或App。")
    if len(key) > 64:
        errors["idempotency_key"] = _("幂等键最多 64 个字符。")
    if purpose == PaymentPurpose.BILL:
        if amount is None:
            amount = _amount_due(account)
            if amount <= 0:
                errors["purpose"] = _("户号 %(no)s 当前没有应缴电费；如需预存，请选择“预存电费”。") % {
                    "no": account.account_no
                }
    elif purpose == PaymentPurpose.TOPUP:
        if account.status == AccountStatus.CLOSED:
            errors["purpose"] = _("户号 %(no)s 已销户，不能预存电费。") % {"no": account.account_no}
        if amount is None:
            errors["amount"] = _("请填写预存金额。")
    else:
        errors["purpose"] = _("缴费用途应为“缴纳电费”或“预存电费”。")
    if amount is not None and "amount" not in errors and "purpose" not in errors:
        problem = amount_error(channel if channel in PaymentChannel.values else PaymentChannel.WEB, amount)
        if problem:
            errors["amount"] = problem
    if errors:
        raise InvalidInput(_("缴费订单有误。"), errors=errors)
    assert amount is not None
    return amount, channel


def _same_request(
    order: PaymentOrder,
    *,
    account: Account,
    amount: Decimal,
    purpose: str,
    provider: str,
    service_order: ServiceOrder | None = None,
) -> bool:
    asked = (account.pk, amount, purpose, provider, service_order.pk if service_order else None)
    return (order.account_id, order.amount, order.purpose, order.provider, order.service_order_id) == asked


def payment_order_preview(
    *, account: Account, purpose: str, provider: str, origin: str, amount: Decimal | None = None
) -> tuple[Decimal, str]:
    """What ``payment_order_create`` would make (the amount and the channel), writing nothing:
    the same checks, for the page that asks the customer to confirm first."""
    return _check(account=account, purpose=purpose, provider=provider, origin=origin, amount=amount, key="")


def payment_order_create(
    *,
    account: Account,
    purpose: str,
    provider: str,
    origin: str,
    customer_ref: str,
    amount: Decimal | None = None,
    idempotency_key: str = "",
) -> tuple[PaymentOrder, bool]:
    """An order to pay ``amount`` (None: for a bill, the amount due) into ``account``. Returns
    (order, created): created=False for the order this customer already made with the same
    idempotency key, or their open order asking the same."""
    key = idempotency_key.strip()
    amount, channel = _check(account=account, purpose=purpose, provider=provider, origin=origin, amount=amount, key=key)
    return _make(
        account=account,
        amount=amount,
        purpose=purpose,
        provider=provider,
        channel=channel,
        customer_ref=customer_ref,
        key=key,
    )


def _make(
    *,
    account: Account,
    amount: Decimal,
    purpose: str,
    provider: str,
    channel: str,
    customer_ref: str,
    key: str,
    service_order: ServiceOrder | None = None,
) -> tuple[PaymentOrder, bool]:
    """The order, or the same customer's order for ``key`` or their open one asking the same."""
    now = timezone.now()
    with transaction.atomic():
        # One order at a time per account: two clicks of "pay" queue here and the second finds the first.
        Account.objects.select_for_update().filter(pk=account.pk).values_list("pk").first()
        mine = PaymentOrder.objects.filter(customer_ref=customer_ref)
        if key:
            keyed = mine.filter(idempotency_key=key).first()
            if keyed is not None:
                if not _same_request(
                    keyed,
                    account=account,
                    amount=amount,
                    purpose=purpose,
                    provider=provider,
                    service_order=service_order,
                ):
                    raise Conflict(
                        _("这个幂等键已用于另一笔订单（%(no)s）。") % {"no": keyed.order_no},
                        errors={"idempotency_key": _("请为新的订单使用新的幂等键。")},
                    )
                return keyed, False
        open_one = (
            mine.filter(
                account=account,
                amount=amount,
                purpose=purpose,
                provider=provider,
                channel=channel,
                status=S.CREATED,
                expires_at__gt=now + REUSE_MARGIN,
                service_order=service_order,
            )
            .order_by("-created_at", "-pk")
            .first()
        )
        if open_one is not None:
            return open_one, False
        try:
            with transaction.atomic():
                order = PaymentOrder.objects.create(
                    order_no=_order_no(now),
                    account=account,
                    amount=amount,
                    purpose=purpose,
                    provider=provider,
                    channel=channel,
                    created_at=now,
                    expires_at=now + timedelta(minutes=billing_int("PAYMENT_ORDER_MINUTES")),
                    customer_ref=customer_ref,
                    idempotency_key=key,
                    service_order=service_order,
                )
        except IntegrityError:
            # The same key from another account's request at the same moment: the first one stands.
            raise Conflict(
                _("这个幂等键已用于另一笔订单。"), errors={"idempotency_key": _("请为新的订单使用新的幂等键。")}
            ) from None
        order_event(order=order, type=OrderEventType.CREATED, amount=str(amount), provider=provider, purpose=purpose)
    return order, True


def payment_order_for_service(
    *, service_order: ServiceOrder, provider: str, origin: str, customer_ref: str, idempotency_key: str = ""
) -> tuple[PaymentOrder, bool]:
    """A payment order of purpose ``service`` for the service order's amount (WO-10): the same
    checks of the provider, the origin and the amount as a bill's, the amount always the order's
    (never the caller's). The caller (``service_orders.service_order_pay``) checks the order may be
    paid."""
    key = idempotency_key.strip()
    errors: dict[str, str] = {}
    channel = origin
    try:
        channel = provider_for(provider).channel(origin)
    except ProviderUnavailable as exc:
        errors["provider"] = str(exc.message)
    if origin not in ORIGINS:
        errors["origin"] = _("缴费来源应为网站或App。")
    if len(key) > 64:
        errors["idempotency_key"] = _("幂等键最多 64 个字符。")
    problem = amount_error(channel if channel in PaymentChannel.values else PaymentChannel.WEB, service_order.amount)
    if problem:
        errors["amount"] = problem
    if errors:
        raise InvalidInput(_("支付订单有误。"), errors=errors)
    return _make(
        account=service_order.account,
        amount=service_order.amount,
        purpose=PaymentPurpose.SERVICE,
        provider=provider,
        channel=channel,
        customer_ref=customer_ref,
        key=key,
        service_order=service_order,
    )


def _description(order: PaymentOrder) -> str:
    if order.purpose == PaymentPurpose.SERVICE and order.service_order is not None:
        return f"有偿服务 订单{order.service_order.order_no}"
    return f"电费缴费 户号{order.account.account_no}"


def payment_order_start(*, order: PaymentOrder, client_ip: str, return_url: str) -> str:
    """The address where the customer pays ``order`` (the provider's cashier). A provider that
    does not take the order closes it as failed (``ProviderFailed``, 502): a new one may be made."""
    payment_order_refresh(order)
    if order.status != S.CREATED:
        raise Conflict(_("订单%(status)s，不能再支付。") % {"status": order.get_status_display()})
    provider = provider_for(order.provider)
    started = OrderToStart(
        order_no=order.order_no,
        amount=order.amount,
        description=_description(order),
        expires_at=order.expires_at,
        client_ip=client_ip,
        return_url=return_url,
    )
    try:
        return provider.start(started)
    except ProviderFailed as exc:
        _close(order, S.FAILED, state="start_failed", reason=str(exc.message))
        raise


# --- the provider's notification ----------------------------------------------------------------


@dataclass(frozen=True)
class Notified:
    order: PaymentOrder
    payment: Payment | None
    created: bool  # this notification posted the payment (False: retried, failed, pending)
    acknowledgement: Acknowledgement


def _refuse(order: PaymentOrder, message: str, **parameters: str) -> None:
    """Logged and kept in the order's history, outside the refused transaction."""
    logger.error("payment order %s: notification refused: %s %s", order.order_no, message, parameters)
    order_event(order=order, type=OrderEventType.REFUSED, reason=message, **parameters)


def _paid_at(given: datetime | None) -> datetime:
    now = timezone.now()
    return now if given is None or given > now else given


def payment_order_notified(*, provider: str, notification: RawNotification) -> Notified:
    """Take a provider's notification: verified first (``BadNotification``, 401, nothing read or
    changed), then the payment is posted exactly once and the order marked paid, in one
    transaction."""
    adapter = provider_for(provider)
    try:
        notice = adapter.verify(notification)
    except BadNotification as exc:
        logger.warning("refused a %s payment notification: %s", provider, exc.message)
        raise
    order = (
        PaymentOrder.objects.select_related("account", "service_order")
        .filter(order_no=notice.order_no, provider=provider)
        .first()
    )
    if order is None:
        logger.error("a %s payment notification names no order of ours: %s", provider, notice.order_no)
        raise NotFound(_("没有这个支付订单。"))
    ack = adapter.acknowledgement()
    if notice.outcome is Outcome.PENDING:
        return Notified(order, order.payment, False, ack)
    if notice.outcome is Outcome.FAILED:
        _close(order, S.FAILED, state=notice.state, reason=notice.state)
        order.refresh_from_db()
        return Notified(order, order.payment, False, ack)
    if notice.amount != order.amount:
        got = str(notice.amount)
        message = _("支付通知的金额 %(got)s 元与订单金额 %(want)s 元不符，未入账。") % {
            "got": got,
            "want": order.amount,
        }
        _refuse(order, message, amount=got, expected=str(order.amount), txn=notice.provider_txn_id)
        raise AmountMismatch(message, errors={"amount": message})
    different = ""
    with transaction.atomic():
        # The payment is read after the lock, not joined: a notification that waited here for
        # another one sees the order that one paid, and must see its payment too.
        locked = PaymentOrder.objects.select_for_update(of=("self",)).select_related("account").get(pk=order.pk)
        if locked.status == S.PAID:
            if locked.provider_txn_id == notice.provider_txn_id:
                return Notified(locked, locked.payment, False, ack)  # a retry: nothing changes
            different = locked.provider_txn_id
        else:
            payment, created = payment_post(
                scope=SYSTEM,
                actor=None,
                data=PaymentIn(
                    channel=locked.channel,
                    channel_txn_id=notice.provider_txn_id,
                    account_no=locked.account.account_no,
                    amount=locked.amount,
                    paid_at=_paid_at(notice.paid_at),
                ),
                service=locked.purpose == PaymentPurpose.SERVICE,
            )
            if not created and PaymentOrder.objects.filter(payment=payment).exclude(pk=locked.pk).exists():
                raise Conflict(_("支付流水号 %(txn)s 已用于另一笔订单。") % {"txn": notice.provider_txn_id})
            late = locked.status != S.CREATED
            locked.status = S.PAID
            locked.paid_at = payment.paid_at
            locked.provider_txn_id = notice.provider_txn_id
            locked.payment = payment
            locked.save(update_fields=["status", "paid_at", "provider_txn_id", "payment"])
            order_event(
                order=locked,
                type=OrderEventType.PAID,
                txn=notice.provider_txn_id,
                amount=str(locked.amount),
                payment=payment.pk,
                late=late,
            )
            if locked.service_order_id is not None:
                service_order_paid(order_id=locked.service_order_id, payment=payment)
            return Notified(locked, payment, created, ack)
    message = _("订单已由支付流水号 %(first)s 支付，又收到流水号 %(second)s 的支付通知，未入账，请核实退款。") % {
        "first": different,
        "second": notice.provider_txn_id,
    }
    _refuse(order, message, txn=notice.provider_txn_id)
    raise Conflict(message)


# --- closing: cancelled by the customer, expired, failed ------------------------------------------


def _close(order: PaymentOrder, to: PaymentOrderStatus, **parameters: str) -> bool:
    """Move an unpaid order to ``to`` (only from created); True when this call moved it."""
    now = timezone.now()
    with transaction.atomic():
        moved = PaymentOrder.objects.filter(pk=order.pk, status=S.CREATED).update(status=to, closed_at=now)
        if moved:
            event = {S.FAILED: OrderEventType.FAILED, S.EXPIRED: OrderEventType.EXPIRED}.get(
                to, OrderEventType.CANCELLED
            )
            order_event(order=order, type=event, **parameters)
    if moved:
        order.status, order.closed_at = to, now
    return bool(moved)


def payment_order_cancel(*, order: PaymentOrder) -> PaymentOrder:
    """The customer gave up paying (the cashier's 取消). Only an unpaid, open order."""
    payment_order_refresh(order)
    if not may_move(order.status, S.CANCELLED) or not _close(order, S.CANCELLED):
        order.refresh_from_db()
        raise Conflict(_("订单%(status)s，不能取消。") % {"status": order.get_status_display()})
    return order


def payment_order_refresh(order: PaymentOrder) -> PaymentOrder:
    """Lazy expiry: an unpaid order past its time is closed when it is read."""
    if order.status == S.CREATED and order.expires_at <= timezone.now() and not _close(order, S.EXPIRED):
        order.refresh_from_db()
    return order


def payment_orders_expire() -> int:
    """Close every unpaid order past its time (for a job); returns how many."""
    now = timezone.now()
    with transaction.atomic():
        due = list(
            PaymentOrder.objects.select_for_update()
            .filter(status=S.CREATED, expires_at__lte=now)
            .values_list("pk", flat=True)
        )
        PaymentOrder.objects.filter(pk__in=due).update(status=S.EXPIRED, closed_at=now)
        record_many(
            PaymentOrderEvent, ({"order_id": pk} for pk in due), type=OrderEventType.EXPIRED, actor=None, at=now
        )
    return len(due)


# --- the customer's own orders ---------------------------------------------------------------------


def payment_order_of(*, customer_ref: str, order_no: object) -> PaymentOrder:
    """One of this customer's orders (any other, or a missing one, is the same 404), expired if due."""
    number = str(order_no)
    order = None
    if number.isascii() and number.isalnum() and len(number) <= 32:
        order = (
            PaymentOrder.objects.select_related("account__customer", "payment")
            .filter(customer_ref=customer_ref, order_no=number)
            .first()
        )
    if order is None or not customer_ref:
        raise NotFound(_("没有找到这笔支付订单。"))
    return payment_order_refresh(order)


def payment_orders_of(*, customer_ref: str) -> QuerySet[PaymentOrder]:
    """This customer's orders, newest first (those past their time closed first)."""
    mine = PaymentOrder.objects.filter(customer_ref=customer_ref)
    for order in mine.filter(status=S.CREATED, expires_at__lte=timezone.now()):
        payment_order_refresh(order)
    return mine.select_related("account", "payment").order_by("-created_at", "-pk")
