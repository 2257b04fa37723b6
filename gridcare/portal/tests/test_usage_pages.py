"""The customer's bill detail and usage pages (SELF-2; issue 15): the 阶梯电量 table, charges,
penalty and payments, the PDF, three years by month as a chart with its table, the daily usage only
where interval data exist (else said so), the forecast with how it was made; the 用电 tab; another
customer's account or bill is a 404; every new page reads in English."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.conf import settings as django_settings

from gridcare.billing.models import Bill, IntervalReading, ReadingImport
from gridcare.billing.services.bill_run import bill_run_start
from gridcare.billing.tests.helpers import billable, reading, tariffs
from gridcare.core.testing import City
from gridcare.core.timezone import SHANGHAI
from gridcare.customers.rules import mask_name
from gridcare.notices.models import PublicationStatus
from gridcare.notices.services.outages import NewOutage, outage_register
from gridcare.notices.services.publications import PublicationData, publication_create, publication_transition
from gridcare.org.access import scope_for
from gridcare.portal import usage_views
from gridcare.portal.tests.conftest import Customer
from gridcare.portal.tests.test_pay_pages import page_client

TODAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(usage_views, "business_date", lambda: TODAY)


def _billed(town: City) -> None:
    tariffs()
    billable(town.account)
    for period, kwh in (("2025-06", "350"), ("2026-01", "1500"), ("2026-02", "1300"), ("2026-03", "400")):
        reading(town.account, period, kwh)
        bill_run_start(period=period, read_ahead=False)
    Bill.objects.update(due_date=date(2030, 1, 25))


def test_the_bill_page_shows_its_tiers_charges_and_pdf(town: City, zhang: Customer) -> None:
    _billed(town)
    no = town.account.account_no
    client = page_client(zhang.user)
    bills = client.get(f"/portal/accounts/{no}/bills/").content.decode()
    assert f'href="/portal/accounts/{no}/bills/2026-02/?segment=0"' in bills
    page = client.get(f"/portal/accounts/{no}/bills/2026-02/").content.decode()
    assert "2026-02 电费账单" in page and "阶梯电量" in page
    assert "按年累计：本期之前今年已用 1500.00 千瓦时，本期之后累计 2800.00 千瓦时。" in page
    rows = re.findall(
        r'<tr( class="p-hit")?><th scope="row">(第\d档)</th>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td><td>([^<]*)</td>',
        page,
    )
    assert rows == [
        (' class="p-hit"', "第1档", "0–2760", "1260.00", "0.5380"),
        (' class="p-hit"', "第2档", "2760–4800", "40.00", "0.5880"),
        ("", "第3档", "4800 以上", "0", "0.8380"),
    ]
    assert "¥701.40" in page  # 1,260 × 0.538 + 40 × 0.588 = 677.88 + 23.52
    assert "本期还没有缴费。" in page and "违约金（截至今日）" in page
    assert f'href="/portal/accounts/{no}/bills/2026-02/pdf/?segment=0"' in page
    pdf = client.get(f"/portal/accounts/{no}/bills/2026-02/pdf/")
    assert (pdf.status_code, pdf["Content-Type"], pdf.content[:5]) == (200, "application/pdf", b"%PDF-")


def test_the_usage_page_charts_three_years_says_there_is_no_daily_data_and_forecasts(
    town: City, zhang: Customer
) -> None:
    _billed(town)
    no = town.account.account_no
    client = page_client(zhang.user)
    assert client.get("/portal/usage/")["Location"] == f"/portal/accounts/{no}/usage/"  # the only account
    page = client.get(f"/portal/accounts/{no}/usage/").content.decode()
    data = json.loads(re.search(r'<script id="usage-data" type="application/json">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    assert (data["months"], data["kwh"], data["days"]) == (
        ["2025-06", "2026-01", "2026-02", "2026-03"],
        [350.0, 1500.0, 1300.0, 400.0],
        [],
    )
    assert 'id="usage-monthly-chart"' in page and "/static/vendor/echarts/echarts.min.js" in page
    assert "该户号没有采集日用电数据（负荷曲线），暂不能显示每日用电；月度用电以抄表结算为准。" in page
    assert 'id="usage-daily-chart"' not in page
    # June last year 350 kWh; no trend (March–May of both years not all billed).
    assert "预计约 <strong>350.00</strong> 千瓦时" in page and "按去年同月用电 350.00 千瓦时推算。" in page
    batch = ReadingImport.objects.create(file_name="curve.csv", kind="interval")
    first = datetime(2026, 6, 1, tzinfo=SHANGHAI)
    IntervalReading.objects.bulk_create(
        IntervalReading(account=town.account, starts_at=first + timedelta(hours=h), kwh=Decimal("0.25"), batch=batch)
        for h in range(24 * 14)
    )
    daily = client.get(f"/portal/accounts/{no}/usage/").content.decode()
    assert 'id="usage-daily-chart"' in daily and '<th scope="row">2026-06-14</th><td>6.00</td>' in daily
    assert "按本月已过 14 天的日均用电 6.00 千瓦时推算。" in daily and "预计约 <strong>180.00</strong> 千瓦时" in daily


def test_another_customers_account_and_bill_are_not_found(town: City, zhang: Customer, li: Customer) -> None:
    _billed(town)
    no = town.account.account_no
    client = page_client(li.user)
    for url in (
        f"/portal/accounts/{no}/bills/2026-02/",
        f"/portal/accounts/{no}/bills/2026-02/pdf/",
        f"/portal/accounts/{no}/usage/",
    ):
        assert client.get(url).status_code == 404, url
    assert page_client(zhang.user).get(f"/portal/accounts/{no}/bills/2027-02/").status_code == 404


def test_every_new_page_is_english_when_chosen(town: City, zhang: Customer) -> None:
    from gridcare.core.tests.probes.test_english_pages import _data_runs, _english_text, _runs

    _billed(town)
    start = datetime.now(SHANGHAI) + timedelta(days=8)
    outage_register(
        scope=scope_for(town.planner),
        actor=town.planner,
        data=NewOutage(
            kind="planned", reason="线路检修", starts_at=start, ends_at=start + timedelta(hours=4), areas=["T1"]
        ),
    )
    made = publication_create(
        scope=scope_for(town.admin),
        actor=town.admin,
        data=PublicationData(title="电价调整", body="自下月起执行。", kind="tariff", area="unit", unit="U1"),
    )
    publication_transition(
        scope=scope_for(town.admin), actor=town.admin, publication=made, to=PublicationStatus.PUBLISHED
    )
    client = page_client(zhang.user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    masked = _runs(mask_name(town.account.customer.name))
    no = town.account.account_no
    for url in (
        "/portal/",
        f"/portal/accounts/{no}/bills/2026-02/",
        f"/portal/accounts/{no}/bills/",
        f"/portal/accounts/{no}/usage/",
        "/portal/accounts/",
        "/portal/outages/",
        "/portal/preferences/",
        "/portal/notices/",
        f"/portal/notices/{made.pk}/",
    ):
        text = _english_text(client, url)
        assert text is not None, url
        assert sorted(_runs(text) - _data_runs() - masked) == [], url
