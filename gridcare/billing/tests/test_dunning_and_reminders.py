from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command

from gridcare.billing.models import DunningStep, DunningStepKind
from gridcare.billing.services.arrears import dunning_record
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.billing.tests.helpers import issued_bill
from gridcare.core.exceptions import InvalidInput
from gridcare.core.testing import City
from gridcare.notices.models import Notice
from gridcare.org.access import scope_for


def test_remind_arrears_queues_one_reminder_per_overdue_bill_however_often_it_runs(town: City) -> None:
    overdue = issued_bill(town.account, "2026-10", "300.00", date(2026, 11, 25))
    issued_bill(town.account, "2026-11", "100.00", date(2026, 12, 25))  # not yet due
    call_command("remind_arrears", "--date", "2026-12-05")
    call_command("remind_arrears", "--date", "2026-12-05")
    call_command("remind_arrears", "--date", "2026-12-06")
    notice = Notice.objects.get(template_code="arrears_reminder")
    assert notice.dedupe_key == f"arrears:{overdue.pk}:reminder"
    assert (
        notice.body
        == f"【国网示范市供电公司】户号{town.account.account_no}尚欠电费303.00元，已逾期10天，请尽快缴纳，以免产生违约金。"
    )
    assert list(DunningStep.objects.values_list("bill_id", "step", "done_on")) == [
        (overdue.pk, "reminder", date(2026, 12, 5))
    ]


def test_a_cutoff_notice_needs_thirty_days_overdue_and_a_reminder(town: City) -> None:
    bill = issued_bill(town.account, "2026-10", "300.00", date(2026, 11, 25))
    with pytest.raises(InvalidInput):
        dunning_record(bill=bill, step=DunningStepKind.CUTOFF_NOTICE, on=date(2027, 1, 10), actor=town.clerk)
    dunning_record(bill=bill, step=DunningStepKind.REMINDER, on=date(2026, 11, 26), actor=town.clerk)
    with pytest.raises(InvalidInput):
        dunning_record(bill=bill, step=DunningStepKind.CUTOFF_NOTICE, on=date(2026, 12, 25), actor=town.clerk)
    assert DunningStep.objects.count() == 1
    step = dunning_record(bill=bill, step=DunningStepKind.CUTOFF_NOTICE, on=date(2026, 12, 26), actor=town.clerk)
    assert step.deadline is not None and step.deadline.date() == date(2027, 1, 2)  # 7 days after the notice


def test_paying_everything_schedules_reconnection_within_24_hours(town: City) -> None:
    bill = issued_bill(town.account, "2026-10", "300.00", date(2026, 11, 25))
    dunning_record(bill=bill, step=DunningStepKind.REMINDER, on=date(2026, 11, 26), actor=town.clerk)
    dunning_record(bill=bill, step=DunningStepKind.CUTOFF_NOTICE, on=date(2026, 12, 27), actor=town.clerk)
    dunning_record(bill=bill, step=DunningStepKind.CUTOFF, on=date(2026, 12, 31), actor=town.clerk)
    paid_at = datetime(2027, 1, 3, 2, 0, tzinfo=UTC)
    data = PaymentIn("counter_cash", "C-RECON", town.account.account_no, Decimal("400.00"), paid_at)
    payment_post(scope=scope_for(town.clerk), actor=town.clerk, data=data)
    reconnect = DunningStep.objects.get(step="reconnect")
    assert reconnect.deadline == paid_at + timedelta(hours=24)
