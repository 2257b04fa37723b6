import logging
from collections.abc import Iterator
from datetime import datetime

import pytest
from django.utils import timezone
from django.utils.translation import gettext_lazy
from pytest_django import Settings

from gridcare.core.timezone import SHANGHAI
from gridcare.jobs.models import Job, JobRun, Outcome, Trigger
from gridcare.jobs.registry import BY_NAME, Context, JobSpec, Result
from gridcare.jobs.runner import Worker

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)


def _broken(ctx: Context) -> Result:
    raise RuntimeError("gateway table missing")


BROKEN = JobSpec("broken", gettext_lazy("坏任务"), _broken)


@pytest.fixture
def worker(db: None, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Worker]:
    monkeypatch.setattr(timezone, "now", lambda: T0)
    jobs = settings.GRIDCARE_JOBS
    settings.GRIDCARE_JOBS = {**jobs, "SCHEDULES": {**jobs["SCHEDULES"], "broken": "every 60s"}}
    w = Worker([BROKEN, BY_NAME["check_deadlines"], BY_NAME["prune_job_runs"]])
    w.start(now=T0, paused=True)
    yield w
    w.shutdown()


def test_a_failing_job_is_recorded_with_its_error_and_the_others_still_run(
    worker: Worker, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="gridcare.jobs"):
        worker.run_job("broken", Trigger.SCHEDULE)
        worker.run_job("check_deadlines", Trigger.SCHEDULE)
        worker.run_job("prune_job_runs", Trigger.SCHEDULE)
    runs = list(
        JobRun.objects.order_by("id").values_list("job__name", "trigger", "outcome", "message", "counts", "error")
    )
    assert runs == [
        ("broken", "schedule", "failed", "", {}, "gateway table missing"),
        ("check_deadlines", "schedule", "succeeded", "预警 0 张，升级 0 张", {"warned": 0, "escalated": 0}, ""),
        ("prune_job_runs", "schedule", "succeeded", "删除过期运行记录 0 条", {"deleted": 0}, ""),
    ]
    failed = JobRun.objects.get(job__name="broken")
    assert (failed.started_at, failed.finished_at) == (T0, T0)
    # The traceback is in the log, not in the record.
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert record.getMessage() == "job broken failed"
    assert record.exc_info is not None and str(record.exc_info[1]) == "gateway table missing"
    # Every lease is given back.
    assert list(Job.objects.order_by("name").values_list("name", "lease_token", "lease_until")) == [
        ("broken", "", None),
        ("check_deadlines", "", None),
        ("prune_job_runs", "", None),
    ]


def test_a_failed_job_stays_scheduled_and_is_tried_again_at_its_next_time(worker: Worker) -> None:
    worker.run_job("broken", Trigger.SCHEDULE)
    scheduled = worker.scheduler.get_job("broken")
    assert scheduled is not None and scheduled.next_run_time is not None
    worker.run_job("broken", Trigger.SCHEDULE)
    assert list(JobRun.objects.filter(job__name="broken").values_list("outcome", flat=True)) == [
        Outcome.FAILED,
        Outcome.FAILED,
    ]


def test_the_worker_schedules_every_job_and_publishes_its_next_time(worker: Worker) -> None:
    assert sorted(j.id for j in worker.scheduler.get_jobs()) == ["broken", "check_deadlines", "prune_job_runs"]
    # Interval jobs start at once; a daily job that has never run waits for its time.
    assert dict(Job.objects.values_list("name", "next_run_at")) == {
        "broken": T0,
        "check_deadlines": T0,
        "prune_job_runs": datetime(2026, 3, 3, 3, 30, tzinfo=SHANGHAI),
    }


@pytest.mark.parametrize(
    ("last_run", "next_run"),
    [
        # Last ran yesterday: today's 03:30 was missed while no worker ran, so it runs at once.
        (datetime(2026, 3, 1, 3, 30, tzinfo=SHANGHAI), T0),
        # Already ran after today's 03:30: next is tomorrow's.
        (datetime(2026, 3, 2, 3, 31, tzinfo=SHANGHAI), datetime(2026, 3, 3, 3, 30, tzinfo=SHANGHAI)),
    ],
)
def test_a_starting_worker_catches_up_a_daily_run_it_missed(
    db: None, monkeypatch: pytest.MonkeyPatch, last_run: datetime, next_run: datetime
) -> None:
    monkeypatch.setattr(timezone, "now", lambda: T0)
    Job.objects.create(name="prune_job_runs")
    JobRun.objects.create(
        job=Job.objects.get(name="prune_job_runs"),
        trigger=Trigger.SCHEDULE,
        started_at=last_run,
        outcome=Outcome.SUCCEEDED,
    )
    w = Worker([BY_NAME["prune_job_runs"]])
    w.start(now=T0, paused=True)
    try:
        assert Job.objects.get(name="prune_job_runs").next_run_at == next_run
    finally:
        w.shutdown()
