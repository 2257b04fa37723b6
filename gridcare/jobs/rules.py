"""Job schedules: the setting's text, its trigger, its words, its next and previous times.

A schedule is written in a setting (``GRIDCARE_JOB_<NAME>``) as one of

    every 60s | every 5m | every 2h     a fixed interval from the worker's start
    daily 09:00                         once a day at this Asia/Shanghai time
    off                                 not scheduled (``worker --once`` and "run now" still work)

The trigger is APScheduler's (interval or cron, Asia/Shanghai), so the worker and the page
compute the same next time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from django.utils.translation import gettext as _

from gridcare.core.timezone import SHANGHAI

_EVERY = re.compile(r"^every\s+(\d+)\s*([smh])$")
_DAILY = re.compile(r"^daily\s+([01]?\d|2[0-3]):([0-5]\d)$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600}


class ScheduleError(ValueError):
    """A schedule setting that is not one of the forms above."""


@dataclass(frozen=True)
class Schedule:
    every: timedelta | None = None  # interval schedules
    at: time | None = None  # daily schedules (Asia/Shanghai)

    @property
    def off(self) -> bool:
        return self.every is None and self.at is None


OFF = Schedule()


def parse_schedule(text: str) -> Schedule:
    cleaned = " ".join(text.strip().lower().split())
    if cleaned == "off":
        return OFF
    if match := _EVERY.match(cleaned):
        seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        if seconds < 1:
            raise ScheduleError(text)
        return Schedule(every=timedelta(seconds=seconds))
    if match := _DAILY.match(cleaned):
        return Schedule(at=time(int(match.group(1)), int(match.group(2))))
    raise ScheduleError(text)


def trigger_for(schedule: Schedule, *, start: datetime) -> BaseTrigger | None:
    """The APScheduler trigger of ``schedule``; intervals count from ``start``."""
    if schedule.every is not None:
        return IntervalTrigger(seconds=int(schedule.every.total_seconds()), start_date=start, timezone=SHANGHAI)
    if schedule.at is not None:
        return CronTrigger(hour=schedule.at.hour, minute=schedule.at.minute, timezone=SHANGHAI)
    return None


def next_run(schedule: Schedule, *, after: datetime, start: datetime | None = None) -> datetime | None:
    """The first scheduled time strictly after ``after`` (intervals counted from ``start``)."""
    trigger = trigger_for(schedule, start=start or after)
    if trigger is None:
        return None
    moment = trigger.get_next_fire_time(None, after + timedelta(microseconds=1))
    return moment.astimezone(SHANGHAI) if moment else None


def previous_run(schedule: Schedule, *, now: datetime) -> datetime | None:
    """A daily schedule's last time at or before ``now`` (None for intervals and "off"): a worker
    that starts after it runs a daily job it missed, if it has not run since."""
    if schedule.at is None:
        return None
    local = now.astimezone(SHANGHAI)
    today = datetime.combine(local.date(), schedule.at, tzinfo=SHANGHAI)
    return today if today <= local else today - timedelta(days=1)


def describe(schedule: Schedule) -> str:
    """The schedule in words, for the jobs page."""
    if schedule.every is not None:
        seconds = int(schedule.every.total_seconds())
        if seconds % 3600 == 0:
            return _("每 %(n)d 小时") % {"n": seconds // 3600}
        if seconds % 60 == 0:
            return _("每 %(n)d 分钟") % {"n": seconds // 60}
        return _("每 %(n)d 秒") % {"n": seconds}
    if schedule.at is not None:
        return _("每天 %(t)s（北京时间）") % {"t": schedule.at.strftime("%H:%M")}
    return _("未排期（仅手动运行）")


def duration_words(ms: int | None) -> str:
    """A run's duration for the page: tenths of a second under a minute, then minutes."""
    if ms is None:
        return ""
    if ms < 60_000:
        return _("%(s)s 秒") % {"s": f"{ms / 1000:.1f}"}
    seconds = round(ms / 1000)
    if seconds < 3600:
        return _("%(m)d 分 %(s)d 秒") % {"m": seconds // 60, "s": seconds % 60}
    return _("%(h)d 小时 %(m)d 分") % {"h": seconds // 3600, "m": seconds % 3600 // 60}
