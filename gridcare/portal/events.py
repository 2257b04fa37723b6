"""The portal's history rows, through the one event writer (gridcare.core.events.record): the
customer acts for themselves, so no staff actor is recorded."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gridcare.core.events import record
from gridcare.portal.models import PortalEvent, PortalUser


def portal_event(user: PortalUser, type: str, *, at: datetime | None = None, **parameters: Any) -> PortalEvent:
    return record(PortalEvent, type=type, actor=None, at=at, parameters=parameters, user=user)
