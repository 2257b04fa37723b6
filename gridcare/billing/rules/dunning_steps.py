"""The dunning ladder (BILL-7) as the arrears service and the dunning worklist both read it."""

from __future__ import annotations

from datetime import date, timedelta

from gridcare.billing.conf import rule_int
from gridcare.billing.models import DunningStepKind

# Dunning steps in order; the next step a bill may take from its latest one. Reconnection is no
# step of its own here: paying everything schedules it (services.payments), staff record it done.
DUNNING_ORDER = (
    DunningStepKind.REMINDER,
    DunningStepKind.NOTICE,
    DunningStepKind.CUTOFF_NOTICE,
    DunningStepKind.CUTOFF,
)
DUNNING_TRANSITIONS: dict[str, set[str]] = {
    "": {DunningStepKind.REMINDER},
    DunningStepKind.REMINDER: {DunningStepKind.NOTICE, DunningStepKind.CUTOFF_NOTICE},
    DunningStepKind.NOTICE: {DunningStepKind.CUTOFF_NOTICE},
    DunningStepKind.CUTOFF_NOTICE: {DunningStepKind.CUTOFF},
    DunningStepKind.CUTOFF: set(),
}


def dunning_stage(steps: set[str]) -> str:
    """The latest dunning step a bill has taken ("" for none)."""
    return next((str(s) for s in reversed(DUNNING_ORDER) if s in steps), "")


def cutoff_window(notice_on: date) -> tuple[date, date]:
    return notice_on + timedelta(days=rule_int("DISCONNECT_NOTICE_MIN_DAYS")), notice_on + timedelta(
        days=rule_int("DISCONNECT_NOTICE_MAX_DAYS")
    )
