from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessFailureLog
from django.utils import timezone

from gridcare.jobs.models import JobRun, Trigger
from gridcare.jobs.registry import BY_NAME
from gridcare.jobs.runner import Worker


@pytest.fixture
def worker(db: None) -> Worker:
    w = Worker([BY_NAME["prune_auth_audit"]])
    w.start(now=timezone.now(), paused=True)
    yield w
    w.shutdown()


def test_the_worker_deletes_sign_in_audit_rows_past_the_keep_days(worker: Worker) -> None:
    old = AccessFailureLog.objects.create(username="x", ip_address="10.0.0.1", user_agent="t", path_info="/")
    AccessFailureLog.objects.filter(pk=old.pk).update(attempt_time=timezone.now() - timedelta(days=181))
    recent = AccessFailureLog.objects.create(username="y", ip_address="10.0.0.2", user_agent="t", path_info="/")

    worker.run_job("prune_auth_audit", Trigger.SCHEDULE)

    assert list(AccessFailureLog.objects.values_list("pk", flat=True)) == [recent.pk]
    run = JobRun.objects.get(job__name="prune_auth_audit")
    assert (run.outcome, run.counts) == ("succeeded", {"sign_ins": 0, "failures": 1, "events": 0})
    assert run.message == "删除过期登录审计记录：登录 0 条，失败 1 条，事件 0 条"
