"""The cut-off for arrears (issue 19): a protected customer's cut-off is refused without a
supervisor's approval (nothing written) and allowed after it; the dunning list marks them; the
cut-off notice is also sent by message; the planned cut-off's last warning is queued once, held
until 30 minutes before (Asia/Shanghai); the supply restored is told; paying first withdraws
the warning. Messages go the customer's chosen way."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from gridcare.billing import selectors
from gridcare.billing.models import BillEvent, DunningStep, DunningStepKind
from gridcare.billing.services.arrears import dunning_record, reconnection_done
from gridcare.billing.services.cutoffs import cutoff_approve, cutoff_schedule, protected_record
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.billing.tests.helpers import billing_clerk, issued_bill
from gridcare.core.exceptions import Conflict, Forbidden, InvalidInput
from gridcare.core.testing import City
from gridcare.core.timezone import SHANGHAI
from gridcare.notices.models import Notice
from gridcare.org.access import scope_for


@pytest.fixture
def noticed(town: City, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A 300.00 bill due 2026-11-25, reminded, its cut-off notice served on 2026-12-27; now is
    2026-12-28 09:00 in Shanghai."""
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 28, 9, 0, tzinfo=SHANGHAI))
    bill = issued_bill(town.account, "2026-10", "300.00", date(2026, 11, 25))
    dunning_record(bill=bill, step=DunningStepKind.REMINDER, on=date(2026, 11, 26), actor=town.clerk)
    dunning_record(bill=bill, step=DunningStepKind.CUTOFF_NOTICE, on=date(2026, 12, 27), actor=town.clerk)
    return bill


def test_the_cutoff_notice_is_also_sent_by_message(town: City, noticed) -> None:  # type: ignore[no-untyped-def]
    notice = Notice.objects.get(template_code="cutoff_notice")
    assert (notice.channel, notice.category) == ("sms", "disconnection")
    assert notice.body == (
        f"【国网示范市供电公司】户号{town.account.account_no}欠费309.60元已逾期32天，停电通知已送达，"
        "如未缴清将于2026-12-30至2027-01-03期间停电。请尽快缴纳。"
    )


def test_a_protected_customer_is_cut_off_only_after_a_supervisor_approves(town: City, noticed) -> None:  # type: ignore[no-untyped-def]
    clerk = billing_clerk(town)
    protected_record(
        scope=scope_for(clerk),
        actor=clerk,
        account=town.account,
        reason="medical",
        evidence="家用制氧机，见医院证明",
        review_on=date(2027, 6, 30),
        today=date(2026, 12, 28),
    )
    [row] = selectors.dunning_bills(scope=scope_for(clerk), on=date(2026, 12, 31), stage="cutoff")
    assert row.protected is True
    events = BillEvent.objects.count()
    with pytest.raises(Conflict, match=r"为保护性客户（居家使用医疗设备），停电须经主管批准"):
        dunning_record(bill=noticed, step=DunningStepKind.CUTOFF, on=date(2026, 12, 31), actor=clerk)
    with pytest.raises(Forbidden):  # the billing clerk may not approve it
        cutoff_approve(scope=scope_for(clerk), actor=clerk, bill=noticed, note="同意")
    assert (DunningStep.objects.filter(step="cutoff").count(), BillEvent.objects.count()) == (0, events)
    cutoff_approve(scope=scope_for(town.supervisor), actor=town.supervisor, bill=noticed, note="已联系家属，可停电")
    step = dunning_record(bill=noticed, step=DunningStepKind.CUTOFF, on=date(2026, 12, 31), actor=clerk)
    assert step.step == "cutoff"


def test_the_last_warning_is_queued_once_thirty_minutes_before(town: City, noticed) -> None:  # type: ignore[no-untyped-def]
    clerk = billing_clerk(town)
    planned = datetime(2026, 12, 31, 10, 0, tzinfo=SHANGHAI)
    with pytest.raises(InvalidInput) as refused:  # the warning would fall at 07:40, in quiet hours
        cutoff_schedule(
            scope=scope_for(clerk), actor=clerk, bill=noticed, planned_at=planned.replace(hour=8, minute=10)
        )
    assert set(refused.value.errors) == {"planned_at"}
    cutoff_schedule(scope=scope_for(clerk), actor=clerk, bill=noticed, planned_at=planned)
    with pytest.raises(Conflict):
        cutoff_schedule(scope=scope_for(clerk), actor=clerk, bill=noticed, planned_at=planned.replace(hour=11))
    [warning] = Notice.objects.filter(template_code="cutoff_warning")
    assert warning.not_before == datetime(2026, 12, 31, 9, 30, tzinfo=SHANGHAI)
    assert warning.not_before == datetime(2026, 12, 31, 1, 30, tzinfo=UTC)
    assert warning.body == (
        f"【国网示范市供电公司】户号{town.account.account_no}因欠费310.80元，将于2026-12-31 10:00停电。"
        "缴清后24小时内恢复供电，如已缴纳请忽略。"
    )


def test_paying_first_withdraws_the_warning_and_the_restored_supply_is_told(town: City, noticed) -> None:  # type: ignore[no-untyped-def]
    clerk = billing_clerk(town)
    planned = datetime(2026, 12, 31, 10, 0, tzinfo=SHANGHAI)
    cutoff_schedule(scope=scope_for(clerk), actor=clerk, bill=noticed, planned_at=planned)
    dunning_record(bill=noticed, step=DunningStepKind.CUTOFF, on=date(2026, 12, 31), actor=clerk)
    paid_at = datetime(2026, 12, 31, 9, 0, tzinfo=SHANGHAI)
    data = PaymentIn("counter_cash", "C-CUT-1", town.account.account_no, Decimal("400.00"), paid_at)
    payment_post(scope=scope_for(town.clerk), actor=town.clerk, data=data)
    assert Notice.objects.get(template_code="cutoff_warning").status == "withdrawn"
    step = DunningStep.objects.get(step="reconnect")
    reconnection_done(
        scope=scope_for(clerk), step=step, actor=clerk, at=datetime(2026, 12, 31, 15, 20, tzinfo=SHANGHAI)
    )
    told = Notice.objects.get(template_code="supply_reconnected")
    assert (
        told.body == f"【国网示范市供电公司】户号{town.account.account_no}已于2026-12-31 15:20恢复供电，感谢您的支持。"
    )


def test_the_customers_chosen_channel_is_used(town: City, monkeypatch: pytest.MonkeyPatch) -> None:
    contact = town.account.customer.contacts.get(is_primary=True)
    contact.channels, contact.invoice_email = {"arrears": "email"}, "zhang@example.cn"
    contact.save(update_fields=["channels", "invoice_email"])
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 28, 9, 0, tzinfo=SHANGHAI))
    bill = issued_bill(town.account, "2026-10", "300.00", date(2026, 11, 25))
    dunning_record(bill=bill, step=DunningStepKind.REMINDER, on=date(2026, 11, 26), actor=town.clerk)
    dunning_record(bill=bill, step=DunningStepKind.CUTOFF_NOTICE, on=date(2026, 12, 27), actor=town.clerk)
    notice = Notice.objects.get(template_code="cutoff_notice")
    assert (notice.channel, notice.recipient) == ("email", "zhang@example.cn")
