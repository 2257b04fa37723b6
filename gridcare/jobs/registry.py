"""Every recurring job the worker runs: its name, its label, its schedule setting, its work.

Each job is a thin call of another app's service (the same one its management command calls)
returning what it did as words and counts. Add a job here and it is scheduled, leased, recorded
and shown on the jobs page.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial

from django.db import connection
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridcare.assessment.services.actions import actions_evaluate_due
from gridcare.assessment.services.reports import reports_due
from gridcare.assessment.services.rollup import rollup_due
from gridcare.assessment.services.stars import stars_due
from gridcare.assessment.services.topics import topics_due
from gridcare.billing.services.arrears import remind_arrears as arrears_remind
from gridcare.billing.services.bill_notify import bill_notify as period_notify
from gridcare.billing.services.instalments import instalments_check
from gridcare.billing.services.payment_orders import payment_orders_expire
from gridcare.core import timezone as tz
from gridcare.customers.quality import archive_check as archive_check_all
from gridcare.halls.services.appointments import appointments_mark_missed
from gridcare.halls.services.mobile_rounds import mobile_round_reminders as round_reminders
from gridcare.invoicing.services import invoices_work
from gridcare.jobs.conf import jobs_int, schedule_setting
from gridcare.jobs.exceptions import LeaseLost
from gridcare.jobs.rules import Schedule, parse_schedule
from gridcare.jobs.services import bill_runs_notify, job_lease_hold, job_runs_prune
from gridcare.keyaccounts.services.plans import outage_alerts, peak_shift_alerts
from gridcare.keyaccounts.services.remote import remote_check
from gridcare.keyaccounts.services.visits import visit_reminders
from gridcare.notices.models import Channel
from gridcare.notices.services.gateways import gateway_for
from gridcare.notices.services.sender import RoundResult, Sender
from gridcare.org.services import auth_audit_prune
from gridcare.workorders.services import deadlines_check, triage_retrain


class Lease:
    """A running job's lease, as its unit of work sees it: ``lost`` is set by the heartbeat when
    a renewal finds the lease gone (expired and taken over), and ``hold()`` is the guard a unit
    of work calls inside its own transaction before writing (services.job_lease_hold)."""

    def __init__(self, name: str, token: str, seconds: int) -> None:
        self.name, self.token, self.seconds = name, token, seconds
        self.lost = threading.Event()

    def hold(self) -> None:
        try:
            job_lease_hold(name=self.name, token=self.token, seconds=self.seconds)
        except LeaseLost:
            self.lost.set()
            raise


class RunStop(threading.Event):
    """A run's stop signal: set for this run, or when the worker stops, or when the run's lease
    is lost, so every job that polls ``ctx.stop.is_set()`` stops on any of the three."""

    def __init__(self, *others: threading.Event) -> None:
        super().__init__()
        self.others = others

    def is_set(self) -> bool:
        return super().is_set() or any(other.is_set() for other in self.others)


@dataclass(frozen=True)
class Context:
    """What a running job may ask: should it stop early (the worker is shutting down, or the
    job lost its lease), is it a one-off run (``worker --once``, where long loops do one pass
    instead), and its lease guard ``hold()`` for each unit of work's transaction."""

    stop: threading.Event = field(default_factory=threading.Event)
    once: bool = False
    lease: Lease | None = None

    def hold(self) -> None:
        """Inside a unit of work's transaction, before it writes: raises LeaseLost when this
        run no longer holds its lease (a run without one, as in tests, always holds)."""
        if self.lease is not None:
            self.lease.hold()

    def for_run(self, lease: Lease) -> Context:
        return Context(stop=RunStop(self.stop, lease.lost), once=self.once, lease=lease)


@dataclass(frozen=True)
class Result:
    message: str
    counts: dict[str, int]


@dataclass(frozen=True)
class JobSpec:
    name: str
    label: Promise
    work: Callable[[Context], Result]

    @property
    def schedule_text(self) -> str:
        return schedule_setting(self.name)

    @property
    def schedule(self) -> Schedule:
        return parse_schedule(self.schedule_text)


# --- the jobs -------------------------------------------------------------------------------


def send_notices(ctx: Context) -> Result:
    """The outbox sender, as a job that sends for a window (GRIDCARE_JOBS_SEND_WINDOW_SECONDS)
    and returns: within the window it waits two seconds when nothing is due, so a new message
    leaves within seconds; between windows the run is recorded with its counts."""
    deadline = time.monotonic() + jobs_int("SEND_WINDOW_SECONDS")
    results = {c.value: RoundResult() for c in Channel}

    def stopping() -> bool:
        return ctx.stop.is_set() or time.monotonic() >= deadline

    def serve(channel: str) -> None:
        sender = Sender(gateway=gateway_for(channel), channel=channel)
        results[channel] = sender.run(loop=not ctx.once, should_stop=stopping, idle_seconds=2.0)

    errors: list[BaseException] = []

    def serve_in_thread(channel: str) -> None:
        try:
            serve(channel)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    if ctx.once:
        # One pass over what is due, channel after channel, in the caller's thread.
        for channel in results:
            serve(channel)
    else:
        # One thread per channel, each with its gateway's own connections and pace (as send_notices).
        threads = [threading.Thread(target=serve_in_thread, args=(c,), name=f"send-{c}") for c in results]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]  # the run is recorded as failed; the other channels finished their window
    total = RoundResult()
    for result in results.values():
        total.add(result)
    counts = {"sent": total.sent, "retried": total.retried, "failed": total.failed, "suppressed": total.suppressed}
    return Result(
        _("发送 %(sent)d 条，待重试 %(retried)d 条，失败 %(failed)d 条，免扰 %(suppressed)d 条") % counts, counts
    )


def check_deadlines(ctx: Context) -> Result:
    result = deadlines_check()
    counts = {"warned": result.warned, "escalated": result.escalated}
    return Result(_("预警 %(warned)d 张，升级 %(escalated)d 张") % counts, counts)


def bill_notify(ctx: Context) -> Result:
    # Each chunk of messages, and the runs' marks, are written under the job's lease guard.
    runs, queued = bill_runs_notify(queue=partial(period_notify, hold=ctx.hold), hold=ctx.hold)
    return Result(
        _("出账批次 %(runs)d 个，排队出账通知 %(queued)d 条") % {"runs": runs, "queued": queued},
        {"runs": runs, "queued": queued},
    )


def remind_arrears(ctx: Context) -> Result:
    queued = arrears_remind(on=tz.business_date())
    return Result(_("排队欠费提醒 %(n)d 条") % {"n": queued}, {"queued": queued})


def check_instalments(ctx: Context) -> Result:
    broken, completed = instalments_check(on=tz.business_date())
    counts = {"broken": broken, "completed": completed}
    return Result(_("分期计划违约 %(broken)d 个，缴清 %(completed)d 个") % counts, counts)


def archive_check(ctx: Context) -> Result:
    result = archive_check_all()
    counts = {"accounts": result.accounts, "opened": result.opened, "resolved": result.resolved}
    return Result(
        _("检查用电户 %(accounts)d 户，新增问题 %(opened)d 条，已解决 %(resolved)d 条") % counts,
        counts,
    )


def mark_missed_appointments(ctx: Context) -> Result:
    marked = appointments_mark_missed(day=tz.business_date())
    return Result(_("%(n)d 个预约标记为爽约") % {"n": marked}, {"marked": marked})


def expire_payment_orders(ctx: Context) -> Result:
    closed = payment_orders_expire()
    return Result(_("关闭过期未支付订单 %(n)d 笔") % {"n": closed}, {"expired": closed})


def mobile_round_reminders(ctx: Context) -> Result:
    queued = round_reminders(today=tz.business_date())
    return Result(_("流动服务车提醒 %(n)d 条") % {"n": queued}, {"queued": queued})


def key_account_visit_reminders(ctx: Context) -> Result:
    queued = visit_reminders(today=tz.business_date())
    return Result(_("大客户走访提醒 %(n)d 条") % {"n": queued}, {"queued": queued})


def key_account_remote_check(ctx: Context) -> Result:
    """The key accounts' load data of yesterday checked; findings merged into the worklist."""
    done = remote_check()
    counts = {"accounts": done.accounts, "new": done.new, "again": done.again}
    return Result(
        _("已检查 %(n)s 户大客户，新发现 %(new)s 条，再次发现 %(again)s 条")
        % {"n": done.accounts, "new": done.new, "again": done.again},
        counts,
    )


def key_account_outage_alerts(ctx: Context) -> Result:
    queued = outage_alerts(now=tz.now())
    return Result(_("停电涉及大客户提醒 %(n)d 条") % {"n": queued}, {"queued": queued})


def key_account_peak_shift_alerts(ctx: Context) -> Result:
    queued = peak_shift_alerts(now=tz.now())
    return Result(_("错峰涉及大客户提醒 %(n)d 条") % {"n": queued}, {"queued": queued})


def prune_job_runs(ctx: Context) -> Result:
    deleted = job_runs_prune(before=tz.now() - timedelta(days=jobs_int("KEEP_DAYS")))
    return Result(_("删除过期运行记录 %(n)d 条") % {"n": deleted}, {"deleted": deleted})


def prune_auth_audit(ctx: Context) -> Result:
    counts = auth_audit_prune()
    return Result(
        _("删除过期登录审计记录：登录 %(sign_ins)d 条，失败 %(failures)d 条，事件 %(events)d 条") % counts,
        counts,
    )


def assessment_rollup(ctx: Context) -> Result:
    rolled = rollup_due(stop=ctx.stop.is_set)
    counts = {"days": len(rolled.days), "service_rows": rolled.service_rows, "order_rows": rolled.order_rows}
    return Result(
        _("汇总 %(days)d 天：服务记录 %(service_rows)d 行，工单记录 %(order_rows)d 行") % counts,
        counts,
    )


def assessment_reports(ctx: Context) -> Result:
    done = reports_due(stop=ctx.stop.is_set)
    counts = {"reports": len(done.written), "waiting": int(done.waiting)}
    if done.waiting and not done.written:
        return Result(_("上月数据尚未汇总完毕，月度报告稍后生成"), counts)
    return Result(_("生成月度报告 %(reports)d 份") % counts, counts)


def assessment_actions(ctx: Context) -> Result:
    done = actions_evaluate_due(stop=ctx.stop.is_set)
    counts = {"evaluated": done.evaluated}
    return Result(_("评估改进措施效果 %(evaluated)d 项") % counts, counts)


def assessment_topics(ctx: Context) -> Result:
    done = topics_due(stop=ctx.stop.is_set)
    counts = {"computed": len(done.computed)}
    return Result(_("计算问题主题 %(computed)d 项") % counts, counts)


def assessment_stars(ctx: Context) -> Result:
    done = stars_due(stop=ctx.stop.is_set)
    counts = {"months": len(done.months), "rated": done.rated, "waiting": int(done.waiting)}
    if done.waiting and not done.months:
        return Result(_("上月数据尚未汇总完毕，星级评定稍后进行"), counts)
    return Result(_("星级评定 %(months)d 个月，共 %(rated)d 个对象") % counts, counts)


def retrain_triage(ctx: Context) -> Result:
    """The triage model retrained from the agents' overrides; adopted only if it scores no lower."""
    made = triage_retrain()
    if made is None:
        return Result(_("人工修正不足或无新增，未重新训练"), {"trained": 0, "adopted": 0})
    counts = {"trained": 1, "adopted": int(made.adopted), "overrides": made.overrides}
    words = _("第 %(v)d 版：新模型 %(new).3f，原模型 %(old).3f，%(verdict)s") % {
        "v": made.version,
        "new": made.candidate_accuracy,
        "old": made.current_accuracy,
        "verdict": _("已采用") if made.adopted else _("保留原模型"),
    }
    return Result(words, counts)


def issue_invoices(ctx: Context) -> Result:
    """E-invoices (数电发票): payments and bills without one queued, the due ones issued or retried."""
    done = invoices_work()
    counts = done.counts()
    return Result(
        _("排队 %(queued)d 张，开具 %(issued)d 张，红字 %(red)d 张，待重试 %(retried)d 张，失败 %(failed)d 张")
        % counts,
        counts,
    )


JOBS: tuple[JobSpec, ...] = (
    JobSpec("send_notices", gettext_lazy("发送通知"), send_notices),
    JobSpec("check_deadlines", gettext_lazy("工单时限预警与升级"), check_deadlines),
    JobSpec("bill_notify", gettext_lazy("出账通知"), bill_notify),
    JobSpec("remind_arrears", gettext_lazy("欠费提醒"), remind_arrears),
    JobSpec("check_instalments", gettext_lazy("分期缴费履约检查"), check_instalments),
    JobSpec("archive_check", gettext_lazy("档案质量检查"), archive_check),
    JobSpec("expire_payment_orders", gettext_lazy("关闭过期支付订单"), expire_payment_orders),
    JobSpec("mark_missed_appointments", gettext_lazy("预约爽约标记"), mark_missed_appointments),
    JobSpec("mobile_round_reminders", gettext_lazy("流动服务车前一天提醒"), mobile_round_reminders),
    JobSpec("key_account_visit_reminders", gettext_lazy("大客户走访前一天提醒"), key_account_visit_reminders),
    JobSpec("key_account_outage_alerts", gettext_lazy("停电涉及大客户时提醒客户经理"), key_account_outage_alerts),
    JobSpec(
        "key_account_peak_shift_alerts", gettext_lazy("错峰涉及大客户时提醒客户经理"), key_account_peak_shift_alerts
    ),
    JobSpec("key_account_remote_check", gettext_lazy("大客户远程服务检查"), key_account_remote_check),
    JobSpec("prune_job_runs", gettext_lazy("清理任务运行记录"), prune_job_runs),
    JobSpec("prune_auth_audit", gettext_lazy("清理过期登录审计记录"), prune_auth_audit),
    JobSpec("assessment_rollup", gettext_lazy("考核数据日汇总"), assessment_rollup),
    JobSpec("assessment_reports", gettext_lazy("优质服务月度报告"), assessment_reports),
    JobSpec("assessment_actions", gettext_lazy("改进措施效果评估"), assessment_actions),
    JobSpec("assessment_topics", gettext_lazy("问题主题月度分析"), assessment_topics),
    JobSpec("assessment_stars", gettext_lazy("星级评定"), assessment_stars),
    JobSpec("retrain_triage", gettext_lazy("工单分类模型重新训练"), retrain_triage),
    JobSpec("issue_invoices", gettext_lazy("开具电子发票"), issue_invoices),
)
BY_NAME: dict[str, JobSpec] = {job.name: job for job in JOBS}
