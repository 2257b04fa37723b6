"""Paid value-added services (WO-10), pure: the price in force on a day, a line's and an order's
amount to the fen, and the moves of a service order.

ordered → paid → scheduled → done; an order not yet paid may be cancelled. A paid order is not
cancelled here: billing has no refund service, so the money taken is settled outside (the
order stays paid and is done or rescheduled)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from gridcare.billing.models import ServiceOrderStatus as S

FEN = Decimal("0.01")
CODE = re.compile(r"^[A-Z][A-Z0-9-]{1,19}$")

MOVES: dict[str, frozenset[str]] = {
    S.ORDERED: frozenset({S.PAID, S.CANCELLED}),
    S.PAID: frozenset({S.SCHEDULED, S.DONE}),
    S.SCHEDULED: frozenset({S.SCHEDULED, S.DONE}),  # rescheduled, or done
    S.DONE: frozenset(),
    S.CANCELLED: frozenset(),
}


# The states of an order that was paid: it has a receipt (有偿服务收费凭证).
PAID_STATES = frozenset({S.PAID, S.SCHEDULED, S.DONE})


def may_move(status: str, to: str) -> bool:
    return to in MOVES.get(status, frozenset())


def has_receipt(status: str) -> bool:
    return status in PAID_STATES


def price_on(versions: Iterable[tuple[date, Decimal]], day: date) -> Decimal | None:
    """The price of the latest version whose date has come on ``day`` (None: none yet)."""
    started = [(valid_from, price) for valid_from, price in versions if valid_from <= day]
    return max(started)[1] if started else None


def line_amount(unit_price: Decimal, quantity: int) -> Decimal:
    return (unit_price * quantity).quantize(FEN, rounding=ROUND_HALF_UP)


def order_amount(lines: Iterable[tuple[Decimal, int]]) -> Decimal:
    """The sum of the lines' amounts, each rounded to the fen first (as the receipt shows them)."""
    return sum((line_amount(price, quantity) for price, quantity in lines), Decimal("0.00"))


def code_ok(code: str) -> bool:
    """A catalogue code: a capital letter, then capitals, digits or hyphens, 2 to 20 in all."""
    return bool(CODE.match(code))
