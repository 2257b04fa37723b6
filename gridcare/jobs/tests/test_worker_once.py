from datetime import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from gridcare.billing.models import BillRunEvent
from gridcare.billing.services.bill_run import bill_run_start
from gridcare.billing.tests.helpers import billable, reading, tariffs
from gridcare.core.testing import City
from gridcare.core.timezone import SHANGHAI
from gridcare.jobs.models import Job, JobRun
from gridcare.jobs.registry import JOBS
from gridcare.jobs.services import job_lease_take, jobs_ensure
from gridcare.notices.models import Notice

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)

# What each registered job reports on the persona city with nothing due.
QUIET = {
    "send_notices": (
        "发送 0 条，待重试 0 条，失败 0 条，免扰 0 条",
        {"sent": 0, "retried": 0, "failed": 0, "suppressed": 0},
    ),
    "check_deadlines": ("预警 0 张，升级 0 张", {"warned": 0, "escalated": 0}),
    "bill_notify": ("出账批次 0 个，排队出账通知 0 条", {"runs": 0, "queued": 0}),
    "remind_arrears": ("排队欠费提醒 0 条", {"queued": 0}),
    # No instalment plan kept.
    "check_instalments": ("分期计划违约 0 个，缴清 0 个", {"broken": 0, "completed": 0}),
    # The persona city's three accounts carry four archive issues, all new on this first check.
    "archive_check": ("检查用电户 3 户，新增问题 4 条，已解决 0 条", {"accounts": 3, "opened": 4, "resolved": 0}),
    "mark_missed_appointments": ("0 个预约标记为爽约", {"marked": 0}),
    # No online payment order yet.
    "expire_payment_orders": ("关闭过期未支付订单 0 笔", {"expired": 0}),
    # No mobile service round stop tomorrow.
    "mobile_round_reminders": ("流动服务车提醒 0 条", {"queued": 0}),
    # No visit planned for tomorrow, no outage touching a key account.
    "key_account_visit_reminders": ("大客户走访提醒 0 条", {"queued": 0}),
    "key_account_outage_alerts": ("停电涉及大客户提醒 0 条", {"queued": 0}),
    "key_account_peak_shift_alerts": ("错峰涉及大客户提醒 0 条", {"queued": 0}),
    # No load data stored: no key account has a day to check.
    "key_account_remote_check": (
        "已检查 0 户大客户，新发现 0 条，再次发现 0 条",
        {"accounts": 0, "new": 0, "again": 0},
    ),
    "prune_job_runs": ("删除过期运行记录 0 条", {"deleted": 0}),
    "prune_auth_audit": (
        "删除过期登录审计记录：登录 0 条，失败 0 条，事件 0 条",
        {"sign_ins": 0, "failures": 0, "events": 0},
    ),
    # No tickets yet: only yesterday is rolled up, into no rows.
    "assessment_rollup": (
        "汇总 1 天：服务记录 0 行，工单记录 0 行",
        {"days": 1, "service_rows": 0, "order_rows": 0},
    ),
    # Last month ended before the first day rolled up (yesterday): no report to write.
    "assessment_reports": ("生成月度报告 0 份", {"reports": 0, "waiting": 0}),
    # No improvement action yet.
    "assessment_actions": ("评估改进措施效果 0 项", {"evaluated": 0}),
    # Last month ended before the first day rolled up: nothing to rate.
    # No complaint or survey comment yet: the topics of the 3 catch-up months, both sources,
    # of the city's 3 units and 2 companies, written empty (3 × 2 × 5).
    "assessment_topics": ("计算问题主题 30 项", {"computed": 30}),
    "assessment_stars": ("星级评定 0 个月，共 0 个对象", {"months": 0, "rated": 0, "waiting": 0}),
    # No agent has overridden a suggestion yet: nothing to train on.
    "retrain_triage": ("人工修正不足或无新增，未重新训练", {"trained": 0, "adopted": 0}),
    # No payment yet: no e-invoice to queue or issue.
    "issue_invoices": (
        "排队 0 张，开具 0 张，红字 0 张，待重试 0 张，失败 0 张",
        {"queued": 0, "issued": 0, "red": 0, "retried": 0, "failed": 0},
    ),
}


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr(timezone, "now", lambda: T0)
    return T0


def test_every_registered_job_runs_once_from_the_command(town: City, clock: datetime) -> None:
    assert sorted(QUIET) == sorted(j.name for j in JOBS)
    for job in JOBS:
        out = StringIO()
        call_command("worker", "--once", job.name, stdout=out)
        run = JobRun.objects.get(job__name=job.name)
        assert (run.trigger, run.outcome, run.started_at, run.finished_at) == ("command", "succeeded", T0, T0)
        assert (run.message, run.counts) == QUIET[job.name]
        assert out.getvalue().startswith(f"{job.name}: {QUIET[job.name][0]} (")
    assert set(Job.objects.values_list("lease_token", flat=True)) == {""}


def test_the_command_refuses_a_job_another_worker_is_running_and_records_nothing(town: City, clock: datetime) -> None:
    jobs_ensure(names=["check_deadlines"])
    assert job_lease_take(name="check_deadlines", token="x" * 32, seconds=120)
    with pytest.raises(CommandError, match="任务 check_deadlines 正在另一个进程中运行"):
        call_command("worker", "--once", "check_deadlines", stdout=StringIO())
    assert not JobRun.objects.exists()
    assert Job.objects.get(name="check_deadlines").lease_token == "x" * 32


def test_the_worker_queues_the_messages_of_a_finished_bill_run_once(town: City) -> None:
    tariffs()
    account = billable(town.account)
    reading(account, "2026-01", "100")
    run = bill_run_start(period="2026-01")  # without the command's notify step
    assert not Notice.objects.filter(template_code="bill_issued").exists()
    call_command("worker", "--once", "bill_notify", stdout=StringIO())
    call_command("worker", "--once", "bill_notify", stdout=StringIO())
    assert Notice.objects.filter(template_code="bill_issued").count() == 1
    assert list(JobRun.objects.order_by("id").values_list("counts", flat=True)) == [
        {"runs": 1, "queued": 1},
        {"runs": 0, "queued": 0},
    ]
    assert list(BillRunEvent.objects.filter(type="notices_queued").values_list("run_id", "parameters")) == [
        (run.pk, {"queued": 1, "by": "worker"})
    ]
