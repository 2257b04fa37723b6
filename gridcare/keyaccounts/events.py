"""The key-account service's history rows, through the one event writer
(gridcare.core.events.record)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gridcare.core.events import Actor, record
from gridcare.keyaccounts.models import KeyAccountEvent


def key_account_event(
    type: str, *, actor: Actor, at: datetime | None = None, **about_and_parameters: Any
) -> KeyAccountEvent:
    """One history row: ``account`` (always), and ``visit``, ``plan`` or ``finding`` where the step
    is about one; every other keyword is a parameter of the sentence."""
    about = {
        k: about_and_parameters.pop(k) for k in ("account", "visit", "plan", "finding") if k in about_and_parameters
    }
    return record(KeyAccountEvent, type=type, actor=actor, at=at, parameters=about_and_parameters, **about)
