"""Append-only history rows of outages (registered, restored, cancelled)."""

from __future__ import annotations

from typing import Any

from gridcare.core.events import Actor, record
from gridcare.notices.models import Outage, OutageEvent


def outage_event(*, outage: Outage, type: str, actor: Actor, **parameters: Any) -> OutageEvent:
    return record(OutageEvent, type=type, actor=actor, parameters=parameters, outage=outage)
