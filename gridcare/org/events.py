"""Append-only audit rows of sign-in security (SEC-1)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User

from gridcare.core.events import Actor, record
from gridcare.org.models import AuthEvent


def auth_event(
    *,
    type: AuthEvent.Type,
    actor: Actor = None,
    username: str = "",
    user: User | None = None,
    ip_address: str | None = None,
    at: datetime | None = None,
    **parameters: Any,
) -> AuthEvent:
    """``username`` and ``user`` name whom it concerns (the name outlives a deleted user)."""
    return record(
        AuthEvent,
        type=type,
        actor=actor,
        at=at,
        parameters=parameters,
        username=username,
        user=user,
        ip_address=ip_address,
    )
