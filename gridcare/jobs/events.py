"""Append-only history of what people did to jobs."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User

from gridcare.jobs.models import Job, JobEvent


def job_event(*, job: Job, type: str, actor: User | AnonymousUser | None, **parameters: Any) -> JobEvent:
    return JobEvent.objects.create(
        job=job, type=type, actor=actor if isinstance(actor, User) else None, parameters=parameters
    )
