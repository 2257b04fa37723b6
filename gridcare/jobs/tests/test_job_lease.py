import threading
from datetime import datetime, timedelta

import pytest
from django.db import connection

from gridcare.core.timezone import SHANGHAI
from gridcare.jobs.models import Job, JobRun, Outcome, Trigger
from gridcare.jobs.services import job_lease_release, job_lease_renew, job_lease_take, jobs_ensure

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def job(db: None) -> Job:
    jobs_ensure(names=["check_deadlines"])
    return Job.objects.get(name="check_deadlines")


def _lease(job: Job) -> tuple[str, datetime | None]:
    job.refresh_from_db()
    return job.lease_token, job.lease_until


def test_a_second_taker_is_refused_while_the_lease_is_held(job: Job) -> None:
    assert job_lease_take(name=job.name, token="a" * 32, seconds=120, now=T0)
    assert not job_lease_take(name=job.name, token="b" * 32, seconds=120, now=T0 + timedelta(seconds=119))
    assert _lease(job) == ("a" * 32, T0 + timedelta(seconds=120))


def test_an_expired_lease_is_taken_over_and_the_dead_run_closed_as_interrupted(job: Job) -> None:
    assert job_lease_take(name=job.name, token="a" * 32, seconds=120, now=T0)
    dead = JobRun.objects.create(job=job, trigger=Trigger.SCHEDULE, started_at=T0)
    later = T0 + timedelta(seconds=121)
    assert job_lease_take(name=job.name, token="b" * 32, seconds=120, now=later)
    assert _lease(job) == ("b" * 32, later + timedelta(seconds=120))
    dead.refresh_from_db()
    assert (dead.outcome, dead.finished_at, dead.message) == (Outcome.INTERRUPTED, later, "进程中断，未完成")


def test_a_renewed_lease_keeps_others_out_and_a_released_one_lets_them_in(job: Job) -> None:
    assert job_lease_take(name=job.name, token="a" * 32, seconds=120, now=T0)
    assert job_lease_renew(name=job.name, token="a" * 32, seconds=120, now=T0 + timedelta(seconds=100))
    assert not job_lease_take(name=job.name, token="b" * 32, seconds=120, now=T0 + timedelta(seconds=150))
    assert not job_lease_renew(name=job.name, token="b" * 32, seconds=120, now=T0 + timedelta(seconds=150))
    job_lease_release(name=job.name, token="b" * 32)  # not the holder: changes nothing
    assert _lease(job) == ("a" * 32, T0 + timedelta(seconds=220))
    job_lease_release(name=job.name, token="a" * 32)
    assert _lease(job) == ("", None)
    assert job_lease_take(name=job.name, token="b" * 32, seconds=120, now=T0 + timedelta(seconds=150))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_a_lease_on_postgresql_never_both_win() -> None:
    jobs_ensure(names=[f"race{i}" for i in range(20)])
    wins: dict[str, list[str]] = {f"race{i}": [] for i in range(20)}
    barrier = threading.Barrier(2)

    def worker(token: str) -> None:
        try:
            for name in wins:
                barrier.wait()
                if job_lease_take(name=name, token=token, seconds=120, now=T0):
                    wins[name].append(token)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(t * 32,)) for t in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {name: len(tokens) for name, tokens in wins.items()} == {name: 1 for name in wins}
    held = dict(Job.objects.filter(name__in=wins).values_list("name", "lease_token"))
    assert held == {name: tokens[0] for name, tokens in wins.items()}
