"""Pure rules of home service (上门服务) and the mobile service rounds (流动服务车), WO-9: the one
transition table of a home visit, what may be asked for, and the reminder's day. No database."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from django.conf import settings

from gridcare.core.timezone import local_datetime
from gridcare.halls.models import HomeVisitStatus, Kind

# What a clerk can do at the customer's home (the hall's own business, as it names it).
HOME_PURPOSES: tuple[str, ...] = (
    Kind.ACCOUNT_CHANGE,
    Kind.NEW_CONNECTION,
    Kind.METER_TEST,
    Kind.PAYMENT,
    Kind.INVOICE,
    Kind.CONSULTATION,
)
NOTE_MAX = 200
VILLAGE_MAX = 50
PLACE_MAX = 100


class HomeAction(StrEnum):
    SCHEDULE = "schedule"
    REASSIGN = "reassign"
    DONE = "done"
    FAILED = "failed"
    CANCEL = "cancel"


# The one transition table of a home visit: (status, action) → new status.
HOME_TRANSITIONS: dict[tuple[str, HomeAction], str] = {
    (HomeVisitStatus.REQUESTED, HomeAction.SCHEDULE): HomeVisitStatus.SCHEDULED,
    (HomeVisitStatus.REQUESTED, HomeAction.CANCEL): HomeVisitStatus.CANCELLED,
    (HomeVisitStatus.SCHEDULED, HomeAction.REASSIGN): HomeVisitStatus.SCHEDULED,
    (HomeVisitStatus.SCHEDULED, HomeAction.DONE): HomeVisitStatus.DONE,
    (HomeVisitStatus.SCHEDULED, HomeAction.FAILED): HomeVisitStatus.FAILED,
    (HomeVisitStatus.SCHEDULED, HomeAction.CANCEL): HomeVisitStatus.CANCELLED,
}


def home_next(status: str, action: HomeAction) -> str | None:
    """The status after ``action``, or None when the move is illegal."""
    return HOME_TRANSITIONS.get((status, action))


def actions_open(status: str) -> frozenset[HomeAction]:
    """The actions a visit in ``status`` still allows (the page disables the others)."""
    return frozenset(action for (s, action) in HOME_TRANSITIONS if s == status)


def visit_started(day: date | None, start: time | None, at: datetime) -> bool:
    """Whether the scheduled visit's slot has begun at ``at`` (the customer cancels before it)."""
    if day is None or start is None:
        return False
    return at >= local_datetime(day, start)


def has_control(value: str) -> bool:
    """Characters nobody types (NUL and the other control characters but tab and newlines)."""
    return any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value) or "\x7f" in value


def text_problem(value: object, *, limit: int, required: bool) -> tuple[str, str | None]:
    """A typed text cleaned (stripped) and what is wrong with it, if anything: ``"missing"``
    (required and empty, or no text at all), ``"long"`` or ``"control"``; the caller words it."""
    if not isinstance(value, str):
        return "", "missing" if required else None
    text = value.strip()
    if has_control(text):
        return text, "control"
    if required and not text:
        return text, "missing"
    if len(text) > limit:
        return text, "long"
    return text, None


def round_days_ahead() -> int:
    """How far ahead a unit's mobile-round timetable reaches (GRIDCARE_RULES)."""
    conf: dict[str, Any] = settings.GRIDCARE_RULES
    return int(conf.get("HALL_MOBILE_ROUND_DAYS_AHEAD", 90))


def round_portal_days() -> int:
    """How many days of coming stops the portal shows (GRIDCARE_RULES)."""
    conf: dict[str, Any] = settings.GRIDCARE_RULES
    return int(conf.get("HALL_MOBILE_ROUND_PORTAL_DAYS", 30))
