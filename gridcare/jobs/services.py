"""Writes of the jobs app: leases, run records, run-now requests, housekeeping.

The lease is the whole of "never twice at once": a worker runs a job only after one conditional
UPDATE of the job's row (lease free or expired) changed exactly one row. On PostgreSQL a second
UPDATE racing the first waits for it, then re-checks the condition against the committed row and
changes nothing; SQLite serialises writers. Either way one taker wins.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from gridcare.billing.events import run_event
from gridcare.billing.models import BillRun, BillRunEvent, RunStatus
from gridcare.core import timezone as tz
from gridcare.core.events import actor_user
from gridcare.core.exceptions import Conflict, NotFound
from gridcare.jobs.events import job_event
from gridcare.jobs.exceptions import LeaseLost
from gridcare.jobs.models import Job, JobRun, Outcome, Trigger

# The bill-run event that says the run's "bill issued" messages are in the outbox.
NOTICES_QUEUED = "notices_queued"


def jobs_ensure(*, names: Iterable[str]) -> None:
    """One row per job, created once (two workers starting together create it once)."""
    Job.objects.bulk_create([Job(name=n) for n in names], ignore_conflicts=True)


def job_lease_take(*, name: str, token: str, seconds: int, now: datetime | None = None) -> bool:
    """Take the job's lease for ``token`` if it is free or has expired. A run left RUNNING by
    a worker whose lease expired is closed as interrupted: nobody else can be running it."""
    now = now or tz.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    with transaction.atomic():
        taken = Job.objects.filter(free, name=name).update(
            lease_token=token, lease_until=now + timedelta(seconds=seconds)
        )
        if taken != 1:
            return False
        JobRun.objects.filter(job__name=name, outcome=Outcome.RUNNING).update(
            outcome=Outcome.INTERRUPTED, finished_at=now, message=_("进程中断，未完成")
        )
    return True


def job_lease_renew(*, name: str, token: str, seconds: int, now: datetime | None = None) -> bool:
    now = now or tz.now()
    renewed = Job.objects.filter(name=name, lease_token=token).update(lease_until=now + timedelta(seconds=seconds))
    return renewed == 1


def job_lease_hold(*, name: str, token: str, seconds: int, now: datetime | None = None) -> None:
    """The guard of a unit of work, called inside the unit's own transaction before it writes:
    one conditional UPDATE renews the lease only if ``token`` still holds it and it has not run
    out, and raises ``LeaseLost`` (the transaction then rolls back) otherwise. The UPDATE also
    locks the job's row until the unit commits (PostgreSQL's row lock, SQLite's write lock), so
    a taker's conditional UPDATE waits for the unit and sees the renewed lease: a unit of work
    and a take-over never overlap (issue 21)."""
    now = now or tz.now()
    held = Job.objects.filter(name=name, lease_token=token, lease_until__gt=now).update(
        lease_until=now + timedelta(seconds=seconds)
    )
    if held != 1:
        raise LeaseLost(_("任务 %(name)s 的租约已失效，已停止写入。") % {"name": name})


def job_lease_until(*, name: str) -> datetime | None:
    """When the job's lease runs out (None: free)."""
    until: datetime | None = Job.objects.filter(name=name).values_list("lease_until", flat=True).first()
    return until


def job_lease_release(*, name: str, token: str) -> None:
    Job.objects.filter(name=name, lease_token=token).update(lease_token="", lease_until=None)


def job_run_start(*, name: str, trigger: Trigger, requested_by_id: int | None = None) -> JobRun:
    job = Job.objects.get(name=name)
    return JobRun.objects.create(job=job, trigger=trigger, requested_by_id=requested_by_id, started_at=tz.now())


def job_run_finish(
    *,
    run: JobRun,
    outcome: Outcome,
    duration_ms: int,
    message: str = "",
    counts: dict[str, int] | None = None,
    error: str = "",
) -> JobRun:
    """Close a run. Only a run still RUNNING is closed: one a taker already closed as
    interrupted (this worker lost its lease) keeps that outcome."""
    fields = {
        "finished_at": tz.now(),
        "duration_ms": duration_ms,
        "outcome": outcome,
        "message": message[:500],
        "counts": counts or {},
        "error": error,
    }
    JobRun.objects.filter(pk=run.pk, outcome=Outcome.RUNNING).update(**fields)
    run.refresh_from_db()
    return run


def job_next_run_set(*, name: str, at: datetime | None) -> None:
    Job.objects.filter(name=name).update(next_run_at=at)


def job_run_request(*, name: str, actor: User | AnonymousUser) -> Job:
    """An administrator's "run now": the next free worker runs the job (page: jobs:run)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(name=name).first()
        if job is None:
            raise NotFound(_("没有这个后台任务。"))
        if job.run_requested_at is not None:
            raise Conflict(_("该任务已在等待运行，请稍候刷新页面查看结果。"))
        job.run_requested_at = tz.now()
        job.run_requested_by = actor_user(actor)
        job.save(update_fields=["run_requested_at", "run_requested_by"])
        job_event(job=job, type="run_requested", actor=actor)
    return job


def job_requests_pending() -> list[str]:
    return list(
        Job.objects.filter(run_requested_at__isnull=False).order_by("run_requested_at").values_list("name", flat=True)
    )


def job_request_claim(*, name: str) -> tuple[bool, int | None]:
    """Take the job's pending run-now request (the caller holds the lease): (taken, requester)."""
    job = Job.objects.filter(name=name, run_requested_at__isnull=False).first()
    if job is None:
        return False, None
    taken = Job.objects.filter(pk=job.pk, run_requested_at=job.run_requested_at).update(
        run_requested_at=None, run_requested_by=None
    )
    return taken == 1, job.run_requested_by_id


def job_runs_prune(*, before: datetime) -> int:
    """Delete finished run records that started before ``before`` (GRIDCARE_JOBS_KEEP_DAYS)."""
    deleted, _counts = JobRun.objects.filter(started_at__lt=before).exclude(outcome=Outcome.RUNNING).delete()
    return deleted


def bill_runs_notify(*, queue: Callable[..., int], hold: Callable[[], None] = lambda: None) -> tuple[int, int]:
    """Queue the "bill issued" messages of every finished bill run that has not had them yet.

    ``queue`` is billing's ``bill_notify`` (idempotent per bill: a bill whose message is in the
    outbox is skipped), called once per period; afterwards each run gets a ``notices_queued``
    event, so the next pass skips it. A pass killed in between queues nothing twice when it is
    repeated. ``hold`` is the job's lease guard, called in the marking transaction (a worker
    that lost its lease marks nothing). Returns (runs marked, messages queued)."""
    done = BillRunEvent.objects.filter(type=NOTICES_QUEUED).values("run_id")
    runs = list(BillRun.objects.filter(status=RunStatus.FINISHED).exclude(pk__in=done).order_by("id"))
    queued = 0
    for period in sorted({r.period for r in runs}):
        count = queue(period=period)
        queued += count
        with transaction.atomic():
            hold()
            for run in (r for r in runs if r.period == period):
                run_event(run=run, type=NOTICES_QUEUED, actor=None, queued=count, by="worker")
    return len(runs), queued
