"""How a payment is spread over what an account owes (BILL-5): penalties first, then the
oldest bills; the rest becomes prepaid balance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from gridcare.core.money import ZERO


@dataclass(frozen=True)
class Debt:
    key: int  # the bill
    period: str  # "2026-10": older periods are settled first
    penalty: Decimal
    principal: Decimal


@dataclass(frozen=True)
class Allocation:
    key: int
    penalty: Decimal
    principal: Decimal


def allocate(amount: Decimal, debts: Sequence[Debt]) -> tuple[list[Allocation], Decimal]:
    """Spread ``amount`` over ``debts``: every penalty (oldest bill first), then every
    principal (oldest first). Returns the non-zero allocations and the surplus."""
    if amount <= 0:
        raise ValueError("amount must be positive")
    ordered = sorted(debts, key=lambda d: (d.period, d.key))
    left = amount
    penalty: dict[int, Decimal] = {}
    principal: dict[int, Decimal] = {}
    for d in ordered:
        take = min(left, d.penalty)
        penalty[d.key], left = take, left - take
    for d in ordered:
        take = min(left, d.principal)
        principal[d.key], left = take, left - take
    out = [
        Allocation(key=d.key, penalty=penalty[d.key], principal=principal[d.key])
        for d in ordered
        if penalty[d.key] > ZERO or principal[d.key] > ZERO
    ]
    return out, left
