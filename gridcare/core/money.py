"""Money is Decimal yuan with two places, rounded half-up at the documented points."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def yuan(value: Decimal | int | str) -> Decimal:
    """Round to the fen, half-up (the rounding used on Chinese electricity bills)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def to_fen(value: Decimal) -> int:
    return int(yuan(value) * 100)


def from_fen(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(CENT)
