"""Running jobs: one run under its lease (``execute``), and the worker that schedules them all.

The worker is APScheduler's BackgroundScheduler (interval and cron triggers in Asia/Shanghai,
``max_instances=1`` and ``coalesce`` per job, a misfire grace) with a thread pool so a long job
never delays the others. APScheduler keeps its schedule in memory; what several workers must
agree on (who runs a job now) is the database lease of services.job_lease_take, so any number of
workers may run side by side and each job still runs once at a time.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from django.db import DatabaseError, close_old_connections, connection

from gridcare.core import timezone as tz
from gridcare.core.exceptions import DomainError
from gridcare.core.timezone import SHANGHAI
from gridcare.jobs import rules, services
from gridcare.jobs.conf import jobs_int
from gridcare.jobs.exceptions import LeaseLost
from gridcare.jobs.models import JobRun, Outcome, Trigger
from gridcare.jobs.registry import JOBS, Context, JobSpec, Lease

log = logging.getLogger("gridcare.jobs")

# The job that runs on a thread of its own.
SENDER = "send_notices"


def _error_text(exc: BaseException) -> str:
    """What the run record (and the page) keeps of an error: its message, a refused action's
    own Chinese one; the exception's class and traceback are in the log only."""
    text = str(exc.message) if isinstance(exc, DomainError) else str(exc)
    return text.strip()[:2000]


class _Heartbeat:
    """Renews a running job's lease every third of its length, on its own connection. A renewal
    that finds the lease gone (it ran out and another worker took the job over) sets the lease's
    ``lost``: the job's ``ctx.stop`` is then set and its next ``ctx.hold()`` refuses to write."""

    def __init__(self, lease: Lease) -> None:
        self.lease = lease
        self.name, self.token, self.seconds = lease.name, lease.token, lease.seconds
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"lease-{lease.name}", daemon=True)

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join()

    def _beat(self) -> None:
        try:
            while not self.done.wait(max(1.0, self.seconds / 3)):
                try:
                    if not services.job_lease_renew(name=self.name, token=self.token, seconds=self.seconds):
                        log.error("job %s lost its lease: stopping it", self.name)
                        self.lease.lost.set()
                        return
                except DatabaseError:
                    # Busy database (SQLite: a long write): try again at the next beat.
                    log.warning("job %s: database busy, lease renewed at the next beat", self.name)
        finally:
            connection.close()


def execute(spec: JobSpec, *, trigger: Trigger, ctx: Context | None = None) -> JobRun | None:
    """Run ``spec`` once if its lease can be taken; None when another worker holds it.
    Whatever the job raises is logged and recorded as a failed run, never raised further."""
    ctx = ctx or Context()
    token, seconds = uuid.uuid4().hex, jobs_int("LEASE_SECONDS")
    if not services.job_lease_take(name=spec.name, token=token, seconds=seconds):
        log.info("job %s is running elsewhere; skipped", spec.name)
        return None
    try:
        requested_by = None
        if trigger == Trigger.MANUAL:
            claimed, requested_by = services.job_request_claim(name=spec.name)
            if not claimed:
                return None
        run = services.job_run_start(name=spec.name, trigger=trigger, requested_by_id=requested_by)
        started = time.perf_counter()
        try:
            lease = Lease(spec.name, token, seconds)
            with _Heartbeat(lease):
                result = spec.work(ctx.for_run(lease))
        except LeaseLost as exc:
            # Another worker runs the job now and has closed this run as interrupted.
            log.error("job %s stopped: %s", spec.name, exc)
            elapsed = int((time.perf_counter() - started) * 1000)
            return services.job_run_finish(
                run=run, outcome=Outcome.INTERRUPTED, duration_ms=elapsed, error=_error_text(exc)
            )
        except Exception as exc:
            log.exception("job %s failed", spec.name)
            elapsed = int((time.perf_counter() - started) * 1000)
            return services.job_run_finish(run=run, outcome=Outcome.FAILED, duration_ms=elapsed, error=_error_text(exc))
        elapsed = int((time.perf_counter() - started) * 1000)
        log.info("job %s: %s", spec.name, result.message)
        return services.job_run_finish(
            run=run, outcome=Outcome.SUCCEEDED, duration_ms=elapsed, message=result.message, counts=result.counts
        )
    finally:
        services.job_lease_release(name=spec.name, token=token)


@dataclass
class _Entry:
    spec: JobSpec
    schedule: rules.Schedule


class Worker:
    """Schedules ``jobs`` and runs them until ``stop`` is set; polls for run-now requests."""

    def __init__(self, jobs: Sequence[JobSpec] = JOBS, *, stop: threading.Event | None = None) -> None:
        self.entries = [_Entry(spec, spec.schedule) for spec in jobs]
        self.by_name = {e.spec.name: e for e in self.entries}
        self.stop = stop or threading.Event()
        self.idle = threading.Condition()
        self.active = 0  # jobs running on the pool's threads
        self.ctx = Context(stop=self.stop)
        self.scheduler = BackgroundScheduler(
            # The sender has a thread of its own, so a long nightly job never holds up messages.
            executors={"default": ThreadPoolExecutor(max_workers=self._threads()), SENDER: ThreadPoolExecutor(1)},
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": jobs_int("MISFIRE_GRACE_SECONDS"),
            },
            timezone=SHANGHAI,
        )

    def _threads(self) -> int:
        """PostgreSQL: every job may run at once (each claims its own rows). SQLite serialises
        writers, and jobs writing side by side wait on each other's locks until one gives up:
        there the worker runs one job at a time besides the sender, the others queue."""
        return len(self.entries) + 2 if connection.vendor == "postgresql" else 1

    def start(self, *, now: datetime | None = None, paused: bool = False) -> None:
        """Schedule every job; ``paused`` schedules without running (tests run jobs by hand)."""
        now = now or tz.now()
        services.jobs_ensure(names=self.by_name)
        for entry in self.entries:
            trigger = rules.trigger_for(entry.schedule, start=now)
            if trigger is None:
                services.job_next_run_set(name=entry.spec.name, at=None)
                continue
            first = self._catch_up(entry, now) or rules.next_run(entry.schedule, after=now)
            self.scheduler.add_job(
                self._run,
                trigger,
                args=(entry.spec.name, Trigger.SCHEDULE),
                id=entry.spec.name,
                name=entry.spec.name,
                executor=SENDER if entry.spec.name == SENDER else "default",
                next_run_time=first,
            )
        self.scheduler.start(paused=paused)
        self._publish_next_runs()

    def _catch_up(self, entry: _Entry, now: datetime) -> datetime | None:
        """Interval jobs run at once when the worker starts. A daily job whose time passed while
        no worker ran (it has run before, but not since) runs at once too; one that has never
        run (a new installation) waits for its time."""
        if entry.schedule.every is not None:
            return now
        previous = rules.previous_run(entry.schedule, now=now)
        runs = JobRun.objects.filter(job__name=entry.spec.name)
        # A run cut short (a killed worker's, still RUNNING until its lease is taken over, or
        # closed as interrupted) did not do the day's work: the job is due again.
        finished = runs.filter(outcome__in=(Outcome.SUCCEEDED, Outcome.FAILED))
        if previous is None or not runs.exists() or finished.filter(started_at__gte=previous).exists():
            return None
        return now

    def _retry_after_lease(self, name: str) -> None:
        """A run skipped because the lease was held, when the job's latest run did not finish (a
        killed worker's run, or one another worker has in hand): try again just after that lease
        runs out, rather than at the next scheduled time (which for a daily job is tomorrow). A
        live holder renews its lease, so this retry is skipped in turn and tries again, until the
        job's latest run has finished (issue 21)."""
        if self.stop.is_set():
            return
        latest = JobRun.objects.filter(job__name=name).order_by("-started_at", "-id").values("outcome").first()
        until = services.job_lease_until(name=name)
        if latest is None or latest["outcome"] not in (Outcome.RUNNING, Outcome.INTERRUPTED) or until is None:
            return
        at = max(until, tz.now()) + timedelta(seconds=1)
        self.scheduler.add_job(
            self._run,
            "date",
            run_date=at,
            args=(name, Trigger.SCHEDULE),
            id=f"{name}:retry",
            replace_existing=True,
            misfire_grace_time=None,
            executor=SENDER if name == SENDER else "default",
        )

    def run_job(self, name: str, trigger: Trigger) -> JobRun | None:
        """Run one job now in this thread (what the scheduler's threads call)."""
        run = None
        if not self.stop.is_set():
            run = execute(self.by_name[name].spec, trigger=trigger, ctx=self.ctx)
            if run is None and trigger == Trigger.SCHEDULE:
                self._retry_after_lease(name)
        self._publish_next_runs()
        return run

    def _run(self, name: str, trigger: Trigger) -> None:
        with self.idle:
            self.active += 1
        close_old_connections()
        try:
            self.run_job(name, trigger)
        finally:
            connection.close()
            with self.idle:
                self.active -= 1
                self.idle.notify_all()

    def _publish_next_runs(self) -> None:
        if self.stop.is_set():
            return  # shutting down: the scheduler's locks are the shutdown's now
        for job in self.scheduler.get_jobs():
            if job.id in self.by_name:
                services.job_next_run_set(name=job.id, at=job.next_run_time)

    def poll_requests(self) -> int:
        """Hand pending run-now requests to the pool; returns how many were handed over."""
        handed = 0
        for name in services.job_requests_pending():
            if name not in self.by_name or self.scheduler.get_job(f"{name}:manual"):
                continue
            self.scheduler.add_job(
                self._run,
                args=(name, Trigger.MANUAL),
                id=f"{name}:manual",
                misfire_grace_time=None,
                executor=SENDER if name == SENDER else "default",
            )
            handed += 1
        return handed

    def serve(self) -> None:
        """The main loop: poll requests every GRIDCARE_JOBS_POLL_SECONDS until stopped."""
        poll = jobs_int("POLL_SECONDS")
        try:
            while not self.stop.wait(poll):
                try:
                    self.poll_requests()
                except Exception:
                    log.exception("polling run-now requests failed")
                finally:
                    close_old_connections()
        finally:
            self.shutdown()

    def shutdown(self) -> None:
        """Start nothing new, let the running jobs finish, then stop the scheduler. (APScheduler's
        own shutdown holds its job-store lock while it waits for the threads, so the running jobs
        are waited for here first.)"""
        self.stop.set()
        if not self.scheduler.running:
            return
        self.scheduler.pause()
        with self.idle:
            self.idle.wait_for(lambda: self.active == 0)
        self.scheduler.shutdown(wait=True)
