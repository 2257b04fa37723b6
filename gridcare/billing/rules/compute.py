"""One account's bill by the rules functions: the reference the batch engine must equal."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from gridcare.billing import rules
from gridcare.billing.conf import billing_decimal, rule_decimal
from gridcare.billing.models import Reading, Tariff, TariffKind, TierPeriod
from gridcare.billing.rules.power_factor import pf_standard_for, pf_standards
from gridcare.core.money import ZERO


@dataclass(frozen=True)
class Usage:
    kwh: Decimal
    peak: Decimal = ZERO
    flat: Decimal = ZERO
    valley: Decimal = ZERO
    kvarh: Decimal = ZERO
    max_demand_kw: Decimal = ZERO


def usage_of(reading: Reading) -> Usage:
    """The usage a valid meter reading bills."""
    return Usage(
        kwh=reading.kwh,
        peak=reading.kwh_peak,
        flat=reading.kwh_flat,
        valley=reading.kwh_valley,
        kvarh=reading.kvarh,
        max_demand_kw=reading.max_demand_kw,
    )


@dataclass(frozen=True)
class Charges:
    energy: Decimal
    basic: Decimal = ZERO
    adjustment: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.energy + self.basic + self.adjustment

    @property
    def parts(self) -> tuple[Decimal, Decimal, Decimal]:
        return self.energy, self.basic, self.adjustment


def tier_prices(tariff: Tariff) -> tuple[tuple[Decimal, Decimal], tuple[Decimal, Decimal, Decimal]]:
    assert tariff.tier1_kwh is not None and tariff.tier2_kwh is not None
    assert tariff.tier2_price is not None and tariff.tier3_price is not None
    return (tariff.tier1_kwh, tariff.tier2_kwh), (tariff.price, tariff.tier2_price, tariff.tier3_price)


def tou_prices(tariff: Tariff) -> dict[str, Decimal]:
    assert tariff.peak_price is not None and tariff.valley_price is not None
    return {"peak": tariff.peak_price, "flat": tariff.price, "valley": tariff.valley_price}


def residential_tou_charge(tariff: Tariff, usage: Usage, prior_kwh: Decimal) -> Decimal:
    """A residential tariff with peak/valley prices: TOU prices on the split, tier increments on
    the kWh of the upper tiers (the flat share is what the register measured beyond peak and
    valley, so the tiers see the register's total)."""
    thresholds, prices = tier_prices(tariff)
    split = {"peak": usage.peak, "flat": usage.kwh - usage.peak - usage.valley, "valley": usage.valley}
    increments = (prices[1] - prices[0], prices[2] - prices[0])
    return rules.tiered_tou_charge(split, tou_prices(tariff), thresholds, increments, prior_kwh=prior_kwh)


def energy_charge(tariff: Tariff, usage: Usage, prior_kwh: Decimal) -> Decimal:
    if tariff.kind == TariffKind.TIERED:
        prior = prior_kwh if tariff.tier_period == TierPeriod.YEARLY else ZERO
        if tariff.peak_price is not None:
            return residential_tou_charge(tariff, usage, prior)
        thresholds, prices = tier_prices(tariff)
        return rules.tiered_charge(usage.kwh, thresholds, prices, prior_kwh=prior)
    if tariff.peak_price is not None and tariff.kind in (TariffKind.TOU, TariffKind.TWO_PART):
        split = {"peak": usage.peak, "flat": usage.flat, "valley": usage.valley}
        return rules.tou_charge(split, tou_prices(tariff))
    return rules.flat_charge(usage.kwh, tariff.price)


def pf_standard_of(tariff: Tariff, customer_class: str, capacity_kva: Decimal) -> Decimal | None:
    """The standard ``tariff``'s account of ``customer_class`` and ``capacity_kva`` is assessed by
    (GRIDCARE_RULES PF_MIN_KVA, PF_STANDARDS; a tariff's own standard wins)."""
    return pf_standard_for(
        customer_class=customer_class,
        capacity_kva=capacity_kva,
        minimum_kva=rule_decimal("PF_MIN_KVA"),
        table=pf_standards(str(settings.GRIDCARE_RULES["PF_STANDARDS"])),
        tariff_standard=tariff.pf_standard,
    )


def pf_extra(tariff: Tariff, usage: Usage, charge: Decimal, customer_class: str, capacity_kva: Decimal) -> Decimal:
    """The power-factor adjustment of a one-part tariff's bill (charge = its energy charge): for
    an account assessed by a standard whose meter measured reactive energy this month."""
    if tariff.kind == TariffKind.TIERED or usage.kvarh <= 0 or usage.kwh <= 0:
        return ZERO
    standard = pf_standard_of(tariff, customer_class, capacity_kva)
    if standard is None:
        return ZERO
    return rules.pf_adjustment(charge, rules.power_factor(usage.kwh, usage.kvarh), standard)


def two_part_extras(tariff: Tariff, usage: Usage, energy: Decimal, capacity_kva: Decimal) -> tuple[Decimal, Decimal]:
    """(basic charge, power-factor adjustment) of a two-part tariff."""
    basic = rules.basic_charge(
        basis=tariff.basis,
        capacity_kva=capacity_kva,
        max_demand_kw=usage.max_demand_kw,
        capacity_price=tariff.capacity_price or ZERO,
        demand_price=tariff.demand_price or ZERO,
        demand_min_share=billing_decimal("DEMAND_MIN_SHARE"),
    )
    if tariff.pf_standard is None:
        return basic, ZERO
    pf = rules.power_factor(usage.kwh, usage.kvarh)
    return basic, rules.pf_adjustment(basic + energy, pf, tariff.pf_standard)


def bill_charges(
    *, tariff: Tariff, usage: Usage, prior_kwh: Decimal, capacity_kva: Decimal, customer_class: str = ""
) -> Charges:
    energy = energy_charge(tariff, usage, prior_kwh)
    if tariff.kind != TariffKind.TWO_PART:
        return Charges(energy=energy, adjustment=pf_extra(tariff, usage, energy, customer_class, capacity_kva))
    basic, adjustment = two_part_extras(tariff, usage, energy, capacity_kva)
    return Charges(energy=energy, basic=basic, adjustment=adjustment)
