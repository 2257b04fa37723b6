"""The penalty a bill owes on a day, by the configured rates (the pure arithmetic is
``rules.penalty``): read by the account pages and charged by a payment alike."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from gridcare.billing.conf import rule_bool, rule_decimal
from gridcare.billing.models import Bill
from gridcare.billing.rules.penalty import PenaltyRates, penalty_now
from gridcare.core.money import ZERO
from gridcare.customers.models import CustomerClass


def penalty_rates() -> PenaltyRates:
    return PenaltyRates(
        residential=rule_decimal("PENALTY_RATE_RESIDENTIAL"),
        other_current_year=rule_decimal("PENALTY_RATE_OTHER_CURRENT_YEAR"),
        other_cross_year=rule_decimal("PENALTY_RATE_OTHER_CROSS_YEAR"),
    )


def penalty_minimum() -> Decimal:
    return rule_decimal("PENALTY_MINIMUM") if rule_bool("PENALTY_MINIMUM_ENABLED") else ZERO


def penalty_parts(bill: Bill, on: date) -> tuple[Decimal, Decimal]:
    """(real penalty the unpaid principal accrued since the last settlement, penalty owed on
    ``on``). The one-yuan minimum tops up the bill's whole penalty once: a later payment is
    charged only what the bill's penalty exceeds what was already charged on it."""
    if bill.penalty_waived:
        return ZERO, ZERO
    if bill.penalty_paused:
        # A kept instalment plan (issue 19): its start settled the penalty so far (carried, in
        # the plan's total); nothing accrues until the plan breaks and moves the settlement on.
        return ZERO, bill.penalty_carried
    segment, new = penalty_now(
        bill.amount - bill.paid,
        bill.due_date,
        bill.penalty_settled_to,
        on,
        accrued_before=bill.penalty_accrued,
        charged_before=bill.penalty_paid + bill.penalty_carried,
        residential=bill.account.customer_class == CustomerClass.RESIDENTIAL,
        minimum=penalty_minimum(),
        rates=penalty_rates(),
    )
    return segment, bill.penalty_carried + new


def bill_penalty(bill: Bill, on: date) -> Decimal:
    """Penalty owed on ``bill`` on ``on``: what earlier payments left, plus what the unpaid
    principal has accrued since they settled it (the minimum counted once per bill)."""
    return penalty_parts(bill, on)[1]
