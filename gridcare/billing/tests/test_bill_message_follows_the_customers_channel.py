"""A bill message goes the customer's way, like every other message: by WeChat to a phone that
follows the official account (the phone kept as the SMS fallback), by SMS otherwise."""

from pytest_django import Settings

from gridcare.billing.models import Bill
from gridcare.billing.services.bill_notify import bill_notify
from gridcare.billing.services.bill_run import bill_run_start
from gridcare.billing.tests.helpers import billable, reading, tariffs
from gridcare.core.testing import City
from gridcare.notices.models import Notice, WeChatBinding

OPENID = "o-bill-follower-0001"


def test_a_wechat_bound_customers_bill_message_goes_by_wechat(town: City) -> None:
    tariffs()
    account = billable(town.account)
    reading(account, "2026-01", "100")
    WeChatBinding.objects.create(contact=account.customer.contacts.get(), openid=OPENID)
    bill_run_start(period="2026-01")
    assert bill_notify(period="2026-01") == 1
    notice = Notice.objects.get(template_code="bill_issued")
    bill = Bill.objects.get()
    assert (notice.channel, notice.recipient, notice.fallback_phone, notice.segments) == (
        "wechat",
        OPENID,
        "13812345678",
        1,
    )
    assert (notice.dedupe_key, notice.account_id, notice.category, notice.priority) == (
        f"bill_issued:{bill.pk}",
        account.pk,
        "bill",
        3,
    )
    assert notice.body == f"【国网示范市供电公司】户号{account.account_no}，2026-01电费53.80元，请于2026-02-25前缴纳。"


def test_in_the_bill_run_too_and_an_unfollowed_binding_leaves_it_to_sms(town: City, settings: Settings) -> None:
    settings.GRIDCARE_BILLING = {**settings.GRIDCARE_BILLING, "NOTIFY_IN_RUN": True}
    tariffs()
    account = billable(town.account)
    reading(account, "2026-01", "100")
    WeChatBinding.objects.create(contact=account.customer.contacts.get(), openid=OPENID, active=False)
    bill_run_start(period="2026-01")
    notice = Notice.objects.get(template_code="bill_issued")
    assert (notice.channel, notice.recipient, notice.fallback_phone) == ("sms", "13812345678", "")
    assert Notice.objects.count() == 1
