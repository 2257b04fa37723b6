"""How a bill's kWh fell into the tiers (阶梯电量), for the customer's bill detail (SELF-2).

The split is ``tariffs.tier_split`` — the very function the tier charge is computed with — given
the kWh already billed in the tier period before the bill (``Bill.prior_kwh``; a monthly tier
period starts from zero each month). Each tier's price is the tariff's; under a residential
time-of-use tariff the tiers add only their increment over the first tier's price on top of the
peak/flat/valley prices (``compute.residential_tou_charge``), and the breakdown says so."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from gridcare.billing.models import Tariff, TariffKind, TierPeriod
from gridcare.billing.rules.compute import tier_prices
from gridcare.billing.rules.tariffs import tier_split
from gridcare.core.money import ZERO, yuan


@dataclass(frozen=True)
class TierPart:
    tier: int  # 1, 2, 3
    low: Decimal  # the tier's band of the period's cumulative kWh: (low, high]
    high: Decimal | None  # None: no upper bound (the top tier)
    kwh: Decimal  # this bill's kWh in the tier
    price: Decimal  # yuan/kWh of the tier (under TOU: the increment over tier 1)

    @property
    def charge(self) -> Decimal:
        """The tier's share of the energy charge, unrounded (the bill rounds its total once)."""
        return self.kwh * self.price


@dataclass(frozen=True)
class TierUsage:
    period_kind: str  # TierPeriod: "yearly" or "monthly"
    prior_kwh: Decimal  # billed in the tier period before this bill
    parts: list[TierPart]
    increments_only: bool  # TOU tariff: ``price`` is the increment over the TOU prices

    @property
    def after_kwh(self) -> Decimal:
        """The tier period's cumulative kWh after this bill."""
        return self.prior_kwh + sum((p.kwh for p in self.parts), ZERO)

    @property
    def tier_charge(self) -> Decimal:
        """Sum of the tiers' shares, rounded to the fen: the whole energy charge of a plain tiered
        bill, or what the tiers add on top of the TOU prices."""
        return yuan(sum((p.charge for p in self.parts), ZERO))


def tier_usage(tariff: Tariff, *, kwh: Decimal, prior_kwh: Decimal) -> TierUsage | None:
    """The tier breakdown of ``kwh`` under ``tariff`` after ``prior_kwh`` of the tier period;
    None for a tariff without tiers."""
    if tariff.kind != TariffKind.TIERED or tariff.tier1_kwh is None or tariff.tier2_kwh is None:
        return None
    yearly = tariff.tier_period == TierPeriod.YEARLY
    prior = prior_kwh if yearly else ZERO
    thresholds, prices = tier_prices(tariff)
    split = tier_split(kwh, thresholds, prior_kwh=prior)
    tou = tariff.peak_price is not None
    bounds = [ZERO, *thresholds]
    parts = [
        TierPart(
            tier=i + 1,
            low=bounds[i],
            high=thresholds[i] if i < len(thresholds) else None,
            kwh=part,
            price=(prices[i] - prices[0]) if tou else prices[i],
        )
        for i, part in enumerate(split)
    ]
    return TierUsage(
        period_kind=TierPeriod.YEARLY if yearly else TierPeriod.MONTHLY,
        prior_kwh=prior,
        parts=parts,
        increments_only=tou,
    )
