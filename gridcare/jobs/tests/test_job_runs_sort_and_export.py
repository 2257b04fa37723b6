"""Convention 5 on a job's runs (the job page): the total, a whitelisted sort by start, end,
duration, trigger and result, and the export of what the page shows (the same rows in the same
order). Administrators only: for everyone else the export, like the page, does not exist (404,
the jobs capability is hidden)."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.http.response import HttpResponseBase
from django.utils import timezone
from openpyxl import load_workbook

from gridcare.core.testing import City, signed_in, streamed
from gridcare.core.timezone import SHANGHAI
from gridcare.jobs.models import Job, JobEvent, JobRun, Outcome, Trigger
from gridcare.jobs.registry import JOBS
from gridcare.jobs.services import jobs_ensure

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
PAGE = "/jobs/check_deadlines/"
EXPORT = "/jobs/check_deadlines/runs/export/"
HEADER = ["开始时间", "结束时间", "用时", "方式", "结果", "说明"]
NOT_ADMINS = ["clerk", "manager", "agent", "supervisor", "planner", "outsider"]


@pytest.fixture
def runs(town: City, monkeypatch: pytest.MonkeyPatch) -> dict[int, JobRun]:
    """Four runs of check_deadlines and one of send_notices (not on this page)."""
    monkeypatch.setattr(timezone, "now", lambda: T0)
    jobs_ensure(names=[j.name for j in JOBS])
    job = Job.objects.get(name="check_deadlines")
    made = {}
    for n, (minutes_ago, ms, outcome, trigger, by, message, error) in enumerate(
        [
            (10, 500, Outcome.SUCCEEDED, Trigger.SCHEDULE, None, "预警 1 张", ""),
            (5, 3000, Outcome.FAILED, Trigger.SCHEDULE, None, "", "短信网关超时"),
            (20, 1200, Outcome.INTERRUPTED, Trigger.MANUAL, town.admin, "", ""),
            (15, 720_000, Outcome.SUCCEEDED, Trigger.COMMAND, None, "检查 3 项", ""),
        ],
        start=1,
    ):
        started = T0 - timedelta(minutes=minutes_ago)
        made[n] = JobRun.objects.create(
            job=job,
            trigger=trigger,
            requested_by=by,
            started_at=started,
            finished_at=started + timedelta(milliseconds=ms),
            duration_ms=ms,
            outcome=outcome,
            message=message,
            error=error,
        )
    JobRun.objects.create(
        job=Job.objects.get(name="send_notices"), trigger=Trigger.SCHEDULE, started_at=T0, outcome=Outcome.RUNNING
    )
    return made


def _order(town: City, runs: dict[int, JobRun], query: str) -> list[int]:
    number = {run.pk: n for n, run in runs.items()}
    return [number[r.pk] for r in signed_in(town.admin).get(f"{PAGE}?{query}").context["page"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", [2, 1, 4, 3]),  # the newest first
        ("sort=started", [3, 4, 1, 2]),
        ("sort=-started", [2, 1, 4, 3]),
        ("sort=finished", [3, 1, 2, 4]),
        ("sort=-finished", [4, 2, 1, 3]),
        ("sort=duration", [1, 3, 2, 4]),
        ("sort=-duration", [4, 2, 3, 1]),
        ("sort=trigger", [4, 3, 2, 1]),
        ("sort=-trigger", [1, 2, 3, 4]),
        ("sort=status", [2, 3, 1, 4]),
        ("sort=-status", [4, 1, 3, 2]),
        ("sort=message", [2, 1, 4, 3]),  # not in the whitelist: the default order
        ("sort=-error", [2, 1, 4, 3]),
        ("sort=-", [2, 1, 4, 3]),
    ],
)
def test_a_jobs_runs_sort_by_each_column(town: City, runs: dict[int, JobRun], query: str, expected: list[int]) -> None:
    assert _order(town, runs, query) == expected


def test_the_job_page_shows_its_total_and_sort_links_and_an_export_that_keeps_the_sort(
    town: City, runs: dict[int, JobRun]
) -> None:
    client = signed_in(town.admin)
    page = client.get(f"{PAGE}?sort=duration&page=1").content.decode()
    assert "共 4 条 · 第 1/1 页" in page
    assert f"{EXPORT}?sort=duration&amp;format=csv" in page and f"{EXPORT}?sort=duration&amp;format=xlsx" in page
    assert '<a href="?sort=-duration">用时</a>▲' in page
    assert '<a href="?sort=status">结果</a>' in page


def _csv(answer: HttpResponseBase) -> list[list[str]]:
    return list(csv.reader(io.StringIO(streamed(answer).decode("utf-8-sig"))))


def test_the_export_has_the_rows_of_the_sorted_page(town: City, runs: dict[int, JobRun]) -> None:
    client = signed_in(town.admin)
    expected = [
        HEADER,
        ["2026-03-02 09:50:00", "2026-03-02 09:50:00", "0.5 秒", "按计划", "成功", "预警 1 张"],
        ["2026-03-02 09:40:00", "2026-03-02 09:40:01", "1.2 秒", "手动运行（admin）", "中断", ""],
        ["2026-03-02 09:55:00", "2026-03-02 09:55:03", "3.0 秒", "按计划", "失败", "短信网关超时"],
        ["2026-03-02 09:45:00", "2026-03-02 09:57:00", "12 分 0 秒", "命令行", "成功", "检查 3 项"],
    ]
    shown = [r.pk for r in client.get(f"{PAGE}?sort=duration").context["page"]]
    assert shown == [runs[n].pk for n in (1, 3, 2, 4)]
    answer = client.get(f"{EXPORT}?sort=duration&format=csv")
    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    assert _csv(answer) == expected
    sheet = load_workbook(io.BytesIO(streamed(client.get(f"{EXPORT}?sort=duration&format=xlsx")))).active
    assert sheet is not None
    assert [[c or "" for c in r] for r in sheet.iter_rows(values_only=True)] == expected
    assert [r[0] for r in _csv(client.get(EXPORT))[1:]] == [  # the default order, CSV by default
        "2026-03-02 09:55:00",
        "2026-03-02 09:50:00",
        "2026-03-02 09:45:00",
        "2026-03-02 09:40:00",
    ]
    assert client.get("/jobs/no_such_job/runs/export/").status_code == 404


@pytest.mark.parametrize("who", NOT_ADMINS)
def test_other_posts_get_no_export_and_nothing_is_written(town: City, runs: dict[int, JobRun], who: str) -> None:
    before = list(JobRun.objects.order_by("pk").values_list("pk", "outcome", "finished_at"))
    client = signed_in(town.users[who])
    for fmt in ("csv", "xlsx"):
        answer = client.get(f"{EXPORT}?sort=status&format={fmt}")
        assert answer.status_code == 404  # the jobs capability is hidden: no such page
        assert "短信网关超时" not in answer.content.decode()
    assert list(JobRun.objects.order_by("pk").values_list("pk", "outcome", "finished_at")) == before
    assert set(Job.objects.values_list("run_requested_at", flat=True)) == {None}
    assert not JobEvent.objects.exists()
