"""Reads of the jobs page: each job's schedule, last run, next run; a job's recent runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from gridcare.core import timezone as tz
from gridcare.jobs import rules
from gridcare.jobs.models import Job, JobRun, Outcome
from gridcare.jobs.registry import JOBS, JobSpec

# A scheduled time this far in the past with no worker to move it on means no worker is running.
LATE_AFTER = timedelta(minutes=2)


@dataclass(frozen=True)
class JobRow:
    name: str
    label: Promise
    schedule: str
    last: JobRun | None
    next_run_at: datetime | None
    late: bool  # the next time has passed long ago: is a worker running?
    running: bool  # a worker holds the lease now
    requested: bool  # "run now" is waiting for a worker


def schedule_words(spec: JobSpec) -> str:
    try:
        return rules.describe(spec.schedule)
    except rules.ScheduleError:
        return _("计划设置有误（%(setting)s），不会按计划运行") % {"setting": f"GRIDCARE_JOB_{spec.name.upper()}"}


def error_words(run: JobRun) -> str:
    """What the page says about a failed run: its error message, never a traceback (that is in
    the worker's log)."""
    if run.outcome != Outcome.FAILED:
        return ""
    return run.error or _("运行出错，详情见后台进程日志。")


def job_rows(*, now: datetime | None = None) -> list[JobRow]:
    now = now or tz.now()
    latest = JobRun.objects.filter(job=OuterRef("pk")).order_by("-started_at", "-id").values("pk")[:1]
    jobs = {j.name: j for j in Job.objects.annotate(last_run_id=Subquery(latest))}
    runs = JobRun.objects.in_bulk([j.last_run_id for j in jobs.values() if j.last_run_id])
    rows = []
    for spec in JOBS:
        job = jobs.get(spec.name)
        last = runs.get(job.last_run_id) if job and job.last_run_id else None
        next_at = job.next_run_at if job else None
        rows.append(
            JobRow(
                name=spec.name,
                label=spec.label,
                schedule=schedule_words(spec),
                last=last,
                next_run_at=next_at,
                late=next_at is not None and next_at < now - LATE_AFTER,
                running=bool(job and job.lease_until and job.lease_until >= now),
                requested=bool(job and job.run_requested_at),
            )
        )
    return rows


def job_runs(*, name: str) -> QuerySet[JobRun]:
    return JobRun.objects.filter(job__name=name).select_related("requested_by").order_by("-started_at", "-id")
