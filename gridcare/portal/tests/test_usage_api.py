"""The app's bill in depth, usage and forecast (SELF-2; issue 15): GET /api/v1/portal/accounts/
{no}/bills/{period} (its tier usage is the bill's own computation, the penalty to date, what was
paid), …/pdf, …/usage?months=, …/usage/daily (only where interval data exist), …/forecast; another
customer's account or bill is a 404 and staff credentials a 401, with nothing written."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from gridcare.billing.models import Bill, IntervalReading, ReadingImport
from gridcare.billing.rules.bill_penalty import bill_penalty
from gridcare.billing.rules.compute import Usage, energy_charge
from gridcare.billing.services.bill_run import bill_run_start
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.billing.tests.helpers import billable, issued_bill, reading, tariffs
from gridcare.core.testing import City, api_client
from gridcare.core.timezone import SHANGHAI
from gridcare.org.access import scope_for
from gridcare.portal import usage_api, usage_views
from gridcare.portal.tests.conftest import Customer

TODAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in (usage_api, usage_views):
        monkeypatch.setattr(module, "business_date", lambda: TODAY)


def _url(town: City, tail: str = "") -> str:
    return f"/api/v1/portal/accounts/{town.account.account_no}{tail}"


def _billed(town: City) -> list[Bill]:
    """January to May 2026 billed by real bill runs (RES-TIER, yearly tiers 2,760 / 4,800)."""
    tariffs()
    billable(town.account)
    for period, kwh in (
        ("2026-01", "1500"),
        ("2026-02", "1200"),
        ("2026-03", "900"),
        ("2026-04", "400"),
        ("2026-05", "300"),
    ):
        reading(town.account, period, kwh)
        bill_run_start(period=period, read_ahead=False)
    return list(Bill.objects.filter(account=town.account).order_by("period"))


def test_a_bill_in_depth_with_its_tier_usage_penalty_and_payments(town: City, zhang: Customer) -> None:
    bills = _billed(town)
    feb = bills[1]  # 1,500 kWh before it: its 1,200 all in tier 1 (up to 2,760)
    Bill.objects.update(due_date=date(2030, 1, 25))  # none overdue on the real clock the payment is posted on
    payment_post(
        scope=scope_for(town.clerk),
        actor=town.clerk,
        data=PaymentIn(
            channel="counter_cash",
            channel_txn_id="T-1",
            account_no=town.account.account_no,
            amount=Decimal("100.00"),
            paid_at=timezone.now(),
        ),
    )
    answer = zhang.api().get(_url(town, "/bills/2026-02"))
    assert answer.status_code == 200, answer.content
    body = answer.json()
    feb.refresh_from_db()
    assert body["tier_usage"] == {
        "period_kind": "yearly",
        "prior_kwh": "1500.00",
        "after_kwh": "2700.00",
        "increments_only": False,
        "tiers": [
            {"tier": 1, "low_kwh": "0.00", "high_kwh": "2760.00", "kwh": "1200.00", "price": "0.5380"},
            {"tier": 2, "low_kwh": "2760.00", "high_kwh": "4800.00", "kwh": "0.00", "price": "0.5880"},
            {"tier": 3, "low_kwh": "4800.00", "high_kwh": None, "kwh": "0.00", "price": "0.8380"},
        ],
    }
    assert body["energy_charge"] == str(feb.energy_charge) == "645.60"  # 1,200 × 0.538
    march = zhang.api().get(_url(town, "/bills/2026-03")).json()
    # 2,700 before March: 60 kWh in tier 1, 840 in tier 2 — the bill's own charge.
    assert [t["kwh"] for t in march["tier_usage"]["tiers"]] == ["60.00", "840.00", "0.00"]
    assert Decimal(march["energy_charge"]) == energy_charge(bills[2].tariff, Usage(kwh=Decimal(900)), Decimal(2700))
    assert Decimal(march["energy_charge"]) == Decimal("526.20")  # 60 × 0.538 + 840 × 0.588
    # The payment went to the oldest bill first (January).
    jan = zhang.api().get(_url(town, "/bills/2026-01")).json()
    assert [(p["channel"], p["principal"]) for p in jan["payments"]] == [("营业厅现金", "100.00")]
    assert (jan["paid"], jan["owed"], jan["penalty_to_date"]) == ("100.00", str(bills[0].amount - 100), "0.00")
    assert jan["pdf_url"] == f"http://testserver/portal/accounts/{town.account.account_no}/bills/2026-01/pdf/"
    Bill.objects.filter(period="2026-03").update(due_date=TODAY - timedelta(days=10))
    late = Bill.objects.select_related("account").get(period="2026-03")
    overdue = zhang.api().get(_url(town, "/bills/2026-03")).json()
    assert overdue["penalty_to_date"] == str(bill_penalty(late, TODAY)) != "0.00"
    assert Decimal(overdue["owed"]) == late.amount + bill_penalty(late, TODAY)
    pdf = zhang.api().get(_url(town, "/bills/2026-01/pdf"))
    assert (pdf.status_code, pdf["Content-Type"], pdf.content[:5]) == (200, "application/pdf", b"%PDF-")


def test_usage_by_month_by_day_and_the_forecast(town: City, zhang: Customer) -> None:
    _billed(town)
    months = zhang.api().get(_url(town, "/usage?months=36")).json()
    assert [(m["period"], m["kwh"]) for m in months] == [
        ("2026-01", "1500.00"),
        ("2026-02", "1200.00"),
        ("2026-03", "900.00"),
        ("2026-04", "400.00"),
        ("2026-05", "300.00"),
    ]
    assert [m["period"] for m in zhang.api().get(_url(town, "/usage?months=3")).json()] == ["2026-04", "2026-05"]
    assert zhang.api().get(_url(town, "/usage?months=abc")).status_code == 200  # the default, not a 500
    assert zhang.api().get(_url(town, "/usage/daily")).json() == {"available": False, "days": []}
    # No June last year: the mean of March-May, 533.33 kWh, at the year's tiers after 4,300 kWh.
    forecast = zhang.api().get(_url(town, "/forecast")).json()
    assert forecast == {
        "period": "2026-06",
        "available": True,
        "kwh": "533.33",
        "method": "recent",
        "basis_kwh": "533.33",
        "trend": None,
        "days": 0,
        "amount": "321.93",  # 500 × 0.588 + 33.33 × 0.838 = 294.00 + 27.93
    }
    batch = ReadingImport.objects.create(file_name="curve.csv", kind="interval")
    first = datetime(2026, 6, 1, tzinfo=SHANGHAI)
    IntervalReading.objects.bulk_create(
        IntervalReading(account=town.account, starts_at=first + timedelta(hours=h), kwh=Decimal("0.50"), batch=batch)
        for h in range(24 * 14)  # 1-14 June, 12 kWh a day
    )
    daily = zhang.api().get(_url(town, "/usage/daily?days=3")).json()
    assert daily == {
        "available": True,
        "days": [{"day": "2026-06-13", "kwh": "12.00"}, {"day": "2026-06-14", "kwh": "12.00"}],
    }
    run_rate = zhang.api().get(_url(town, "/forecast")).json()
    assert (run_rate["method"], run_rate["kwh"], run_rate["basis_kwh"], run_rate["days"]) == (
        "daily",
        "360.00",
        "12.00",
        14,
    )


def test_nothing_to_forecast_from_says_so(town: City, zhang: Customer) -> None:
    assert zhang.api().get(_url(town, "/forecast")).json() == {
        "period": "2026-06",
        "available": False,
        "kwh": None,
        "method": "",
        "basis_kwh": None,
        "trend": None,
        "days": 0,
        "amount": None,
    }


def test_another_customers_account_and_a_missing_bill_are_not_found(town: City, zhang: Customer, li: Customer) -> None:
    issued_bill(town.account, "2026-05", "88.00", date(2030, 1, 25))
    for tail in ("/bills/2026-05", "/bills/2026-05/pdf", "/usage", "/usage/daily", "/forecast"):
        answer = li.api().get(_url(town, tail))
        assert answer.status_code == 404, tail
        assert answer.json()["detail"] == "没有找到这个户号，或尚未绑定。"
    for period in ("2026-04", "2026-13", "x", "2026-05-01"):
        missing = zhang.api().get(_url(town, f"/bills/{period}"))
        assert (missing.status_code, missing.json()["detail"]) == (404, "没有找到这期账单。"), period


def test_staff_credentials_and_nobody_are_refused(town: City) -> None:
    issued_bill(town.account, "2026-05", "88.00", date(2030, 1, 25))
    for client in (api_client(town.admin), api_client(town.clerk), Client()):
        for tail in ("/bills/2026-05", "/bills/2026-05/pdf", "/usage", "/usage/daily", "/forecast"):
            assert client.get(_url(town, tail)).status_code == 401, tail
        for path in ("/api/v1/portal/outages", "/api/v1/portal/preferences", "/api/v1/portal/notices"):
            assert client.get(path).status_code == 401, path
        put = client.put(
            "/api/v1/portal/preferences",
            {"account_no": town.account.account_no, "opted_out": True},
            content_type="application/json",
        )
        assert put.status_code == 401
    assert not town.account.customer.contacts.filter(opted_out=True).exists()
