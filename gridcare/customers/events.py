"""Append-only account history rows."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User

from gridcare.customers.models import Account, AccountEvent


def account_event(
    *,
    account: Account,
    type: AccountEvent.Type,
    actor: User | AnonymousUser | None,
    **parameters: Any,
) -> AccountEvent:
    user = actor if isinstance(actor, User) else None
    return AccountEvent.objects.create(account=account, type=type, actor=user, parameters=parameters)
