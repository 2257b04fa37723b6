"""Moving out and in, and security deposits (issue 19): the pure parts.

* A final bill covers the days from the last reading to the final one (at most a month); a
  residential tariff's tier thresholds are prorated by those days (``prorated_thresholds``): a
  monthly tier period's by those days over the days of the final reading's month, a yearly one's by the days of the
  year the account was held up to the final reading over the days of the year.
* A settlement sets the security deposit, then the prepaid balance against what is owed; what
  is left of them is a credit for refund, what they do not cover is still owed (``settle``).
* A deposit's required amount follows the configured rule (``deposit_required``)."""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

import numpy as np

from gridcare.core.money import ZERO

KWH = Decimal("0.01")


def days_in_month(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def part_month_days(last_read_on: date | None, final_on: date) -> int:
    """The days a final bill covers: after the last reading up to and including the final one
    (a reading on the 28th and a final one on 17 November: 20 days), at most a month, the final
    reading's (no earlier reading: that month up to the day)."""
    covered = (final_on - last_read_on).days if last_read_on is not None else final_on.day
    return max(0, min(covered, days_in_month(final_on)))


def prorate(value: Decimal, days: int, of_days: int) -> Decimal:
    """``value`` × days / of_days, half-up to the 0.01 kWh the meter registers."""
    if of_days <= 0 or days < 0:
        raise ValueError("days must be positive")
    return (value * days / of_days).quantize(KWH, rounding=ROUND_HALF_UP)


def prorated_thresholds(
    thresholds: Sequence[Decimal], *, yearly: bool, final_on: date, days: int, held_from: date | None = None
) -> tuple[Decimal, ...]:
    """A part period's tier thresholds. Monthly tiers: by ``days`` of the final reading's month.
    Yearly tiers: by the days of the year held (from 1 January, or ``held_from`` if later)."""
    if not yearly:
        return tuple(prorate(t, days, days_in_month(final_on)) for t in thresholds)
    year_start = date(final_on.year, 1, 1)
    start = max(year_start, held_from) if held_from else year_start
    held = (final_on - start).days + 1
    in_year = 366 if calendar.isleap(final_on.year) else 365
    return tuple(prorate(t, held, in_year) for t in thresholds)


@dataclass(frozen=True)
class Settlement:
    owed: Decimal  # what the account owes (bills and penalty) after the final bill
    from_deposit: Decimal
    from_prepaid: Decimal
    credit: Decimal  # deposit and prepaid left over: refunded
    left_owed: Decimal  # not covered: the account stays 待结清

    @property
    def settled(self) -> bool:
        return self.left_owed == 0


def settle(*, owed: Decimal, prepaid: Decimal, deposit: Decimal) -> Settlement:
    """The deposit first, then the prepaid balance, against ``owed``; the rest a credit."""
    if min(owed, prepaid, deposit) < 0:
        raise ValueError("amounts cannot be negative")
    from_deposit = min(deposit, owed)
    from_prepaid = min(prepaid, owed - from_deposit)
    left = owed - from_deposit - from_prepaid
    credit = deposit - from_deposit + prepaid - from_prepaid
    return Settlement(owed, from_deposit, from_prepaid, credit, left)


def per_kva_table(text: str) -> dict[str, Decimal]:
    """ "commercial:20,large_industrial:30" → {class: yuan per kVA} (a malformed part refused)."""
    table: dict[str, Decimal] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _sep, value = part.partition(":")
        amount = Decimal(value)
        if not name or not amount.is_finite() or amount < 0:
            raise ValueError(f"bad deposit rate {part!r}")
        table[name.strip()] = amount
    return table


def deposit_required(
    *,
    rule: str,
    customer_class: str,
    capacity_kva: Decimal,
    bills: Sequence[Decimal],
    months: Decimal,
    per_kva: Mapping[str, Decimal],
    minimum: Decimal = ZERO,
) -> Decimal:
    """The deposit a non-residential account is asked for (residential: none). ``bills``: the
    amounts of its latest bills (the history the rule averages). Rounded up to the whole yuan."""
    if customer_class == "residential":
        return ZERO
    if rule == "months" and bills:
        base = sum(bills, ZERO) / len(bills) * months
    elif rule in ("months", "kva"):
        base = per_kva.get(customer_class, ZERO) * capacity_kva
    else:
        raise ValueError(f"unknown deposit rule {rule!r}")
    amount = base.quantize(Decimal(1), rounding=ROUND_CEILING)
    return max(amount, minimum).quantize(Decimal("0.01")) if amount > 0 or minimum > 0 else ZERO


def less_final_billed(kwh: np.ndarray, before: np.ndarray) -> np.ndarray:
    """The month's kWh (centi-kWh, per account) less what a transfer's or closure's final bill
    (segment > 0) already billed in the period (never below zero then); an account without one
    keeps its own, which a true-up after an over-estimate makes negative. The bill run's
    chunks and ``bill_single`` both use it, on the total and on the flat kWh (a final reading
    has no split: all it took was flat)."""
    return np.where(before > 0, np.maximum(0, kwh - before), kwh)
