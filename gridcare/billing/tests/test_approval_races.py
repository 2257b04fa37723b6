"""Second-person decisions under concurrent approvers, for real on PostgreSQL: two approvers
deciding the same instalment plan (or refund) at once make exactly one decision; the other is
refused with the clear message and nothing is done twice."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from gridcare.billing.models import (
    Bill,
    InstalmentPlan,
    InstalmentPlanEvent,
    PrepaidBalance,
    PrepaidEntry,
    Refund,
    RefundEvent,
)
from gridcare.billing.services.instalments import PlanIn, plan_decide, plan_request
from gridcare.billing.services.refunds import RefundIn, refund_decide, refund_request
from gridcare.billing.tests.helpers import billing_clerk, issued_bill
from gridcare.core.exceptions import Conflict
from gridcare.core.testing import City, run_together
from gridcare.core.timezone import SHANGHAI
from gridcare.notices.models import Notice
from gridcare.org.access import scope_for

D = Decimal


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("approve", [True, False], ids=["approve", "reject"])
def test_two_approvers_of_one_plan_at_once_decide_it_once(
    town: City, monkeypatch: pytest.MonkeyPatch, approve: bool
) -> None:
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 5, 10, 0, tzinfo=SHANGHAI))
    clerk = billing_clerk(town)
    bill = issued_bill(town.account, "2026-10", "1000.00", date(2026, 11, 25))
    data = PlanIn(count=3, first_due=date(2026, 12, 20), reason="家庭困难，申请分期", request_key=uuid.uuid4().hex)
    plan, _ = plan_request(scope=scope_for(clerk), actor=clerk, account=town.account, data=data)
    deciders = [town.supervisor, town.admin]

    def decide(i: int) -> int:
        found = InstalmentPlan.objects.select_related("account").get(pk=plan.pk)
        done = plan_decide(
            scope=scope_for(deciders[i]), actor=deciders[i], plan=found, approve=approve, note=f"第{i}人"
        )
        assert done.decided_by_id is not None
        return done.decided_by_id

    results, errors = run_together(2, decide)
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], Conflict) and "已被他人处理" in str(errors[0].message)
    plan.refresh_from_db()
    bill.refresh_from_db()
    assert (plan.status, plan.decided_by_id) == ("kept" if approve else "rejected", results[0])
    assert plan.decision_note in ("第0人", "第1人")
    decided = InstalmentPlanEvent.Type.APPROVED if approve else InstalmentPlanEvent.Type.REJECTED
    assert InstalmentPlanEvent.objects.filter(plan=plan, type=decided).count() == 1
    assert bill.penalty_paused is approve
    assert (bill.penalty_carried, bill.penalty_settled_to) == (
        (D("10.00"), date(2026, 12, 5)) if approve else (D("0.00"), None)
    )
    assert Notice.objects.filter(account_id=town.account.pk).count() == (1 if approve else 0)
    assert Bill.objects.filter(account=town.account).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_approvers_of_one_refund_at_once_decide_it_once(town: City) -> None:
    PrepaidBalance.objects.create(account=town.account, balance=D("100.00"))
    office = billing_clerk(town)
    data = RefundIn(
        amount=D("70.00"),
        method="bank",
        reason="多缴退回",
        request_key=uuid.uuid4().hex,
        payee_name="张三",
        bank_name="工商银行",
        bank_account="6222021234567890",
    )
    refund, _ = refund_request(scope=scope_for(office), actor=office, account=town.account, data=data)
    deciders = [town.supervisor, town.admin]

    def decide(i: int) -> str:
        found = Refund.objects.select_related("account").get(pk=refund.pk)
        # One approves, the other rejects: whichever is first decides, the rejection's give-back
        # happens only if the rejection won.
        done = refund_decide(scope=scope_for(deciders[i]), actor=deciders[i], refund=found, approve=i == 0)
        return done.status

    results, errors = run_together(2, decide)
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], Conflict) and "已被他人处理" in str(errors[0].message)
    refund.refresh_from_db()
    assert refund.status == results[0]
    assert RefundEvent.objects.filter(refund=refund, type__in=["approved", "rejected"]).count() == 1
    balance = PrepaidBalance.objects.get(account=town.account).balance
    entries = list(PrepaidEntry.objects.order_by("id").values_list("amount", flat=True))
    if refund.status == "approved":
        assert (balance, entries) == (D("30.00"), [D("-70.00")])
    else:
        assert (balance, entries) == (D("100.00"), [D("-70.00"), D("70.00")])
