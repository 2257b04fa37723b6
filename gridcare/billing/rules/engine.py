"""The bill run's arithmetic on whole arrays (numpy, integers only).

Energy is held in centi-kWh (0.01 kWh) and prices in 1/10,000 yuan, so a product is an exact
integer in millionths of a yuan; rounding half-up to the fen at the same point as the rules
functions (once per charge) makes every bill equal to ``compute.bill_charges``.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import numpy.typing as npt

from gridcare.billing.models import Tariff, TariffKind, TierPeriod

Ints = npt.NDArray[np.int64]
KWH_SCALE = 100
PRICE_SCALE = 10_000


def scaled(value: Decimal, scale: int) -> int:
    units = value * scale
    if units != units.to_integral_value():
        raise ValueError(f"{value} has more places than the engine carries")
    return int(units)


def _price(value: Decimal | None) -> int:
    if value is None:
        raise ValueError("tariff price missing")
    return scaled(value, PRICE_SCALE)


def to_fen(millionths: Ints) -> Ints:
    """Half-up to the fen, for non-negative amounts."""
    return (millionths + 5_000) // 10_000


def _tier_part(start: Ints, end: Ints, low: int, high: int | None) -> Ints:
    top = end if high is None else np.minimum(end, high)
    return np.maximum(0, top - np.maximum(start, low))


def _tiered_units(tariff: Tariff, kwh: Ints, prior: Ints) -> Ints:
    """Tier charge of the total in millionths of a yuan (not rounded)."""
    assert tariff.tier1_kwh is not None and tariff.tier2_kwh is not None
    t1, t2 = scaled(tariff.tier1_kwh, KWH_SCALE), scaled(tariff.tier2_kwh, KWH_SCALE)
    start = prior if tariff.tier_period == TierPeriod.YEARLY else np.zeros_like(kwh)
    end = start + kwh
    units: Ints = (
        _tier_part(start, end, 0, t1) * _price(tariff.price)
        + _tier_part(start, end, t1, t2) * _price(tariff.tier2_price)
        + _tier_part(start, end, t2, None) * _price(tariff.tier3_price)
    )
    return units


def tiered_fen(tariff: Tariff, kwh: Ints, prior: Ints) -> Ints:
    return to_fen(_tiered_units(tariff, kwh, prior))


def tiered_tou_fen(tariff: Tariff, kwh: Ints, peak: Ints, valley: Ints, prior: Ints) -> Ints:
    """Residential time-of-use under tiers (e.g. Zhejiang 一户一表 峰谷): the tier charge of the
    total, plus the peak and valley kWh at their difference from the flat (tier-1) price. The
    flat share is ``kwh - peak - valley``, so the total stays the register's consumption.
    Equal to ``rules.tiered_tou_charge`` (TOU prices plus tier increments) term by term."""
    peak_diff = _price(tariff.peak_price) - _price(tariff.price)
    valley_diff = _price(tariff.valley_price) - _price(tariff.price)
    return to_fen(_tiered_units(tariff, kwh, prior) + peak * peak_diff + valley * valley_diff)


def energy_fen(tariff: Tariff, kwh: Ints, peak: Ints, flat: Ints, valley: Ints, prior: Ints) -> Ints:
    """Energy charge in fen of every account of ``tariff`` (same order as the inputs)."""
    if tariff.kind == TariffKind.TIERED and tariff.peak_price is not None:
        return tiered_tou_fen(tariff, kwh, peak, valley, prior)
    if tariff.kind == TariffKind.TIERED:
        return tiered_fen(tariff, kwh, prior)
    if tariff.peak_price is not None and tariff.kind in (TariffKind.TOU, TariffKind.TWO_PART):
        units = peak * _price(tariff.peak_price) + flat * _price(tariff.price) + valley * _price(tariff.valley_price)
        return to_fen(units)
    return to_fen(kwh * _price(tariff.price))
