"""Append-only history of what people did to jobs."""

from __future__ import annotations

from typing import Any

from gridcare.core.events import Actor, record
from gridcare.jobs.models import Job, JobEvent


def job_event(*, job: Job, type: str, actor: Actor, **parameters: Any) -> JobEvent:
    return record(JobEvent, job=job, type=type, actor=actor, parameters=parameters)
