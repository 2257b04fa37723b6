from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

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
