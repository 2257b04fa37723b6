"""Late-payment penalty (电费违约金), 供电营业规则 art. 98."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from gridcare.core.money import ZERO, yuan


@dataclass(frozen=True)
class PenaltyRates:
    """Daily rates; the defaults are the SPEC's. Services build this from GRIDCARE_RULES."""

    residential: Decimal = Decimal("0.001")
    other_current_year: Decimal = Decimal("0.002")
    other_cross_year: Decimal = Decimal("0.003")


SPEC_RATES = PenaltyRates()


def _days_by_year(due_date: date, start: date, end: date) -> tuple[int, int]:
    """Overdue days in (start, end], split into days in the due year and days after it."""
    if end <= start:
        return 0, 0
    year_end = date(due_date.year, 12, 31)
    in_due_year = max(0, (min(end, year_end) - start).days) if start <= year_end else 0
    return in_due_year, (end - start).days - in_due_year


def _fee(
    amount: Decimal,
    due_date: date,
    start: date,
    end: date,
    *,
    residential: bool,
    minimum: Decimal,
    rates: PenaltyRates,
) -> Decimal:
    if amount < 0:
        raise ValueError("amount cannot be negative")
    current, later = _days_by_year(due_date, start, end)
    if residential:
        fee = amount * rates.residential * (current + later)
    else:
        fee = amount * (rates.other_current_year * current + rates.other_cross_year * later)
    fee = yuan(fee)
    if ZERO < fee < minimum:
        return yuan(minimum)
    return fee


def late_fee(
    amount: Decimal,
    due_date: date,
    paid_date: date,
    *,
    residential: bool,
    minimum: Decimal = Decimal("1.00"),
    rates: PenaltyRates = SPEC_RATES,
) -> Decimal:
    """Penalty on one overdue bill: days = paid − due; residential 0.1% a day; others 0.2% a
    day for days in the due year, 0.3% for days in any later year; no compounding; a
    positive fee under ``minimum`` is charged as ``minimum`` (pass 0 to switch that off)."""
    return _fee(amount, due_date, due_date, paid_date, residential=residential, minimum=minimum, rates=rates)


def accrued_penalty(
    amount: Decimal,
    due_date: date,
    settled_to: date | None,
    today: date,
    *,
    residential: bool,
    minimum: Decimal = Decimal("1.00"),
    rates: PenaltyRates = SPEC_RATES,
) -> Decimal:
    """Penalty on ``amount`` still unpaid for the days after ``settled_to`` (the date up to
    which an earlier payment already settled the bill's penalty; None: nothing settled)."""
    start = due_date if settled_to is None else max(due_date, settled_to)
    return _fee(amount, due_date, start, today, residential=residential, minimum=minimum, rates=rates)


def bill_penalty_total(real: Decimal, *, minimum: Decimal = Decimal("1.00")) -> Decimal:
    """A bill's whole penalty from its real one (the sum of what each unpaid stretch accrued):
    the minimum is a top-up of the bill's total, once per bill, not once per payment. A real
    penalty of more than 0 and under ``minimum`` is charged as ``minimum``."""
    return yuan(minimum) if ZERO < real < minimum else real


def penalty_now(
    amount: Decimal,
    due_date: date,
    settled_to: date | None,
    today: date,
    *,
    accrued_before: Decimal,
    charged_before: Decimal,
    residential: bool,
    minimum: Decimal = Decimal("1.00"),
    rates: PenaltyRates = SPEC_RATES,
) -> tuple[Decimal, Decimal]:
    """(real penalty of this stretch, new penalty to charge) for ``amount`` unpaid since
    ``settled_to``: the bill's real penalty so far was ``accrued_before`` and ``charged_before``
    has already been charged on it (paid or carried). What is charged now is only what the
    bill's topped-up total exceeds what was already charged, so the total over any split of
    payments is ``bill_penalty_total`` of the real penalty."""
    segment = accrued_penalty(amount, due_date, settled_to, today, residential=residential, minimum=ZERO, rates=rates)
    total = bill_penalty_total(accrued_before + segment, minimum=minimum)
    return segment, max(ZERO, total - charged_before)
