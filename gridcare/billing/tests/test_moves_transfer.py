"""A transfer (过户) at an opening reading bills each holder only for its part: the old holder a
final bill up to the reading (prorated tiers, settled by its balance, the rest refunded to it),
the new holder the month's regular bill from the reading on. Refused, with nothing changed,
while the old holder would still owe."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gridcare.billing.models import AccountMove, Bill, Payment, PrepaidBalance, Reading, Refund
from gridcare.billing.services.bill_run import bill_run_start
from gridcare.billing.services.moves import account_move_in
from gridcare.billing.tests.helpers import billing_clerk
from gridcare.billing.tests.move_helpers import BANK, fixed_today, monthly_tariff, move_data, read_and_billed  # noqa: F401
from gridcare.billing.tests.test_moves_settlement import _prepaid, _snapshot
from gridcare.core.exceptions import Conflict
from gridcare.core.testing import PHONE, City
from gridcare.customers.models import AccountEvent, Customer
from gridcare.org.access import scope_for

D = Decimal
pytestmark = pytest.mark.usefixtures("fixed_today")
NEW = {"new_name": "李四", "new_id_number": "33010219800101123X", "new_phone": "13900000002"}


@pytest.fixture
def read_account(town: City) -> City:
    monthly_tariff()
    town.account.tariff_code = "RES-M"
    town.account.save(update_fields=["tariff_code"])
    read_and_billed(town.account, "2026-10", date(2026, 10, 31), "1000.00")
    return town


def test_each_holder_pays_only_for_its_part(read_account: City) -> None:
    town = read_account
    account = town.account
    old_holder = account.customer
    _prepaid(account, "100.00")
    clerk = billing_clerk(town)
    data = move_data(date(2026, 11, 17), "1150.00", refund=BANK, **NEW)
    move, created = account_move_in(scope=scope_for(clerk), actor=clerk, account=account, data=data)
    assert created
    # The old holder: 150 kWh in 17 days across the prorated tier 1 (136 kWh): 73.95, paid
    # from its balance of 100.00; 26.05 refunded to it.
    final = Bill.objects.get(pk=move.bill_id)
    assert (final.period, final.segment, final.kwh, final.amount, final.status) == (
        "2026-11",
        1,
        D(150),
        D("73.95"),
        "paid",
    )
    assert (move.from_prepaid, move.credit, move.old_customer_id) == (D("73.95"), D("26.05"), old_holder.pk)
    assert Refund.objects.get().amount == D("26.05")
    assert PrepaidBalance.objects.get(account=account).balance == D("0.00")
    account.refresh_from_db()
    assert account.customer.name == "李四" and move.new_customer_id == account.customer_id
    assert AccountEvent.objects.filter(account=account, type="transferred").get().parameters["register"] == "1150.00"

    # The month's reading from the reading company: 1000 → 1300, 300 kWh; the new holder's bill
    # takes the old holder's 150 off: 150 kWh all in tier 1 (240), 150 × 0.4883 = 73.245 → 73.25.
    Reading.objects.create(
        account=account, period="2026-11", read_on=date(2026, 11, 30), register=D(1300), kwh=D(300), kwh_flat=D(300)
    )
    bill_run_start(period="2026-11", read_ahead=False)
    regular = Bill.objects.get(account=account, period="2026-11", segment=0)
    assert (regular.kwh, regular.amount) == (D("150.00"), D("73.25"))


def test_a_transfer_while_the_old_holder_owes_is_refused_and_changes_nothing(read_account: City) -> None:
    town = read_account
    clerk = billing_clerk(town)
    before = _snapshot()
    customers = Customer.objects.count()
    data = move_data(date(2026, 11, 17), "1150.00", **NEW)
    with pytest.raises(Conflict, match="原户主尚欠电费 73.95 元"):
        account_move_in(scope=scope_for(clerk), actor=clerk, account=town.account, data=data)
    assert _snapshot() == before
    assert (Customer.objects.count(), AccountMove.objects.count(), Payment.objects.count()) == (customers, 0, 0)
    assert PHONE  # the town's own holder keeps its contact


def test_a_transfer_ends_the_old_holders_portal_binding(read_account: City) -> None:
    """The old holder's portal no longer shows the account once it is transferred; a refused
    transfer leaves the binding alone. The new holder binds it with the new name."""
    from django.test import Client

    from gridcare.portal.models import Binding, PortalEvent
    from gridcare.portal.services import auth, bindings
    from gridcare.portal.tests.conftest import sign_in_by_code

    town = read_account
    account = town.account
    user = sign_in_by_code(PHONE)
    bindings.account_bind(user=user, account_no=account.account_no, name="张三")
    token = auth.token_issue(user=user)
    clerk = billing_clerk(town)
    with pytest.raises(Conflict):  # the old holder still owes: refused, still bound
        account_move_in(
            scope=scope_for(clerk), actor=clerk, account=account, data=move_data(date(2026, 11, 17), "1150.00", **NEW)
        )
    assert Binding.objects.filter(user=user, unbound_at__isnull=True).count() == 1
    _prepaid(account, "100.00")
    data = move_data(date(2026, 11, 17), "1150.00", refund=BANK, **NEW)
    account_move_in(scope=scope_for(clerk), actor=clerk, account=account, data=data)
    assert Binding.objects.filter(user=user, unbound_at__isnull=True).count() == 0
    event = PortalEvent.objects.filter(user=user, type="unbound").get()
    assert event.parameters == {"account_no": account.account_no, "cause": "transfer"}
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get(f"/api/v1/portal/accounts/{account.account_no}/bills").status_code == 404
    newcomer = sign_in_by_code("13900000002", address="10.0.0.9")
    bindings.account_bind(user=newcomer, account_no=account.account_no, name="李四")
    assert Binding.objects.filter(user=newcomer, unbound_at__isnull=True).count() == 1


def test_a_split_month_is_corrected_by_a_note_not_billed_again(read_account: City) -> None:
    """The final bill of a transfer and the regular bill of that month are each priced by a rule
    of their own: a correction of either is refused, saying to use a credit or debit note, and
    the batch re-bill leaves them out (its sentence says how many)."""
    from gridcare.billing.exceptions import CorrectionRefused
    from gridcare.billing.rebill_views import batch_sentence
    from gridcare.billing.services.rebill import CorrectionIn, correction_request
    from gridcare.billing.services.rebill_batch import batch_bills, rebill_batch_preview

    town = read_account
    account = town.account
    _prepaid(account, "100.00")
    clerk = billing_clerk(town)
    data = move_data(date(2026, 11, 17), "1150.00", refund=BANK, **NEW)
    move, _created = account_move_in(scope=scope_for(clerk), actor=clerk, account=account, data=data)
    Reading.objects.create(
        account=account, period="2026-11", read_on=date(2026, 11, 30), register=D(1300), kwh=D(300), kwh_flat=D(300)
    )
    bill_run_start(period="2026-11", read_ahead=False)
    final = Bill.objects.get(pk=move.bill_id)
    regular = Bill.objects.get(account=account, period="2026-11", segment=0)
    before = _snapshot()
    for bill, says in ((final, "末期账单"), (regular, "本月已办理过户")):
        with pytest.raises(CorrectionRefused, match=says):
            correction_request(
                scope=scope_for(town.admin),
                actor=town.admin,
                bill=bill,
                data=CorrectionIn(reason="reading", note="示数有误", request_key=f"k-{bill.pk}", kwh=D(100)),
            )
    assert _snapshot() == before
    assert list(batch_bills("2026-11", "RES-M")) == []
    preview = rebill_batch_preview(scope=scope_for(town.admin), period="2026-11", tariff_code="RES-M")
    assert (preview.bills, preview.changed, preview.apart) == (0, 0, 2)
    assert batch_sentence("2026-11", "RES-M", preview).endswith(
        "另有 2 张账单（过户、销户当月或估抄结算的账单）按各自规则计费，不在批量内，请逐户更正。"
    )
