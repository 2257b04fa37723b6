"""Issue 21: a job killed mid-run is taken over once its (short) lease runs out and retried at
the next tick after that; a run that lost its lease writes nothing more (its unit of work checks
the lease in its own transaction, and the heartbeat's loss stops it)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy
from pytest_django import Settings

import config.settings
from gridcare.core.timezone import SHANGHAI
from gridcare.jobs import runner
from gridcare.jobs.exceptions import LeaseLost
from gridcare.jobs.models import Job, JobRun, Outcome, Trigger
from gridcare.jobs.registry import BY_NAME, Context, JobSpec, Lease, Result
from gridcare.jobs.runner import Worker, execute
from gridcare.jobs.services import job_lease_hold, job_lease_take, job_run_finish, jobs_ensure

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
DEAD = "d" * 32


def test_the_job_lease_is_thirty_seconds_by_default() -> None:
    assert config.settings.GRIDCARE_JOBS["LEASE_SECONDS"] == 30
    assert django_settings.GRIDCARE_JOBS["LEASE_SECONDS"] == 30


def _killed_run(name: str, at: datetime) -> JobRun:
    """What a worker SIGKILLed at ``at`` leaves: the lease (30 s) and a RUNNING run."""
    jobs_ensure(names=[name])
    assert job_lease_take(name=name, token=DEAD, seconds=30, now=at)
    return JobRun.objects.create(job=Job.objects.get(name=name), trigger=Trigger.SCHEDULE, started_at=at)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[datetime]]:
    now = [T0]
    monkeypatch.setattr(timezone, "now", lambda: now[0])
    yield now


def test_a_killed_daily_job_is_retried_one_second_after_its_lease_ran_out(db: None, clock: list[datetime]) -> None:
    # Killed at 03:30:05 a.m. of the day: the daily 03:30 job must not wait for tomorrow.
    dead = _killed_run("prune_job_runs", T0 - timedelta(seconds=10))
    w = Worker([BY_NAME["prune_job_runs"]])
    w.start(now=T0, paused=True)
    try:
        # The starting worker catches the cut-short run up at once, but the dead lease holds it.
        assert Job.objects.get(name="prune_job_runs").next_run_at == T0
        assert w.run_job("prune_job_runs", Trigger.SCHEDULE) is None
        retry = w.scheduler.get_job("prune_job_runs:retry")
        assert retry is not None and retry.next_run_time == T0 + timedelta(seconds=21)
        # At that moment the lease has run out: the retry takes the job over and runs it.
        clock[0] = T0 + timedelta(seconds=21)
        run = w.run_job("prune_job_runs", Trigger.SCHEDULE)
        assert run is not None and run.outcome == Outcome.SUCCEEDED
        dead.refresh_from_db()
        assert (dead.outcome, dead.finished_at) == (Outcome.INTERRUPTED, T0 + timedelta(seconds=21))
        assert list(Job.objects.values_list("lease_token", "lease_until")) == [("", None)]
    finally:
        w.shutdown()


def test_a_job_held_by_a_live_worker_whose_run_finished_is_not_retried(db: None, clock: list[datetime]) -> None:
    jobs_ensure(names=["check_deadlines"])
    JobRun.objects.create(
        job=Job.objects.get(name="check_deadlines"), trigger=Trigger.SCHEDULE, started_at=T0, outcome=Outcome.SUCCEEDED
    )
    assert job_lease_take(name="check_deadlines", token=DEAD, seconds=30, now=T0)
    w = Worker([BY_NAME["check_deadlines"]])
    w.start(now=T0, paused=True)
    try:
        assert w.run_job("check_deadlines", Trigger.SCHEDULE) is None
        assert w.scheduler.get_job("check_deadlines:retry") is None
    finally:
        w.shutdown()


def test_a_daily_job_whose_run_was_interrupted_today_is_caught_up_by_a_starting_worker(
    db: None, clock: list[datetime]
) -> None:
    jobs_ensure(names=["prune_job_runs"])
    JobRun.objects.create(
        job=Job.objects.get(name="prune_job_runs"),
        trigger=Trigger.SCHEDULE,
        started_at=datetime(2026, 3, 2, 3, 30, tzinfo=SHANGHAI),
        outcome=Outcome.INTERRUPTED,
    )
    w = Worker([BY_NAME["prune_job_runs"]])
    w.start(now=T0, paused=True)
    try:
        assert Job.objects.get(name="prune_job_runs").next_run_at == T0
    finally:
        w.shutdown()


# --- the guard ---------------------------------------------------------------------------


def _units(ctx: Context) -> Result:
    """Two units of work, each in its own transaction behind the lease guard; between them
    another worker takes the job over (this worker's lease ran out while it was stalled)."""
    with transaction.atomic():
        ctx.hold()
        Job.objects.filter(name="unit_a").update(next_run_at=T0)
    with transaction.atomic():
        Job.objects.filter(name="units").update(lease_token="t" * 32, lease_until=T0 + timedelta(seconds=60))
        JobRun.objects.filter(job__name="units", outcome=Outcome.RUNNING).update(outcome=Outcome.INTERRUPTED)
    with transaction.atomic():
        Job.objects.filter(name="unit_b").update(next_run_at=T0)  # written, then rolled back
        ctx.hold()
    return Result("never", {})


UNITS = JobSpec("units", gettext_lazy("两步任务"), _units)


def test_a_run_that_lost_its_lease_writes_no_further_unit_and_stays_interrupted(
    db: None, clock: list[datetime], settings: Settings
) -> None:
    jobs = settings.GRIDCARE_JOBS
    settings.GRIDCARE_JOBS = {**jobs, "SCHEDULES": {**jobs["SCHEDULES"], "units": "every 60s"}}
    jobs_ensure(names=["units", "unit_a", "unit_b"])
    run = execute(UNITS, trigger=Trigger.SCHEDULE)
    assert run is not None
    # Closed by the taker as interrupted; the loser's own close changes nothing.
    assert (run.outcome, run.finished_at, run.error) == (Outcome.INTERRUPTED, None, "")
    assert dict(Job.objects.filter(name__startswith="unit_").values_list("name", "next_run_at")) == {
        "unit_a": T0,
        "unit_b": None,
    }
    # The taker's lease is left alone by the loser's release.
    assert Job.objects.filter(name="units").values_list("lease_token", flat=True).get() == "t" * 32


def test_the_guard_refuses_an_expired_lease_and_renews_a_held_one(db: None) -> None:
    jobs_ensure(names=["units"])
    assert job_lease_take(name="units", token="a" * 32, seconds=30, now=T0)
    job_lease_hold(name="units", token="a" * 32, seconds=30, now=T0 + timedelta(seconds=29))
    assert Job.objects.get(name="units").lease_until == T0 + timedelta(seconds=59)
    with pytest.raises(LeaseLost):
        job_lease_hold(name="units", token="a" * 32, seconds=30, now=T0 + timedelta(seconds=59))
    with pytest.raises(LeaseLost):
        job_lease_hold(name="units", token="b" * 32, seconds=30, now=T0)
    assert Job.objects.get(name="units").lease_until == T0 + timedelta(seconds=59)


def test_a_closed_run_keeps_the_takers_interrupted_outcome(db: None) -> None:
    dead = _killed_run("units", T0)
    JobRun.objects.filter(pk=dead.pk).update(outcome=Outcome.INTERRUPTED, message="进程中断，未完成")
    closed = job_run_finish(run=dead, outcome=Outcome.SUCCEEDED, duration_ms=5, message="done")
    assert (closed.outcome, closed.message) == (Outcome.INTERRUPTED, "进程中断，未完成")


class _OneBeat:
    """A heartbeat's wait that lets one beat happen, then ends it (no sleeping in tests)."""

    def __init__(self) -> None:
        self.beats = 0

    def wait(self, seconds: float) -> bool:
        self.beats += 1
        return self.beats > 1

    def set(self) -> None:
        return None


def test_the_heartbeat_that_finds_its_lease_taken_over_stops_the_job(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    jobs_ensure(names=["units"])
    assert job_lease_take(name="units", token="a" * 32, seconds=30, now=T0)
    lease = Lease("units", "a" * 32, 30)
    worker_stop = Context().stop
    ctx = Context(stop=worker_stop).for_run(lease)
    assert not ctx.stop.is_set()
    Job.objects.filter(name="units").update(lease_token="t" * 32)  # taken over
    beat = runner._Heartbeat(lease)
    beat.done = _OneBeat()  # type: ignore[assignment]
    # One beat in this thread (a run's beats have a thread and connection of their own).
    monkeypatch.setattr(runner, "connection", SimpleNamespace(close=lambda: None))
    beat._beat()
    assert lease.lost.is_set() and ctx.stop.is_set() and not worker_stop.is_set()
    with pytest.raises(LeaseLost):
        ctx.hold()


def test_a_run_stops_when_its_worker_stops() -> None:
    worker = Context()
    ctx = worker.for_run(Lease("units", "a" * 32, 30))
    worker.stop.set()
    assert ctx.stop.is_set() and not ctx.lease.lost.is_set()  # type: ignore[union-attr]
