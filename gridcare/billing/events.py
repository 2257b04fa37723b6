"""Append-only history rows of bills and bill runs."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User

from gridcare.billing.models import Bill, BillEvent, BillRun, BillRunEvent


def _user(actor: User | AnonymousUser | None) -> User | None:
    return actor if isinstance(actor, User) else None


def bill_event(*, bill: Bill, type: str, actor: User | AnonymousUser | None, **parameters: Any) -> BillEvent:
    return BillEvent.objects.create(bill=bill, type=type, actor=_user(actor), parameters=parameters)


def run_event(*, run: BillRun, type: str, actor: User | AnonymousUser | None, **parameters: Any) -> BillRunEvent:
    return BillRunEvent.objects.create(run=run, type=type, actor=_user(actor), parameters=parameters)
