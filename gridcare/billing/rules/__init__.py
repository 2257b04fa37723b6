"""Pure billing rules (no database): tariffs, penalties, allocation, dunning.

Money is Decimal yuan, rounded half-up to the fen at the points each function documents.
"""

from gridcare.billing.rules.allocation import Allocation, Debt, allocate
from gridcare.billing.rules.dunning import DunningDates, cutoff_notice_allowed, dunning_dates
from gridcare.billing.rules.penalty import PenaltyRates, accrued_penalty, bill_penalty_total, late_fee, penalty_now
from gridcare.billing.rules.power_factor import pf_adjustment, pf_adjustment_rate, power_factor
from gridcare.billing.rules.tariffs import (
    basic_charge,
    flat_charge,
    tariff_fits_class,
    tier_split,
    tiered_charge,
    tiered_tou_charge,
    tou_charge,
    tou_min_ratio,
    tou_ratio_ok,
    two_part_capacity_problem,
    two_part_charge,
)

__all__ = [
    "Allocation",
    "Debt",
    "DunningDates",
    "PenaltyRates",
    "accrued_penalty",
    "allocate",
    "basic_charge",
    "bill_penalty_total",
    "cutoff_notice_allowed",
    "dunning_dates",
    "flat_charge",
    "late_fee",
    "penalty_now",
    "pf_adjustment",
    "pf_adjustment_rate",
    "power_factor",
    "tariff_fits_class",
    "tier_split",
    "tiered_charge",
    "tiered_tou_charge",
    "tou_charge",
    "tou_min_ratio",
    "tou_ratio_ok",
    "two_part_capacity_problem",
    "two_part_charge",
]
