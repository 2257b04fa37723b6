"""Service orders (有偿增值服务, WO-10): ordered only from the active catalogue, priced by the
server, paid like a bill, then scheduled and done.

- ``service_order_quote``: the lines priced from the catalogue in force today — a code the
  catalogue does not list, an item off sale or without a price yet, a quantity outside 1 to
  SERVICE_QUANTITY_MAX, a line twice: refused on the field (``InvalidInput``), nothing written.
  The caller never gives a price: there is no argument for one.
- ``service_order_create``: the customer (portal, a bound account) or a clerk
  (``SERVICE_ORDER_TAKE``, an account in scope); the same idempotency key gives the same order.
- ``service_order_pay``: a ``PaymentOrder`` of purpose ``service`` through the same providers and
  signed notification as a bill (``payment_orders``), which posts the payment once and marks the
  order paid. ``service_order_pay_at_counter``: the counter's cash or card, through
  ``payment_post`` too.
- ``service_order_schedule`` / ``service_order_done``: staff; ``service_order_cancel``: before
  payment only (billing has no refund service), by the customer or staff; its open payment
  orders are cancelled with it so it can no longer be paid."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.billing.conf import billing_int
from gridcare.billing.events import service_order_event
from gridcare.billing.exceptions import InvalidTransition
from gridcare.billing.models import (
    Payment,
    PaymentChannel,
    PaymentOrder,
    PaymentOrderStatus,
    ServiceItem,
    ServiceOrder,
    ServiceOrderEvent,
    ServiceOrderLine,
    ServiceOrderSource,
    ServiceOrderStatus,
    ServicePrice,
)
from gridcare.billing.rules.paid_services import line_amount, order_amount
from gridcare.billing.services import payment_orders
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.billing.services.service_order_status import service_order_paid, service_order_transition
from gridcare.core.events import Actor, actor_user
from gridcare.core.exceptions import Conflict, InvalidInput
from gridcare.core.timezone import SHANGHAI, business_date
from gridcare.customers.models import Account, AccountStatus
from gridcare.org.access import Capability, Scope, require

S = ServiceOrderStatus
T = ServiceOrderEvent.Type
NOTE_MAX = 200
SCHEDULE_DAYS_AHEAD = 90
COUNTER_CHANNELS = (PaymentChannel.COUNTER_CASH.value, PaymentChannel.COUNTER_CARD.value)


@dataclass(frozen=True)
class LineIn:
    code: str
    quantity: int


@dataclass(frozen=True)
class QuotedLine:
    item: ServiceItem
    price: ServicePrice
    quantity: int
    amount: Decimal


def _has_control(text: str) -> bool:
    return any(ord(ch) < 32 and ch not in "\n\r\t" or ord(ch) == 127 for ch in text)


def _note_error(note: object) -> str | None:
    if not isinstance(note, str):
        return _("请填写文字。")
    if len(note) > NOTE_MAX:
        return _("最多 %(n)s 个字符。") % {"n": NOTE_MAX}
    if _has_control(note):
        return _("不能包含控制字符。")
    return None


def _line_error(line: LineIn, found: dict[str, tuple[ServiceItem, ServicePrice | None]], most: int) -> str | None:
    code = line.code if isinstance(line.code, str) else ""
    if code not in found:
        return _("服务目录中没有“%(code)s”，只能选择目录中的服务。") % {"code": code[:20]}
    item, price = found[code]
    if not item.active:
        return _("“%(name)s”已停售。") % {"name": item.name}
    if price is None:
        return _("“%(name)s”尚未定价，暂不能订购。") % {"name": item.name}
    if isinstance(line.quantity, bool) or not isinstance(line.quantity, int) or not 1 <= line.quantity <= most:
        return _("数量应为 1 至 %(n)s 的整数。") % {"n": most}
    return None


def _catalogue_for(codes: list[str]) -> dict[str, tuple[ServiceItem, ServicePrice | None]]:
    today = business_date()
    items = ServiceItem.objects.filter(
        code__in=[c for c in codes if isinstance(c, str) and len(c) <= 20 and "\x00" not in c]
    )
    found: dict[str, tuple[ServiceItem, ServicePrice | None]] = {}
    for item in items:
        price = item.prices.filter(valid_from__lte=today).order_by("-valid_from").first()
        found[item.code] = (item, price)
    return found


def service_order_quote(*, lines: list[LineIn]) -> list[QuotedLine]:
    """The lines priced from today's catalogue, or every line's problem (``lines.<n>``)."""
    most, most_lines = billing_int("SERVICE_QUANTITY_MAX"), billing_int("SERVICE_LINES_MAX")
    if not lines:
        raise InvalidInput(_("请至少选择一项服务。"), errors={"lines": _("请至少选择一项服务。")})
    if len(lines) > most_lines:
        message = _("一张订单最多 %(n)s 项服务。") % {"n": most_lines}
        raise InvalidInput(message, errors={"lines": message})
    found = _catalogue_for([line.code for line in lines])
    errors: dict[str, str] = {}
    seen: set[str] = set()
    for n, line in enumerate(lines):
        problem = _line_error(line, found, most)
        if problem is None and line.code in seen:
            problem = _("同一项服务请只选一次，用数量表示多份。")
        if problem:
            errors[f"lines.{n}"] = problem
        seen.add(line.code if isinstance(line.code, str) else "")
    if errors:
        raise InvalidInput(_("所选服务有误。"), errors=errors)
    quoted = []
    for line in lines:
        item, price = found[line.code]
        assert price is not None
        quoted.append(QuotedLine(item, price, line.quantity, line_amount(price.price, line.quantity)))
    return quoted


def _order_no(now: datetime) -> str:
    return f"SO{now.astimezone(SHANGHAI):%Y%m%d%H%M%S}{secrets.randbelow(10**6):06d}"


def _summary(quoted: list[QuotedLine]) -> list[str]:
    return [f"{q.item.name}×{q.quantity}" for q in quoted]


def service_order_create(
    *,
    account: Account,
    lines: list[LineIn],
    source: ServiceOrderSource,
    customer_ref: str = "",
    scope: Scope | None = None,
    actor: Actor = None,
    note: str = "",
    idempotency_key: str = "",
) -> tuple[ServiceOrder, bool]:
    """An order for ``account`` (the portal: bound to ``customer_ref``; the hall: ``scope`` with
    SERVICE_ORDER_TAKE and the account in it, read through customers.access by the caller).
    Returns (order, created): the same key again gives the first order (created=False)."""
    if source == ServiceOrderSource.HALL:
        require(scope, Capability.SERVICE_ORDER_TAKE)
    key = idempotency_key.strip() if isinstance(idempotency_key, str) else ""
    errors: dict[str, str] = {}
    problem = _note_error(note)
    if problem:
        errors["note"] = problem
    if len(key) > 64:
        errors["idempotency_key"] = _("幂等键最多 64 个字符。")
    if account.status == AccountStatus.CLOSED:
        errors["account_no"] = _("户号 %(no)s 已销户，不能订购服务。") % {"no": account.account_no}
    try:
        quoted = service_order_quote(lines=lines)
    except InvalidInput as exc:
        errors |= {k: str(v) for k, v in exc.errors.items()}
    if errors:
        raise InvalidInput(_("服务订单有误。"), errors=errors)
    amount = order_amount((q.price.price, q.quantity) for q in quoted)
    now = timezone.now()
    with transaction.atomic():
        Account.objects.select_for_update().filter(pk=account.pk).values_list("pk").first()
        if key:
            keyed = ServiceOrder.objects.filter(account=account, customer_ref=customer_ref, idempotency_key=key).first()
            if keyed is not None:
                return _same_or_conflict(keyed, quoted), False
        try:
            with transaction.atomic():
                order = ServiceOrder.objects.create(
                    order_no=_order_no(now),
                    account=account,
                    amount=amount,
                    source=source,
                    customer_ref=customer_ref,
                    created_by=actor_user(actor),
                    idempotency_key=key,
                    note=note.strip(),
                    created_at=now,
                )
        except IntegrityError:
            raise Conflict(
                _("这个幂等键已用于另一张订单。"), errors={"idempotency_key": _("请为新的订单使用新的幂等键。")}
            ) from None
        ServiceOrderLine.objects.bulk_create(
            ServiceOrderLine(
                order=order,
                item=q.item,
                price=q.price,
                name=q.item.name,
                unit=q.item.unit,
                unit_price=q.price.price,
                quantity=q.quantity,
                amount=q.amount,
            )
            for q in quoted
        )
        service_order_event(
            order=order, type=T.ORDERED, actor=actor, source=source, amount=str(amount), lines=_summary(quoted)
        )
    return order, True


def _same_or_conflict(order: ServiceOrder, quoted: list[QuotedLine]) -> ServiceOrder:
    had = sorted((line.item_id, line.quantity) for line in order.lines.all())
    if had != sorted((q.item.pk, q.quantity) for q in quoted):
        raise Conflict(
            _("这个幂等键已用于另一张订单（%(no)s）。") % {"no": order.order_no},
            errors={"idempotency_key": _("请为新的订单使用新的幂等键。")},
        )
    return order


def _payable(order: ServiceOrder) -> None:
    if order.status != S.ORDERED:
        raise InvalidTransition(_("订单%(status)s，不能再支付。") % {"status": order.get_status_display()})


def service_order_pay(
    *, order: ServiceOrder, provider: str, origin: str, customer_ref: str, idempotency_key: str = ""
) -> tuple[PaymentOrder, bool]:
    """A payment order for the whole amount of an order still to be paid (the portal, the app)."""
    _payable(order)
    return payment_orders.payment_order_for_service(
        service_order=order,
        provider=provider,
        origin=origin,
        customer_ref=customer_ref,
        idempotency_key=idempotency_key,
    )


def service_order_pay_at_counter(*, scope: Scope, actor: Actor, order: ServiceOrder, channel: str) -> Payment:
    """The customer pays at the counter (cash or card): posted once through ``payment_post``
    (transaction id from the order number, so a second click finds the first payment). The money
    is taken by the posts that take payments (PAYMENT_TAKE), refused before anything is read."""
    require(scope, Capability.SERVICE_ORDER_TAKE)
    require(scope, Capability.PAYMENT_TAKE)
    if channel not in COUNTER_CHANNELS:
        message = _("请选择现金或刷卡。")
        raise InvalidInput(message, errors={"channel": message})
    _payable(order)
    with transaction.atomic():
        payment, _created = payment_post(
            scope=scope,
            actor=actor,
            data=PaymentIn(
                channel=channel,
                channel_txn_id=f"SVC{order.order_no}",
                account_no=order.account.account_no,
                amount=order.amount,
                paid_at=timezone.now(),
            ),
            service=True,
        )
        service_order_paid(order_id=order.pk, payment=payment, actor=actor)
    order.refresh_from_db()
    return payment


def service_order_schedule(
    *, scope: Scope, actor: Actor, order: ServiceOrder, at: datetime, note: str = ""
) -> ServiceOrder:
    """When the service will be done (a paid order, or one already scheduled: rescheduled)."""
    require(scope, Capability.SERVICE_ORDER_TAKE)
    errors: dict[str, str] = {}
    now = timezone.now()
    if not isinstance(at, datetime) or at.tzinfo is None:
        errors["at"] = _("请填写上门时间。")
    elif not now <= at <= now + timedelta(days=SCHEDULE_DAYS_AHEAD):
        errors["at"] = _("上门时间应在现在至 %(n)s 天之内。") % {"n": SCHEDULE_DAYS_AHEAD}
    problem = _note_error(note)
    if problem:
        errors["note"] = problem
    if errors:
        raise InvalidInput(_("预约有误。"), errors=errors)
    with transaction.atomic():
        order.scheduled_for = at
        return service_order_transition(
            order=order,
            to=S.SCHEDULED,
            actor=actor,
            event=T.SCHEDULED,
            with_fields=("scheduled_for",),
            at=at.isoformat(),
            **({"note": note.strip()} if note.strip() else {}),
        )


def service_order_done(*, scope: Scope, actor: Actor, order: ServiceOrder, note: str = "") -> ServiceOrder:
    require(scope, Capability.SERVICE_ORDER_TAKE)
    problem = _note_error(note)
    if problem:
        raise InvalidInput(_("备注有误。"), errors={"note": problem})
    with transaction.atomic():
        order.done_at = timezone.now()
        return service_order_transition(
            order=order,
            to=S.DONE,
            actor=actor,
            event=T.DONE,
            with_fields=("done_at",),
            **({"note": note.strip()} if note.strip() else {}),
        )


def service_order_cancel(
    *, order: ServiceOrder, actor: Actor, scope: Scope | None = None, reason: str = ""
) -> ServiceOrder:
    """Cancel an order not yet paid (staff with ``scope``; else the customer, whose order the
    caller found). Its open payment orders are cancelled too."""
    if scope is not None:
        require(scope, Capability.SERVICE_ORDER_TAKE)
    problem = _note_error(reason)
    if problem:
        raise InvalidInput(_("取消原因有误。"), errors={"reason": problem})
    with transaction.atomic():
        locked = ServiceOrder.objects.select_for_update().get(pk=order.pk)
        if locked.status == S.PAID or locked.payment_id is not None:
            raise InvalidTransition(_("订单已支付，不能取消；如需退款请联系营业厅。"))
        for pay in PaymentOrder.objects.filter(service_order=locked, status=PaymentOrderStatus.CREATED):
            payment_orders.payment_order_cancel(order=pay)
        locked.cancelled_at = timezone.now()
        service_order_transition(
            order=locked,
            to=S.CANCELLED,
            actor=actor,
            event=T.CANCELLED,
            with_fields=("cancelled_at",),
            **({"reason": reason.strip()} if reason.strip() else {}),
        )
    order.refresh_from_db()
    return order
