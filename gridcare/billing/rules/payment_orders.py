"""The moves of an online payment order (BILL-4): made, then paid, or failed, expired or cancelled.
A genuine "paid" notification that arrives after the order was closed is still posted — the
customer's money has been taken — so each closed status may still become paid; paid is final."""

from __future__ import annotations

from gridcare.billing.models import PaymentOrderStatus as S

MOVES: dict[str, frozenset[str]] = {
    S.CREATED: frozenset({S.PAID, S.FAILED, S.EXPIRED, S.CANCELLED}),
    S.FAILED: frozenset({S.PAID}),
    S.EXPIRED: frozenset({S.PAID}),
    S.CANCELLED: frozenset({S.PAID}),
    S.PAID: frozenset(),
}


def may_move(status: str, to: str) -> bool:
    return to in MOVES.get(status, frozenset())
