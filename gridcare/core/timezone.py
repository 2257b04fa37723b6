"""Business dates are Asia/Shanghai dates, whatever the server's clock zone."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    return timezone.now()


def local_now() -> datetime:
    return timezone.now().astimezone(SHANGHAI)


def business_date(moment: datetime | None = None) -> date:
    """The date in Shanghai of ``moment`` (default: now)."""
    return (moment or timezone.now()).astimezone(SHANGHAI).date()


def local_datetime(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=SHANGHAI)
