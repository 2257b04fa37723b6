from datetime import date
from decimal import Decimal

from pytest_django import Settings

from gridcare.billing.models import Bill, PrepaidBalance, PrepaidEntry
from gridcare.billing.services.bill_notify import bill_notify
from gridcare.billing.services.bill_run import bill_run_start
from gridcare.billing.tests.helpers import billable, reading, tariffs
from gridcare.core.testing import City
from gridcare.notices.models import Notice


def test_billing_deducts_prepaid_balance_and_warns_when_it_runs_low(town: City) -> None:
    tariffs()
    account = billable(town.account)
    reading(account, "2026-01", "100")  # 100 kWh at 0.538 = 53.80
    PrepaidBalance.objects.create(account=account, balance=Decimal("60.00"))
    bill_run_start(period="2026-01")
    bill = Bill.objects.get(account=account)
    assert (bill.amount, bill.paid, bill.status) == (Decimal("53.80"), Decimal("53.80"), "paid")
    assert PrepaidBalance.objects.get(account=account).balance == Decimal("6.20")
    assert list(PrepaidEntry.objects.values_list("kind", "amount", "bill_id")) == [
        ("deduction", Decimal("-53.80"), bill.pk)
    ]
    warning = Notice.objects.get(template_code="low_balance")
    assert (
        warning.body == f"【国网示范市供电公司】户号{account.account_no}预付电费余额6.20元，低于30.00元，请及时充值。"
    )
    assert warning.dedupe_key == f"low_balance:bill:{bill.pk}"
    assert not Notice.objects.filter(template_code="bill_issued").exists()  # nothing left to pay


def test_a_partly_covered_bill_is_issued_for_the_rest(town: City, settings: Settings) -> None:
    settings.GRIDCARE_BILLING = {**settings.GRIDCARE_BILLING, "NOTIFY_IN_RUN": True}
    tariffs()
    account = billable(town.account)
    reading(account, "2026-01", "100")
    PrepaidBalance.objects.create(account=account, balance=Decimal("20.00"))
    bill_run_start(period="2026-01")
    bill = Bill.objects.get(account=account)
    assert (bill.paid, bill.status, bill.due_date) == (Decimal("20.00"), "partly_paid", date(2026, 2, 25))
    issued = Notice.objects.get(template_code="bill_issued")
    assert issued.body == f"【国网示范市供电公司】户号{account.account_no}，2026-01电费33.80元，请于2026-02-25前缴纳。"
    assert (issued.dedupe_key, issued.recipient, issued.account_id) == (
        f"bill_issued:{bill.pk}",
        "13812345678",
        account.pk,
    )


def test_bill_notify_queues_each_bill_issued_message_once(town: City) -> None:
    tariffs()
    account = billable(town.account)
    reading(account, "2026-01", "100")
    bill_run_start(period="2026-01")
    assert not Notice.objects.filter(template_code="bill_issued").exists()  # the separate step, by default
    assert bill_notify(period="2026-01") == 1
    assert bill_notify(period="2026-01") == 0
    bill = Bill.objects.get()
    notice = Notice.objects.get(template_code="bill_issued")
    assert (notice.dedupe_key, notice.body) == (
        f"bill_issued:{bill.pk}",
        f"【国网示范市供电公司】户号{account.account_no}，2026-01电费53.80元，请于2026-02-25前缴纳。",
    )
