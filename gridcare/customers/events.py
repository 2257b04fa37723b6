"""Append-only account history rows."""

from __future__ import annotations

from typing import Any

from gridcare.core.events import Actor, record
from gridcare.customers.models import Account, AccountEvent


def account_event(*, account: Account, type: AccountEvent.Type, actor: Actor, **parameters: Any) -> AccountEvent:
    return record(AccountEvent, account=account, type=type, actor=actor, parameters=parameters)
