"""The diagnosis page and its PDF per post (KEY-3): the rules' numbers in sentences, tables and
charts (data through json_script, a static script, no inline script), the period and the share
on their fields, the PDF in Chinese with every character in the house font and the rules' numbers."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from reportlab.pdfbase.ttfonts import TTFontFile

from gridcare.billing import pdf
from gridcare.core.testing import City, signed_in
from gridcare.core.timezone import business_date
from gridcare.keyaccounts import diagnosis_report as report
from gridcare.keyaccounts.diagnosis_pdf import diagnosis_pdf, pdf_texts
from gridcare.keyaccounts.rules import diagnosis as rules
from gridcare.keyaccounts.selectors_loads import account_diagnosis
from gridcare.keyaccounts.services.loads import load_import
from gridcare.keyaccounts.tests.portfolio_helpers import portfolio_city
from gridcare.org.access import scope_for
from gridcare.org.models import Staff

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 2)  # a Monday
KW = [100.0 if 480 <= m < 660 else 40.0 for m in range(0, 1440, 15)]


@pytest.fixture
def town(town: City) -> City:
    account = town.account
    account.key_account_manager = Staff.objects.get(user=town.kam)
    account.contract_capacity_kva = Decimal(80)
    account.save(update_fields=["key_account_manager", "contract_capacity_kva"])
    lines = ["户号,时间,有功功率(kW),无功功率(kvar)"]
    for i, m in enumerate(range(0, 1440, 15)):
        lines.append(f"{account.account_no},{DAY} {m // 60:02d}:{m % 60:02d},{KW[i]},{KW[i] / 2}")
    data = ("\n".join(lines) + "\n").encode()
    done = load_import(scope=scope_for(town.kam), actor=town.kam, file_name="a.csv", data=data)
    assert done.status == "imported"
    return town


def url(town: City, query: str = f"start={DAY}&end={DAY}") -> str:
    return f"/key-accounts/{town.account.account_no}/diagnosis/?{query}"


def test_the_page_shows_the_rules_numbers_in_sentences_tables_and_charts(town: City) -> None:
    answer = signed_in(town.kam).get(url(town))
    assert answer.status_code == 200
    made = answer.context["report"]
    expected = account_diagnosis(account=town.account, first=DAY, last=DAY)
    profile = rules.load_profile(KW, interval_minutes=15)
    assert made.diagnosis.profile == expected.profile == profile
    assert profile.energy_kwh == 1140.0 and profile.load_factor == pytest.approx(0.475)
    text = answer.content.decode()
    assert "2026-11-02 至 2026-11-02 共用电 1,140.00 kWh，最大需量 100.0 kW（2026-11-02 08:00）" in text
    assert "平均负荷 47.5 kW，基础负荷 40.0 kW，负荷率 47.5%" in text
    assert f"本期功率因数 {expected.power_factor}" in text and expected.power_factor == Decimal("0.89")
    assert ["峰移谷可节省（元）", report.yuan(expected.shift_saving)] in made.money
    assert "超过合同容量的警戒值 76.0 kVA" in text  # the anomaly as a sentence
    for chart in ("diag-curve", "diag-heat", "diag-profiles", "diag-split"):
        assert re.search(rf'id="{chart}" role="img" aria-label="[^"]+数据见下表"', text)
    assert 'id="diagnosis-data" type="application/json"' in text
    assert "/static/vendor/echarts/echarts.min.js" in text and "/static/keyaccounts/diagnosis.js" in text
    assert all("src=" in tag or "application/json" in tag for tag in re.findall(r"<script[^>]*>", text))
    charts = answer.context["charts"]
    assert charts["weekday"] == expected.weekday_hours and charts["split"] == [
        float(expected.split[k]) for k in ("peak", "flat", "valley")
    ]
    assert len(charts["curve"]) == 96 and charts["curve"][32] == ["2026-11-02 08:00", 100.0]
    assert "basic_charge" not in text and "demand_near_capacity" not in text  # no internals


def test_the_default_period_is_the_30_days_up_to_yesterday(town: City) -> None:
    made = signed_in(town.kam).get(url(town, "")).context["report"]
    yesterday = business_date() - timedelta(days=1)
    assert (made.diagnosis.first, made.diagnosis.last) == (yesterday - timedelta(days=29), yesterday)


def test_the_share_to_shift_is_a_field(town: City) -> None:
    answer = signed_in(town.kam).get(url(town, f"start={DAY}&end={DAY}&shift=50"))
    made = answer.context["report"]
    d = made.diagnosis
    assert "若把峰段用电的 50% 移到谷段" in answer.content.decode()
    assert answer.context["form"]["shift"].value() == "50"
    prices = rules.TouPrices(Decimal(0), Decimal(0), Decimal(0))  # the city's account has no tariff
    assert d.shift_percent == Decimal(50)
    assert d.shift_saving == rules.shift_saving(d.split["peak"], share_percent=Decimal(50), prices=prices)


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("start=2026-13-01", "start", "日期格式应为 YYYY-MM-DD。"),
        (f"start={DAY}&end=2026-11-01", "end", "结束日期不能早于开始日期。"),
        ("start=2025-01-01&end=2026-11-02", "end", "一次最多诊断 366 天。"),
        (f"start={DAY}&end={DAY}&shift=150", "shift", "请填写 0 到 100 之间的数。"),
        (f"start={DAY}&end={DAY}&shift=abc", "shift", "请填写 0 到 100 之间的数。"),
        ("start=" + "9" * 5000 + "&end=2026-11-02", "start", "日期格式应为 YYYY-MM-DD。"),
    ],
)
def test_a_bad_period_is_refused_on_its_field(town: City, query: str, field: str, message: str) -> None:
    answer = signed_in(town.kam).get(url(town, query))
    assert answer.status_code == 200 and answer.context["report"] is None
    assert message in answer.context["form"].errors[field]
    pdf_answer = signed_in(town.kam).get(f"/key-accounts/{town.account.account_no}/diagnosis.pdf?{query}")
    assert pdf_answer.status_code == 302


def test_the_pdf_is_in_chinese_with_the_rules_numbers(town: City) -> None:
    answer = signed_in(town.kam).get(f"/key-accounts/{town.account.account_no}/diagnosis.pdf?start={DAY}&end={DAY}")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    assert b"GridcareSansSC" in set(re.findall(rb"/BaseFont /(?:[A-Z]{6}\+)?([A-Za-z0-9-]+)", answer.content))
    d = account_diagnosis(account=town.account, first=DAY, last=DAY)
    made = report.report(town.account, d)
    texts = pdf_texts(made)
    printed = {ord(c) for t in texts for c in t if not c.isspace()}
    assert printed - set(TTFontFile(str(pdf.FONT_FILE)).charToGlyph) == set()
    profile = rules.load_profile(KW, interval_minutes=15)
    assert ["用电量（kWh）", report.kwh(profile.energy_kwh)] in made.figures
    assert ["最大需量（kW）", report.kw(profile.max_kw)] in made.figures
    assert ["负荷率", f"{profile.load_factor * 100:.1f}%"] in made.figures
    assert ["电度电费（元）", report.yuan(d.energy_charge)] in made.money
    assert ["功率因数", str(d.power_factor)] in made.money
    split = rules.band_split(rules.LoadSeries(*_series(town)), [])
    assert made.split[1][1] == report.kwh(split["flat"]) == "1,140.00"  # no TOU bands: all flat
    assert ["按容量计收（元）", report.yuan(d.basic.capacity_total)] in made.basic_totals
    assert diagnosis_pdf(made).startswith(b"%PDF")


def _series(town: City) -> tuple[object, ...]:
    import numpy as np

    from gridcare.keyaccounts.selectors_loads import beijing_midnight
    from gridcare.keyaccounts.store import load_store

    r = load_store().read(
        account_no=town.account.account_no, start=beijing_midnight(DAY), end=beijing_midnight(DAY + timedelta(days=1))
    )
    return (r.ts, np.asarray(r.kw), np.asarray(r.kvar), 15)


def test_access_per_post(town: City) -> None:
    no = town.account.account_no
    for path in (url(town), f"/key-accounts/{no}/diagnosis.pdf?start={DAY}&end={DAY}"):
        assert signed_in(town.kam).get(path).status_code == 200
        assert signed_in(town.supervisor).get(path).status_code == 200
        assert signed_in(town.planner).get(path).status_code == 200  # read only, the company's
        assert signed_in(town.community).get(path).status_code == 403
        assert signed_in(town.clerk).get(path).status_code == 403
        assert signed_in(town.other_supervisor).get(path).status_code == 404
    other = portfolio_city(town).other_kam
    assert signed_in(other).get(url(town)).status_code == 404  # another manager's account
    assert signed_in(town.kam).get("/key-accounts/0000000000/diagnosis/").status_code == 404
    planner_page = signed_in(town.planner).get(url(town)).content.decode()
    assert f'href="/key-accounts/{no}/"' not in planner_page  # no portfolio: no link to the account page
