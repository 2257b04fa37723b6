"""Unusual usage on a bill (SELF-4): well above the same month last year, or reaching tier 3.
The bill then links the energy-saving advice and says why."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _


def percent_above(this_month_kwh: Decimal, last_year_kwh: Decimal) -> int:
    """How many whole per cent ``this_month_kwh`` is above ``last_year_kwh`` (half up)."""
    ratio = (this_month_kwh - last_year_kwh) * 100 / last_year_kwh
    return int(ratio.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def unusual_usage(
    this_month_kwh: Decimal,
    same_month_last_year_kwh: Decimal | None,
    tier: int | None,
    *,
    threshold_percent: int = 30,
    top_tier: int = 3,
) -> str | None:
    """Why this month's usage is unusual, or None: more than ``threshold_percent`` above the same
    month last year (no bill, or none used, then: no comparison), or the bill reaching
    ``top_tier`` of the tiered price. Exactly at the threshold is not unusual."""
    reasons: list[str] = []
    if same_month_last_year_kwh is not None and same_month_last_year_kwh > 0:
        above = percent_above(this_month_kwh, same_month_last_year_kwh)
        if this_month_kwh * 100 > same_month_last_year_kwh * (100 + threshold_percent):
            reasons.append(_("本月用电比去年同月高 %(percent)s%%") % {"percent": above})
    if tier is not None and tier >= top_tier:
        reasons.append(_("本月用电已进入第%(tier)s档阶梯电价") % {"tier": tier})
    return "；".join(reasons) or None


def tier_reached(kwh: Decimal, prior_kwh: Decimal, thresholds: tuple[Decimal, ...], *, yearly: bool) -> int | None:
    """The highest tier a bill's ``kwh`` reaches (1, 2, 3) after ``prior_kwh`` of the tier
    period (a monthly tier period starts from zero), as ``billing.rules.tariffs.tier_split``
    splits it: usage exactly at a threshold stays in the lower tier. None: nothing used, or a
    tariff without tiers (no ``thresholds``)."""
    if kwh <= 0 or not thresholds:
        return None
    end = (prior_kwh if yearly else Decimal(0)) + kwh
    return 1 + sum(1 for t in thresholds if end > t)
