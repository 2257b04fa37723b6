"""Estimated readings (估抄) and their true-up: pure rules, no database.

An account whose reading did not come in is estimated from its own history: last year's same
month if there was a reading then, else the mean of the last three months' readings (rounded to
0.01 kWh). At most ``max_consecutive`` estimates follow one another; then the account waits for a
real reading.

The true-up (the next actual reading): its bill charges the true total of the months since the
last actual reading less what the estimated bills charged. The tiers see the actual cumulative
usage: the true total is priced from where the first estimated bill started in the year (yearly
thresholds: ``prior_kwh`` of that bill), or, for monthly thresholds, with the thresholds of all the
months it covers. For yearly tiers this is exactly what bills from actual readings would have
charged in total (the tiers price cumulative usage), up to the fen each bill rounds.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from gridcare.billing.models import Tariff, TariffKind, TierPeriod
from gridcare.billing.rules.compute import Charges, Usage, energy_charge, pf_extra, two_part_extras

ZERO = Decimal(0)
CENT = Decimal("0.01")


def previous_periods(period: str, count: int) -> list[str]:
    """The ``count`` periods before ``period``, newest first."""
    year, month = int(period[:4]), int(period[5:7])
    out = []
    for _ in range(count):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        out.append(f"{year:04d}-{month:02d}")
    return out


def same_month_last_year(period: str) -> str:
    return f"{int(period[:4]) - 1:04d}{period[4:]}"


@dataclass(frozen=True)
class Estimate:
    kwh: Decimal
    peak: Decimal
    valley: Decimal
    basis: str  # "last_year" or "recent"


def estimate_usage(period: str, history: Mapping[str, tuple[Decimal, Decimal, Decimal]]) -> Estimate | None:
    """The estimated (kWh, peak, valley) of ``period`` from ``history`` {period: (kwh, peak,
    valley)} of actual readings: last year's same month, else the mean of the last 3 months that
    have a reading (of the three before ``period``). None: no history to estimate from."""
    last_year = history.get(same_month_last_year(period))
    if last_year is not None:
        return Estimate(kwh=last_year[0], peak=last_year[1], valley=last_year[2], basis="last_year")
    recent = [history[p] for p in previous_periods(period, 3) if p in history]
    if not recent:
        return None
    n = Decimal(len(recent))
    kwh, peak, valley = (sum((r[i] for r in recent), ZERO) / n for i in range(3))
    kwh = kwh.quantize(CENT, ROUND_HALF_UP)
    peak = min(peak.quantize(CENT, ROUND_HALF_UP), kwh)
    valley = min(valley.quantize(CENT, ROUND_HALF_UP), kwh - peak)
    return Estimate(kwh=kwh, peak=peak, valley=valley, basis="recent")


def may_estimate(consecutive_before: int, max_consecutive: int) -> bool:
    """Another estimate after ``consecutive_before`` estimated months in a row?"""
    return consecutive_before < max_consecutive


@dataclass(frozen=True)
class TrueUpBasis:
    """What the estimated bills a true-up covers charged: their energy charges, how many they
    are, and the year's kWh before the first of them."""

    billed_energy: Decimal
    months: int
    first_prior_kwh: Decimal
    true_up_kwh: Decimal = ZERO  # the estimated kWh the true-up reading deducts
    estimated_peak: Decimal = ZERO
    estimated_valley: Decimal = ZERO

    def actual_usage(self, usage: Usage, true_up_kwh: Decimal) -> Usage:
        """The actual usage since the last actual reading: the true-up reading's own (``usage``,
        its kWh net of the estimates) with the estimates added back."""
        kwh = usage.kwh + true_up_kwh
        peak, valley = usage.peak + self.estimated_peak, usage.valley + self.estimated_valley
        return Usage(
            kwh=kwh,
            peak=peak,
            flat=kwh - peak - valley,
            valley=valley,
            kvarh=usage.kvarh,
            max_demand_kw=usage.max_demand_kw,
        )


def _covering(tariff: Tariff, months: int) -> Tariff:
    """The tariff with monthly tier thresholds widened to the ``months`` the true-up covers."""
    if tariff.kind != TariffKind.TIERED or tariff.tier_period == TierPeriod.YEARLY or months <= 1:
        return tariff
    wide = copy.copy(tariff)
    assert tariff.tier1_kwh is not None and tariff.tier2_kwh is not None
    wide.tier1_kwh, wide.tier2_kwh = tariff.tier1_kwh * months, tariff.tier2_kwh * months
    return wide


@dataclass(frozen=True)
class TrueUp:
    """The true-up bill's charges and the credit left over: what the estimates charged beyond
    the true total and this bill's own basic charge and adjustment (an over-estimate, 估抄多计).
    The bill never goes below zero; the credit reaches the customer as a credit note."""

    charges: Charges
    credit: Decimal = ZERO


def true_up_charges(
    *, tariff: Tariff, usage: Usage, basis: TrueUpBasis, capacity_kva: Decimal, customer_class: str = ""
) -> TrueUp:
    """The true-up bill. ``usage`` is the actual usage since the last actual reading (this
    reading's kWh plus the estimates it trues up). Energy: the true total's charge less what the
    estimated bills charged; basic charge and power-factor adjustment are this month's own. The
    bill never goes below zero (its energy charge is raised to −(basic + adjustment) at most);
    what the estimates charged beyond that is the ``credit`` (to the fen: every term is)."""
    months = basis.months + 1
    true_total = energy_charge(_covering(tariff, months), usage, basis.first_prior_kwh)
    energy = true_total - basis.billed_energy
    if tariff.kind == TariffKind.TWO_PART:
        basic, adjustment = two_part_extras(tariff, usage, max(energy, ZERO), capacity_kva)
    else:
        basic, adjustment = ZERO, pf_extra(tariff, usage, max(energy, ZERO), customer_class, capacity_kva)
    credit = max(ZERO, -(energy + basic + adjustment))
    energy = max(energy, -(basic + adjustment))
    return TrueUp(charges=Charges(energy=energy, basic=basic, adjustment=adjustment), credit=credit)
