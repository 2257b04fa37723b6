"""The jobs settings (settings.GRIDCARE_JOBS), typed."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def jobs_int(name: str) -> int:
    conf: dict[str, Any] = settings.GRIDCARE_JOBS
    return int(conf[name])


def schedule_setting(job: str) -> str:
    """The schedule text of ``job`` (GRIDCARE_JOB_<NAME>)."""
    conf: dict[str, Any] = settings.GRIDCARE_JOBS
    return str(conf["SCHEDULES"][job])
