"""Append-only history rows of bills and bill runs."""

from __future__ import annotations

from typing import Any

from gridcare.billing.models import Bill, BillEvent, BillRun, BillRunEvent
from gridcare.core.events import Actor, record


def bill_event(*, bill: Bill, type: str, actor: Actor, **parameters: Any) -> BillEvent:
    return record(BillEvent, bill=bill, type=type, actor=actor, parameters=parameters)


def run_event(*, run: BillRun, type: str, actor: Actor, **parameters: Any) -> BillRunEvent:
    return record(BillRunEvent, run=run, type=type, actor=actor, parameters=parameters)
