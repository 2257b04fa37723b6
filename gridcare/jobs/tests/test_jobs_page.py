import re
from datetime import datetime, timedelta
from html import unescape

import pytest
from django.utils import timezone

from gridcare.core.testing import City, signed_in
from gridcare.core.timezone import SHANGHAI
from gridcare.jobs.models import Job, JobEvent, JobRun, Outcome, Trigger
from gridcare.jobs.registry import JOBS
from gridcare.jobs.runner import Worker
from gridcare.jobs.services import jobs_ensure

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
NOT_ADMINS = ["clerk", "manager", "agent", "supervisor", "planner", "outsider"]


@pytest.fixture
def jobs(town: City, monkeypatch: pytest.MonkeyPatch) -> City:
    monkeypatch.setattr(timezone, "now", lambda: T0)
    jobs_ensure(names=[j.name for j in JOBS])
    return town


def _cells(html: str, name: str) -> list[str]:
    row = re.search(rf'<tr class="job-{name}">(.*?)</tr>', html, re.S)
    assert row is not None
    cells = re.findall(r"<td>(.*?)</td>", row.group(1), re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells]


def _run(name: str, *, started: datetime, ms: int, outcome: Outcome, message: str = "", error: str = "") -> JobRun:
    return JobRun.objects.create(
        job=Job.objects.get(name=name),
        trigger=Trigger.SCHEDULE,
        started_at=started,
        finished_at=started + timedelta(milliseconds=ms),
        duration_ms=ms,
        outcome=outcome,
        message=message,
        error=error,
    )


def test_the_jobs_page_shows_each_job_with_its_schedule_last_run_and_next_run(jobs: City) -> None:
    _run(
        "check_deadlines",
        started=T0 - timedelta(seconds=30),
        ms=1260,
        outcome=Outcome.SUCCEEDED,
        message="预警 2 张，升级 1 张",
    )
    _run("send_notices", started=T0 - timedelta(minutes=1), ms=55_000, outcome=Outcome.FAILED, error="短信网关无应答")
    _run("send_notices", started=T0 - timedelta(minutes=3), ms=55_000, outcome=Outcome.SUCCEEDED, message="older")
    Job.objects.filter(name="check_deadlines").update(next_run_at=T0 + timedelta(seconds=30))
    Job.objects.filter(name="send_notices").update(next_run_at=T0 - timedelta(minutes=5))
    html = signed_in(jobs.admin).get("/jobs/").content.decode()
    assert _cells(html, "check_deadlines") == [
        "工单时限预警与升级",
        "每 1 分钟",
        "2026-03-02 09:59:30",
        "1.3 秒",
        "成功：预警 2 张，升级 1 张",
        "2026-03-02 10:00:30",
        "立即运行",
    ]
    assert _cells(html, "send_notices") == [
        "发送通知",
        "每 1 分钟",
        "2026-03-02 09:59:00",
        "55.0 秒",
        "失败：短信网关无应答",
        "2026-03-02 09:55:00 已过时未运行，请检查后台进程",
        "立即运行",
    ]
    assert _cells(html, "archive_check") == [
        "档案质量检查",
        "每天 02:00（北京时间）",
        "尚未运行",
        "",
        "",
        "未知（后台进程未运行）",
        "立即运行",
    ]
    assert "Traceback" not in html


def test_a_job_page_lists_its_recent_runs_newest_first_in_pages(jobs: City) -> None:
    for i in range(25):
        _run("check_deadlines", started=T0 - timedelta(minutes=i), ms=10, outcome=Outcome.SUCCEEDED, message=f"第{i}次")
    client = signed_in(jobs.admin)
    first = client.get("/jobs/check_deadlines/").content.decode()
    assert "共 25 条 · 第 1/2 页" in first
    assert first.count("<td>第") == 20 and first.index("第0次") < first.index("第19次") and "第20次" not in first
    second = client.get("/jobs/check_deadlines/?page=2").content.decode()
    assert "共 25 条 · 第 2/2 页" in second
    assert [m for m in re.findall(r"<td>(第\d+次)</td>", second)] == ["第20次", "第21次", "第22次", "第23次", "第24次"]
    assert client.get("/jobs/check_deadlines/?page=x").status_code == 200
    assert client.get("/jobs/no_such_job/").status_code == 404


def test_an_administrator_runs_a_job_now_after_confirming(jobs: City) -> None:
    client = signed_in(jobs.admin)
    confirm = client.get("/jobs/check_deadlines/run/")
    assert "确定立即运行「工单时限预警与升级」吗？" in confirm.content.decode()
    assert not JobEvent.objects.exists()  # asking is not doing
    answer = client.post("/jobs/check_deadlines/run/", follow=True)
    assert "已请求立即运行「工单时限预警与升级」" in answer.content.decode()
    job = Job.objects.get(name="check_deadlines")
    assert (job.run_requested_at, job.run_requested_by) == (T0, jobs.admin)
    assert list(JobEvent.objects.values_list("job__name", "type", "actor")) == [
        ("check_deadlines", "run_requested", jobs.admin.pk)
    ]
    # A second request while the first waits is refused, and changes nothing.
    again = client.post("/jobs/check_deadlines/run/", follow=True)
    assert "该任务已在等待运行" in again.content.decode()
    assert JobEvent.objects.count() == 1
    # The worker picks the request up and runs the job once.
    worker = Worker(JOBS)
    worker.start(now=T0, paused=True)
    try:
        assert worker.poll_requests() == 1
        worker.run_job("check_deadlines", Trigger.MANUAL)
    finally:
        worker.shutdown()
    run = JobRun.objects.get()
    assert (run.job.name, run.trigger, run.requested_by, run.outcome) == (
        "check_deadlines",
        "manual",
        jobs.admin,
        "succeeded",
    )
    job.refresh_from_db()
    assert (job.run_requested_at, job.run_requested_by) == (None, None)
    assert "等待立即运行" not in client.get("/jobs/").content.decode()


@pytest.mark.parametrize("who", NOT_ADMINS)
def test_other_posts_cannot_see_or_run_jobs_and_nothing_is_recorded(jobs: City, who: str) -> None:
    client = signed_in(jobs.users[who])
    for url in ("/jobs/", "/jobs/check_deadlines/", "/jobs/check_deadlines/run/"):
        assert client.get(url).status_code == 404
    assert client.post("/jobs/check_deadlines/run/").status_code == 404
    assert set(Job.objects.values_list("run_requested_at", flat=True)) == {None}
    assert not JobEvent.objects.exists()
    assert not JobRun.objects.exists()
    assert "/jobs/" not in client.get("/").content.decode()


def test_signed_out_visitors_are_sent_to_sign_in_and_nothing_is_recorded(jobs: City) -> None:
    from django.test import Client

    answer = Client().post("/jobs/check_deadlines/run/")
    assert answer.status_code == 302 and answer["Location"].startswith("/login/")
    assert Job.objects.filter(run_requested_at__isnull=False).count() == 0
    assert not JobEvent.objects.exists()


def test_administrators_find_the_jobs_tile_on_the_home_page(jobs: City) -> None:
    html = signed_in(jobs.admin).get("/").content.decode()
    assert '<a class="tile" href="/jobs/">后台任务</a>' in html
