"""Energy and capacity charges (BILL-1): tiered, time-of-use, flat, two-part."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from gridcare.core.money import yuan

ZERO = Decimal(0)

# Which kinds of tariff a customer class (用电类别) may take: residential the three-tier tariff
# (with or without peak/valley prices); large industry the two-part tariff; general commerce a
# single or time-of-use price, or the two-part tariff it may choose from 315 kVA; agriculture a
# single or time-of-use price.
KINDS_FOR_CLASS: dict[str, frozenset[str]] = {
    "residential": frozenset({"tiered"}),
    "commercial": frozenset({"flat", "tou", "two_part"}),
    "large_industrial": frozenset({"two_part"}),
    "agricultural": frozenset({"flat", "tou"}),
}


def tariff_fits_class(kind: str, customer_class: str) -> bool:
    return kind in KINDS_FOR_CLASS.get(customer_class, frozenset())


def _check_tiers(thresholds: Sequence[Decimal], prices: Sequence[Decimal]) -> None:
    if len(prices) != len(thresholds) + 1:
        raise ValueError("prices must have one more entry than thresholds")
    if any(b <= a for a, b in zip(thresholds, thresholds[1:], strict=False)):
        raise ValueError("thresholds must increase")


def tier_split(kwh: Decimal, thresholds: Sequence[Decimal], *, prior_kwh: Decimal = ZERO) -> list[Decimal]:
    """The kWh of this bill that fall in each tier, given the usage already billed in the
    tier period. Usage exactly at a threshold stays in the lower tier: tier i holds the
    cumulative usage in (threshold[i-1], threshold[i]]."""
    if kwh < 0 or prior_kwh < 0:
        raise ValueError("usage cannot be negative")
    start, end = prior_kwh, prior_kwh + kwh
    bounds = [ZERO, *thresholds]
    parts = []
    for i, low in enumerate(bounds):
        high = thresholds[i] if i < len(thresholds) else None
        top = end if high is None else min(end, high)
        parts.append(max(ZERO, top - max(start, low)))
    return parts


def tiered_charge(
    kwh: Decimal,
    thresholds: Sequence[Decimal],
    prices: Sequence[Decimal],
    *,
    prior_kwh: Decimal = ZERO,
) -> Decimal:
    """Three-tier (阶梯) charge of ``kwh``, priced by where the cumulative usage of the tier
    period falls. Rounded half-up to the fen once, at the end."""
    _check_tiers(thresholds, prices)
    parts = tier_split(kwh, thresholds, prior_kwh=prior_kwh)
    return yuan(sum((p * price for p, price in zip(parts, prices, strict=True)), ZERO))


def tou_charge(kwh_by_period: Mapping[str, Decimal], prices: Mapping[str, Decimal]) -> Decimal:
    """Time-of-use (峰谷分时) charge: each period's kWh at its price, rounded once."""
    if any(v < 0 for v in kwh_by_period.values()):
        raise ValueError("usage cannot be negative")
    return yuan(sum((kwh * prices[period] for period, kwh in kwh_by_period.items()), ZERO))


def tiered_tou_charge(
    kwh_by_period: Mapping[str, Decimal],
    prices: Mapping[str, Decimal],
    thresholds: Sequence[Decimal],
    increments: Sequence[Decimal],
    *,
    prior_kwh: Decimal = ZERO,
) -> Decimal:
    """A residential TOU customer under tiers: TOU prices, plus each tier's increment on the
    kWh that fall in that tier (NDRC 2021: tier increments apply on top of TOU prices).
    ``increments`` has one entry per tier above the first."""
    if len(increments) != len(thresholds):
        raise ValueError("one increment per threshold")
    if any(v < 0 for v in kwh_by_period.values()):
        raise ValueError("usage cannot be negative")
    total = sum(kwh_by_period.values(), ZERO)
    parts = tier_split(total, thresholds, prior_kwh=prior_kwh)
    energy = sum((kwh * prices[period] for period, kwh in kwh_by_period.items()), ZERO)
    extra = sum((p * inc for p, inc in zip(parts[1:], increments, strict=True)), ZERO)
    return yuan(energy + extra)


def flat_charge(kwh: Decimal, price: Decimal) -> Decimal:
    if kwh < 0:
        raise ValueError("usage cannot be negative")
    return yuan(kwh * price)


def tou_min_ratio(*, load_gap_percent: Decimal, base: Decimal, wide: Decimal, wide_gap_percent: Decimal) -> Decimal:
    """The least peak/valley price ratio (NDRC 2021 notice): ``base`` (3:1), or ``wide`` (4:1)
    where the province's peak-valley load gap exceeds ``wide_gap_percent`` (40%)."""
    return wide if load_gap_percent > wide_gap_percent else base


def two_part_capacity_problem(*, kind: str, customer_class: str, capacity_kva: Decimal, minimum_kva: Decimal) -> str:
    """Why an account of ``capacity_kva`` cannot be of ``customer_class`` on a tariff of ``kind``
    (the two-part rule: large industry is 315 kVA and above, and the two-part tariff is for
    capacities from 315 kVA): "industrial_small", "two_part_small", or "" when it can."""
    if customer_class == "large_industrial" and capacity_kva < minimum_kva:
        return "industrial_small"
    if kind == "two_part" and capacity_kva < minimum_kva:
        return "two_part_small"
    return ""


def tou_ratio_ok(peak_price: Decimal, valley_price: Decimal, minimum_ratio: Decimal) -> bool:
    """The peak/valley price ratio must be at least ``minimum_ratio`` (3:1, or 4:1)."""
    return valley_price > 0 and peak_price >= valley_price * minimum_ratio


def basic_charge(
    *,
    basis: str,
    capacity_kva: Decimal,
    max_demand_kw: Decimal,
    capacity_price: Decimal,
    demand_price: Decimal,
    demand_min_share: Decimal = Decimal("0.40"),
) -> Decimal:
    """Two-part tariff's basic charge (基本电费) for a month: by contract capacity
    (yuan/kVA) or by maximum demand (yuan/kW), where a measured demand under
    ``demand_min_share`` of the contract capacity is billed at that share."""
    if basis == "capacity":
        return yuan(capacity_kva * capacity_price)
    if basis == "demand":
        billed = max(max_demand_kw, capacity_kva * demand_min_share)
        return yuan(billed * demand_price)
    raise ValueError(f"unknown basis {basis!r}")


def two_part_charge(*, energy_charge: Decimal, basic: Decimal, adjustment: Decimal) -> Decimal:
    """Total of a two-part bill: energy + basic charge + power-factor adjustment."""
    return yuan(energy_charge + basic + adjustment)
