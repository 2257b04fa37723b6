"""Instalment plans (分期缴费, issue 19): instalments to the fen with the remainder on the last; a
second person approves (the asker is refused and nothing changes); the plan's bills accrue no
penalty while it is kept; payments pay the instalments in order; an instalment unpaid past its
grace days breaks the plan (the worker's daily job), penalties resume from the break to the fen,
and dunning starts again."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from gridcare.billing.models import Bill, DunningStepKind, InstalmentPlan, InstalmentPlanEvent, PlanStatus
from gridcare.billing.rules.bill_penalty import bill_penalty
from gridcare.billing.rules.instalments import instalment_amounts, instalment_dates
from gridcare.billing.services.arrears import dunning_record, remind_arrears
from gridcare.billing.services.instalments import (
    PlanIn,
    instalment_preview,
    instalments_check,
    plan_decide,
    plan_request,
    plan_schedule,
)
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.billing.tests.helpers import billing_clerk, issued_bill
from gridcare.core.exceptions import Conflict, Forbidden, InvalidInput
from gridcare.core.testing import City
from gridcare.core.timezone import SHANGHAI
from gridcare.notices.models import Notice
from gridcare.org.access import scope_for

D = Decimal


def _at(monkeypatch: pytest.MonkeyPatch, day: date) -> None:
    monkeypatch.setattr(timezone, "now", lambda: datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI))


def _plan_in(count: int = 3, first_due: date = date(2026, 12, 20)) -> PlanIn:
    return PlanIn(count=count, first_due=first_due, reason="家庭困难，申请分期", request_key=uuid.uuid4().hex)


def test_arrears_split_to_the_fen_with_the_remainder_on_the_last() -> None:
    assert instalment_amounts(D("1000.00"), 3) == [D("333.33"), D("333.33"), D("333.34")]
    assert instalment_amounts(D("1010.00"), 3) == [D("336.66"), D("336.66"), D("336.68")]
    assert sum(instalment_amounts(D("999.99"), 6)) == D("999.99")
    assert instalment_dates(date(2027, 1, 31), 3) == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31)]


def test_the_asker_cannot_approve_and_nothing_changes(town: City, monkeypatch: pytest.MonkeyPatch) -> None:
    clerk = billing_clerk(town)
    bill = issued_bill(town.account, "2026-10", "1000.00", date(2026, 11, 25))
    _at(monkeypatch, date(2026, 12, 5))
    plan, created = plan_request(scope=scope_for(clerk), actor=clerk, account=town.account, data=_plan_in())
    assert created and plan.total == D("1010.00")  # 10 days at 0.1 %: 10.00
    with pytest.raises(Forbidden, match="申请人以外"):
        plan_decide(scope=scope_for(clerk), actor=clerk, plan=plan, approve=True)
    plan.refresh_from_db()
    bill.refresh_from_db()
    assert (plan.status, plan.decided_by_id, bill.penalty_paused, bill.penalty_carried) == ("pending", None, False, 0)
    assert list(plan.events.values_list("type", flat=True)) == ["requested"]
    assert not Notice.objects.exists()


def test_a_plan_asks_valid_counts_and_a_minimum_instalment(town: City, monkeypatch: pytest.MonkeyPatch) -> None:
    clerk = billing_clerk(town)
    issued_bill(town.account, "2026-10", "100.00", date(2026, 11, 25))
    _at(monkeypatch, date(2026, 12, 5))
    with pytest.raises(InvalidInput) as refused:
        instalment_preview(scope=scope_for(clerk), account=town.account, data=_plan_in(count=7))
    assert set(refused.value.errors) == {"count"}
    with pytest.raises(InvalidInput, match="每期不少于 50.00 元：欠费 101.00 元最多分 2 期"):
        plan_request(scope=scope_for(clerk), actor=clerk, account=town.account, data=_plan_in(count=3))
    assert not InstalmentPlan.objects.exists()


def test_penalty_stops_while_kept_and_resumes_from_the_break(town: City, monkeypatch: pytest.MonkeyPatch) -> None:
    clerk = billing_clerk(town)
    bill = issued_bill(town.account, "2026-10", "1000.00", date(2026, 11, 25))
    dunning_record(bill=bill, step=DunningStepKind.REMINDER, on=date(2026, 11, 26), actor=clerk)
    _at(monkeypatch, date(2026, 12, 5))
    plan, _ = plan_request(scope=scope_for(clerk), actor=clerk, account=town.account, data=_plan_in())
    assert [(i.due_date, i.amount) for i in plan.instalments.all()] == [
        (date(2026, 12, 20), D("336.66")),
        (date(2027, 1, 20), D("336.66")),
        (date(2027, 2, 20), D("336.68")),
    ]
    _at(monkeypatch, date(2026, 12, 6))  # approved the next day: the plan still starts on the 5th
    plan_decide(scope=scope_for(town.supervisor), actor=town.supervisor, plan=plan, approve=True, note="同意")
    bill.refresh_from_db()
    assert (bill.penalty_paused, bill.penalty_settled_to, bill.penalty_carried) == (True, date(2026, 12, 5), D("10.00"))
    assert bill_penalty(bill, date(2027, 1, 20)) == D("10.00")  # nothing accrues while kept
    assert Notice.objects.get(template_code="instalment_plan_approved").body == (
        f"【国网示范市供电公司】户号{town.account.account_no}欠费1010.00元已办理分期，共3期，"
        "首期336.66元请于2026-12-20前缴纳。分期期间不计违约金。"
    )

    paid_at = datetime(2026, 12, 20, 11, 0, tzinfo=SHANGHAI)
    _at(monkeypatch, date(2026, 12, 20))
    with pytest.raises(Conflict, match="分期缴费计划内"):  # no dunning step while the plan is kept
        dunning_record(bill=bill, step=DunningStepKind.CUTOFF_NOTICE, on=date(2026, 12, 27), actor=clerk)
    data = PaymentIn("counter_cash", "C-INST-1", town.account.account_no, D("336.66"), paid_at)
    payment_post(scope=scope_for(town.clerk), actor=town.clerk, data=data)
    assert [paid for _i, paid in plan_schedule(plan)] == [D("336.66"), D("0.00"), D("0.00")]

    assert remind_arrears(on=date(2027, 1, 10)) == 0  # dunning waits while the plan is kept
    assert instalments_check(on=date(2027, 1, 23)) == (0, 0)  # the last day of grace
    assert instalments_check(on=date(2027, 1, 24)) == (1, 0)
    assert instalments_check(on=date(2027, 1, 25)) == (0, 0)
    plan.refresh_from_db()
    bill.refresh_from_db()
    assert (plan.status, plan.broken_on) == (PlanStatus.BROKEN, date(2027, 1, 23))
    assert (bill.penalty_paused, bill.penalty_settled_to) == (False, date(2027, 1, 23))
    # 673.34 unpaid, 10 days from the break at 0.1 % = 6.7334 → 6.73 (the 10.00 was paid first)
    assert bill.amount - bill.paid == D("673.34")
    assert bill_penalty(bill, date(2027, 2, 2)) == D("6.73")
    broken = Notice.objects.get(template_code="instalment_plan_broken")
    assert broken.body == (
        f"【国网示范市供电公司】户号{town.account.account_no}第2期分期款未按期缴纳，分期已终止，"
        "尚欠电费673.34元，自2027-01-24起恢复计收违约金。"
    )
    assert plan.events.get(type=InstalmentPlanEvent.Type.BROKEN).parameters == {"number": 2, "on": "2027-01-24"}
    # dunning starts again: the plan-broken message is the new reminder; the steps before the
    # plan are superseded, kept as history; the cut-off notice may be served at once
    assert remind_arrears(on=date(2027, 1, 25)) == 0
    assert list(bill.dunning_steps.order_by("id").values_list("step", "done_on", "superseded_on")) == [
        ("reminder", date(2026, 11, 26), date(2027, 1, 24)),
        ("reminder", date(2027, 1, 24), None),
    ]
    notice = dunning_record(bill=bill, step=DunningStepKind.CUTOFF_NOTICE, on=date(2027, 1, 25), actor=clerk)
    assert notice.deadline is not None and notice.deadline.date() == date(2027, 2, 1)
    assert Notice.objects.filter(template_code="cutoff_notice").count() == 1


def test_a_paid_up_plan_is_completed_by_the_daily_job(town: City, monkeypatch: pytest.MonkeyPatch) -> None:
    clerk = billing_clerk(town)
    bill = issued_bill(town.account, "2026-10", "1000.00", date(2026, 11, 25))
    _at(monkeypatch, date(2026, 12, 5))
    plan, _ = plan_request(scope=scope_for(clerk), actor=clerk, account=town.account, data=_plan_in(count=2))
    plan_decide(scope=scope_for(town.supervisor), actor=town.supervisor, plan=plan, approve=True)
    paid_at = datetime(2026, 12, 30, 11, 0, tzinfo=SHANGHAI)
    data = PaymentIn("counter_cash", "C-INST-ALL", town.account.account_no, D("1010.00"), paid_at)
    payment_post(scope=scope_for(town.clerk), actor=town.clerk, data=data)
    call_command("worker", "--once", "check_instalments", stdout=StringIO())
    plan.refresh_from_db()
    assert plan.status == PlanStatus.COMPLETED
    assert Bill.objects.get(pk=bill.pk).status == "paid"
    assert not Bill.objects.filter(penalty_paused=True).exists()
