from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from gridcare.billing.models import Bill
from gridcare.billing.tests.helpers import issued_bill
from gridcare.core.testing import City, api_client
from gridcare.core.timezone import SHANGHAI


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Business date 2026-12-05 in Shanghai."""
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 5, 9, 0, tzinfo=SHANGHAI))


def test_the_due_lookup_gives_what_a_payment_channel_shows(town: City, clock: None) -> None:
    issued_bill(town.account, "2026-10", "300.00", date(2026, 11, 25))  # 10 days late: 3.00
    issued_bill(town.account, "2026-11", "120.50", date(2026, 12, 25))  # not yet due
    answer = api_client(town.clerk).get(f"/api/v1/accounts/{town.account.account_no}/due")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["name"], body["address"], body["supply_unit"]) == ("张*", "上城区解放路1号1幢101室", "城区供电所")
    assert (body["principal"], body["penalty"], body["amount_due"]) == ("420.50", "3.00", "423.50")
    assert [(b["period"], b["penalty"]) for b in body["bills"]] == [("2026-10", "3.00"), ("2026-11", "0.00")]


@pytest.mark.parametrize("persona", ["outsider", "foreign_clerk"])
def test_people_outside_the_company_get_404_for_the_due_lookup(town: City, persona: str) -> None:
    answer = api_client(town.users[persona]).get(f"/api/v1/accounts/{town.account.account_no}/due")
    assert answer.status_code == 404


def test_a_unit_supervisor_cannot_see_another_units_account(town: City) -> None:
    client = api_client(town.supervisor)
    assert client.get(f"/api/v1/accounts/{town.other_unit_account.account_no}/due").status_code == 404
    assert client.get(f"/api/v1/accounts/{town.account.account_no}/due").json()["amount_due"] == "0.00"


def test_unknown_account_is_404(town: City) -> None:
    assert api_client(town.clerk).get("/api/v1/accounts/0000000000/due").status_code == 404


def test_penalty_grows_with_the_days(town: City, monkeypatch: pytest.MonkeyPatch) -> None:
    issued_bill(town.account, "2026-10", "300.00", date(2026, 11, 25))
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 25, 9, 0, tzinfo=SHANGHAI))
    body = api_client(town.clerk).get(f"/api/v1/accounts/{town.account.account_no}/due").json()
    assert Decimal(body["penalty"]) == Decimal("9.00")


def test_the_portal_homes_glance_is_account_due_and_the_latest_bill(town: City, clock: None) -> None:
    """``accounts_at_a_glance`` (two hand-written reads for the portal's home page) gives exactly
    what ``account_due`` and the bill history give, account by account: open bills oldest first
    with their penalties, the prepaid balance, the latest bill (paid or not)."""
    from gridcare.billing.models import PrepaidBalance
    from gridcare.billing.selectors import account_due, accounts_at_a_glance, bill_history

    issued_bill(town.account, "2026-09", "88.80", date(2026, 10, 25))
    paid = issued_bill(town.account, "2026-10", "300.00", date(2026, 11, 25))
    issued_bill(town.account, "2026-11", "120.50", date(2026, 12, 25))
    Bill.objects.filter(pk=paid.pk).update(paid=Decimal("300.00"), status="paid")
    latest_paid = issued_bill(town.other_unit_account, "2026-11", "45.00", date(2026, 12, 25))
    Bill.objects.filter(pk=latest_paid.pk).update(paid=Decimal("45.00"), status="paid")
    PrepaidBalance.objects.create(account=town.other_unit_account, balance=Decimal("12.34"))
    accounts = [town.account, town.other_unit_account]
    on = date(2026, 12, 5)
    glance = accounts_at_a_glance(accounts=accounts, on=on)
    for account in accounts:
        due, latest = glance[account.pk]
        expected = account_due(account=account, on=on)
        assert [(b.bill.pk, b.principal, b.penalty) for b in due.bills] == [
            (b.bill.pk, b.principal, b.penalty) for b in expected.bills
        ]
        assert (due.principal, due.penalty, due.prepaid) == (expected.principal, expected.penalty, expected.prepaid)
        assert latest == bill_history(account=account).first()
    assert [b.bill.period for b in glance[town.account.pk][0].bills] == ["2026-09", "2026-11"]
    assert glance[town.account.pk][0].principal == Decimal("209.30")
    assert glance[town.account.pk][0].penalty > 0
    assert glance[town.other_unit_account.pk][0].prepaid == Decimal("12.34")
    assert glance[town.other_unit_account.pk][0].bills == []
    assert accounts_at_a_glance(accounts=[], on=on) == {}
