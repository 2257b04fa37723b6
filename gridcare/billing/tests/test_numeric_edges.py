"""Security review finding 17 (billing): every period, business date and Decimal a user gives is
checked against its window or column at the edge, on every path; nothing answers 500 and a
refusal writes nothing."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import partial

import pytest
from pytest_django import Settings

from gridcare.billing import forms
from gridcare.billing.exceptions import BillingError
from gridcare.billing.models import (
    Bill,
    BillRun,
    DebitBatch,
    DunningStep,
    DunningStepKind,
    PenaltyWaiver,
    Reading,
    Tariff,
)
from gridcare.billing.rules import bill_dates
from gridcare.billing.rules.bill_dates import period_start
from gridcare.billing.services.arrears import dunning_record
from gridcare.billing.services.debit import debit_batch_export
from gridcare.billing.services.readings import readings_import
from gridcare.billing.services.tariffs import tariff_create
from gridcare.billing.tests.helpers import billable, billing_clerk, issued_bill, tariff_form, tariffs
from gridcare.core.testing import City, signed_in
from gridcare.core.timezone import SHANGHAI
from gridcare.org.access import NOBODY, scope_for

WINDOW = "账期须在 2000-01 至 2027-11 之间。"
DAYS = "日期须在 2000-01 至 2027-11 之间。"
FORMAT = "账期格式应为 YYYY-MM，如 2026-10。"


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> date:
    """The current Shanghai month is 2026-11: the window is 2000-01 … 2027-11."""
    monkeypatch.setattr(bill_dates, "business_date", lambda: date(2026, 11, 20))
    return date(2026, 11, 20)


BAD_PERIODS = [
    ("9999-12", WINDOW),
    ("0000-01", WINDOW),
    ("1999-12", WINDOW),
    ("2027-12", WINDOW),
    ("2026-13", FORMAT),
    ("2026-00", FORMAT),
    ("abcd", FORMAT),
    ("", FORMAT),
    ("2026-1", FORMAT),
]


@pytest.mark.parametrize(("period", "message"), BAD_PERIODS)
def test_period_start_refuses_a_period_outside_the_window(period: str, message: str) -> None:
    with pytest.raises(BillingError) as refused:
        period_start(period)
    assert (refused.value.message, refused.value.errors) == (message, {"period": message})


@pytest.mark.parametrize(("period", "first"), [("2000-01", date(2000, 1, 1)), ("2027-11", date(2027, 11, 1))])
def test_the_window_ends_are_accepted(period: str, first: date) -> None:
    assert period_start(period) == first


def test_the_window_follows_the_settings(settings: Settings) -> None:
    settings.GRIDCARE_BILLING = {
        **settings.GRIDCARE_BILLING,
        "PERIOD_EARLIEST": "2020-06",
        "PERIOD_MONTHS_AHEAD": 2,
    }
    assert bill_dates.period_window() == (date(2020, 6, 1), date(2027, 1, 1))
    assert bill_dates.period_error("2027-02") == "账期须在 2020-06 至 2027-01 之间。"


@pytest.mark.parametrize(("period", "message"), BAD_PERIODS)
def test_the_bill_run_page_refuses_the_period_and_opens_no_run(town: City, period: str, message: str) -> None:
    answer = signed_in(town.admin).post("/billing/runs/", {"period": period, "unit": ""})
    assert answer.status_code == 200
    expected = "这个字段是必填项。" if period == "" else message
    assert answer.context["form"].errors == {"period": [expected]}
    assert BillRun.objects.count() == 0


@pytest.mark.parametrize(
    ("period", "on", "errors"),
    [
        ("9999-12", "2026-11-20", {"period": [WINDOW]}),
        ("abcd", "2026-11-20", {"period": [FORMAT]}),
        ("2026-10", "0001-01-01", {"on": [DAYS]}),
        ("2026-10", "9999-12-31", {"on": [DAYS]}),
        ("2026-10", "2027-12-01", {"on": [DAYS]}),
    ],
)
def test_the_debit_export_page_refuses_and_makes_no_batch(
    town: City, period: str, on: str, errors: dict[str, list[str]]
) -> None:
    client = signed_in(billing_clerk(town))
    answer = client.post("/billing/debit/", {"bank_code": "ICBC", "period": period, "on": on, "unit": ""})
    assert (answer.status_code, answer.context["form"].errors) == (200, errors)
    assert DebitBatch.objects.count() == 0


@pytest.mark.parametrize("on", [date(1, 1, 1), date(9999, 12, 31)])
def test_the_debit_export_service_refuses_a_date_outside_the_window(town: City, on: date) -> None:
    with pytest.raises(BillingError) as refused:
        debit_batch_export(
            scope=scope_for(town.admin), actor=town.admin, bank_code="ICBC", unit_code=None, period="2026-10", on=on
        )
    assert refused.value.errors == {"on": DAYS}
    assert DebitBatch.objects.count() == 0


@pytest.mark.parametrize(("period", "message"), [("9999-12", WINDOW), ("2026-13", FORMAT), ("abcd", FORMAT)])
def test_a_reading_file_with_a_period_outside_the_window_imports_nothing(town: City, period: str, message: str) -> None:
    tariffs()
    account = billable(town.account)
    content = f"户号,账期,抄表日期,上次示数,本次示数\n{account.account_no},{period},2026-10-28,1200,1250\n".encode()
    with pytest.raises(BillingError) as refused:
        readings_import(file_name="r.csv", content=content, actor=town.admin)
    assert refused.value.errors == {"第2行": message}
    assert Reading.objects.count() == 0


@pytest.mark.parametrize("period", ["9999-12", "0000-01", "2026-13", "abcd"])
def test_a_waiver_for_a_period_outside_the_window_is_refused(town: City, period: str) -> None:
    tariffs()
    issued_bill(town.account, "2026-10", "100.00", date(2026, 11, 25))
    client = signed_in(town.admin)
    url = f"/billing/accounts/{town.account.account_no}/waiver/"
    answer = client.post(url, {"period": period, "reason": "系统故障"})
    assert answer.status_code == 200  # the page again, the period refused on its field
    assert answer.context["waiver_form"].errors == {"period": ["请选择一张待缴的账单。"]}
    assert PenaltyWaiver.objects.count() == 0


@pytest.mark.parametrize("on", ["0001-01-01", "9999-12-31", "1999-12-31"])
def test_a_dunning_step_on_a_date_outside_the_window_records_nothing(town: City, on: str) -> None:
    tariffs()
    bill = issued_bill(town.account, "2026-10", "100.00", date(2026, 11, 25))
    client = signed_in(billing_clerk(town))
    answer = client.post(f"/billing/dunning/bills/{bill.pk}/step/", {"step": "notice", "on": on})
    assert answer.status_code == 200  # the page again, the date refused on its field
    assert f'<span class="error">{DAYS}</span>' in answer.content.decode()
    assert forms.DunningStepForm({"step": "notice", "on": on}).errors == {"on": [DAYS]}
    assert DunningStep.objects.count() == 0


@pytest.mark.parametrize("on", [date(1, 1, 1), date(9999, 12, 31)])
def test_the_dunning_service_refuses_a_date_outside_the_window(town: City, on: date) -> None:
    tariffs()
    bill = issued_bill(town.account, "2026-10", "100.00", date(2026, 11, 25))
    with pytest.raises(BillingError) as refused:
        dunning_record(bill=bill, step=DunningStepKind.NOTICE, on=on, actor=town.admin)
    assert refused.value.errors == {"on": DAYS}
    assert DunningStep.objects.count() == 0


@pytest.mark.parametrize(
    ("form", "data", "errors"),
    [
        (forms.ReconnectionForm, {"at": "0001-01-01 10:00"}, {"at": [DAYS]}),
        (
            partial(forms.ReconciliationForm, scope=NOBODY),
            {"channel": "wechat", "business_date": "9999-12-31"},
            {"business_date": [DAYS]},
        ),
        (forms.ResolveForm, {"action": "corrected", "kwh": "1e300"}, {"kwh": ["确认总共不超过 14 个数字."]}),
        (forms.ResolveForm, {"action": "corrected", "kwh": "NaN"}, {"kwh": ["输入一个数字。"]}),
    ],
)
def test_the_page_forms_refuse_numbers_and_dates_beyond_their_columns(
    form: type[forms.forms.Form], data: dict[str, str], errors: dict[str, list[str]]
) -> None:
    found = {k: v for k, v in form(data).errors.items() if k in errors}
    assert found == errors


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("price", "1e300", "确认总共不超过 10 个数字."),
        ("price", "NaN", "输入一个数字。"),
        ("price", "Infinity", "输入一个数字。"),
        ("price", "99999999999999999999", "确认总共不超过 10 个数字."),
        ("price", "0.12345", "确认小数不超过 4 位."),
        ("valley_price", "-0.1", "不得小于 0。"),
        ("tier1_kwh", "1e300", "确认总共不超过 14 个数字."),
        ("effective_from", "0001-01-01", DAYS),
        ("effective_from", "9999-12-31", DAYS),
    ],
)
def test_the_tariff_page_refuses_prices_beyond_their_columns(town: City, field: str, value: str, message: str) -> None:
    base = tariffs()["RES-TOU"]
    before = Tariff.objects.count()
    answer = signed_in(town.admin).post(f"/billing/tariffs/{base.pk}/new/", tariff_form(base, **{field: value}))
    assert answer.status_code == 200
    assert answer.context["form"].errors[field] == [message]
    assert Tariff.objects.count() == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("price", Decimal("1e300"), "数值超出允许范围（整数部分最多 6 位）。"),
        ("price", Decimal("NaN"), "请输入有效的数字。"),
        ("price", Decimal("99999999999999999999"), "数值超出允许范围（整数部分最多 6 位）。"),
        ("peak_price", Decimal("0.58801"), "最多保留 4 位小数。"),
        ("valley_price", Decimal("-0.1"), "不得小于 0。"),
        ("tier1_kwh", Decimal("Infinity"), "请输入有效的数字。"),
    ],
)
def test_tariff_create_refuses_prices_beyond_their_columns(field: str, value: Decimal, message: str, db: None) -> None:
    base = tariffs()["RES-TOU"]
    before = Tariff.objects.count()
    fields = {n: getattr(base, n) for n in forms.TariffVersionForm.Meta.fields}
    with pytest.raises(BillingError) as refused:
        tariff_create(province=base.province, **{**fields, "effective_from": date(2027, 1, 1), field: value})
    assert refused.value.errors == {field: message}
    assert Tariff.objects.count() == before


@pytest.mark.parametrize(
    "url",
    [
        "/billing/runs/?page=99999999999999999999",
        "/billing/arrears/?page=99999999999999999999&overdue_page=-1",
        "/billing/dunning/?page=99999999999999999999&on=0001-01-01&stage=9999",
        "/billing/debit/?page=abc",
        "/billing/readings/?page=1e300",
        "/billing/reconciliations/?page=99999999999999999999",
    ],
)
def test_page_lists_survive_absurd_query_parameters(town: City, url: str) -> None:
    assert signed_in(billing_clerk(town)).get(url).status_code == 200


def test_a_reconnection_time_outside_the_window_is_refused_by_the_service(town: City) -> None:
    from gridcare.billing.services.arrears import reconnection_done

    tariffs()
    bill = issued_bill(town.account, "2026-10", "100.00", date(2026, 11, 25))
    step = DunningStep.objects.create(bill=bill, step=DunningStepKind.RECONNECT, done_on=date(2026, 12, 1))
    with pytest.raises(BillingError) as refused:
        reconnection_done(
            scope=scope_for(town.admin), step=step, actor=town.admin, at=datetime(1, 1, 2, tzinfo=SHANGHAI)
        )
    assert refused.value.errors == {"at": DAYS}
    step.refresh_from_db()
    assert step.completed_at is None and Bill.objects.count() == 1
