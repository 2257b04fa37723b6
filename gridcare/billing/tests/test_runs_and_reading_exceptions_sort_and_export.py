"""Convention 5 on the bill runs and the open reading exceptions: each sorts by its columns
(?sort= whitelist, otherwise its own order), shows its totals, and exports exactly what the page
shows, for the billing office and the units it works only."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.http import HttpResponseBase
from django.test import Client
from openpyxl import load_workbook

from gridcare.billing.models import BillRun, ReadingException
from gridcare.billing.tests.helpers import billable, billing_clerk, reading, tariffs
from gridcare.core.testing import City, make_account, signed_in, streamed
from gridcare.core.timezone import SHANGHAI


def _csv(answer: HttpResponseBase) -> list[list[str]]:
    return list(csv.reader(io.StringIO(streamed(answer).decode("utf-8-sig"))))


def _xlsx(answer: HttpResponseBase) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(streamed(answer))).active
    assert sheet is not None
    return list(sheet.iter_rows(values_only=True))


def _listed(client: Client, url: str, key: str, named: dict[str, Any]) -> list[str]:
    names = {thing.pk: name for name, thing in named.items()}
    return [names[row.pk] for row in client.get(url).context[key]]


# --- bill runs ----------------------------------------------------------------------------------


@pytest.fixture
def runs(town: City) -> dict[str, BillRun]:
    found = {}
    for name, period, unit, status, billed, held, missing, amount, month in (
        ("r1", "2026-08", town.unit, "finished", 30, 1, 5, "300.00", 9),
        ("r2", "2026-09", town.other_unit, "finished", 10, 3, 0, "900.00", 10),
        ("r3", "2026-10", town.unit, "running", 20, 0, 2, "50.00", 11),
    ):
        run = BillRun.objects.create(
            period=period,
            unit=unit,
            scope_key=unit.code,
            status=status,
            billed=billed,
            held=held,
            missing=missing,
            amount=Decimal(amount),
        )
        BillRun.objects.filter(pk=run.pk).update(started_at=datetime(2026, month, 1, 8, 0, tzinfo=SHANGHAI))
        found[name] = run
    return found


# Ascending; descending is the exact reverse (every order field flips, and no two rows tie).
RUN_ORDERS = {
    "period": ["r1", "r2", "r3"],
    "unit": ["r2", "r3", "r1"],  # 乡镇供电所 before 城区供电所, then the latest started
    "status": ["r2", "r1", "r3"],  # finished before running, then the latest started
    "billed": ["r2", "r3", "r1"],
    "held": ["r3", "r1", "r2"],
    "missing": ["r2", "r3", "r1"],
    "amount": ["r3", "r1", "r2"],
    "started": ["r1", "r2", "r3"],
}


@pytest.mark.parametrize("key", RUN_ORDERS)
def test_the_bill_runs_sort_by_each_column_both_ways(town: City, runs: dict[str, BillRun], key: str) -> None:
    client = signed_in(town.admin)
    assert _listed(client, f"/billing/runs/?sort={key}", "page", runs) == RUN_ORDERS[key]
    assert _listed(client, f"/billing/runs/?sort=-{key}", "page", runs) == RUN_ORDERS[key][::-1]


def test_the_bill_runs_keep_the_latest_first_for_an_unknown_key(town: City, runs: dict[str, BillRun]) -> None:
    client = signed_in(town.admin)
    for query in ("", "sort=scope_key", "sort=-last_account_id", "sort="):
        assert _listed(client, f"/billing/runs/?{query}", "page", runs) == ["r3", "r2", "r1"]


def test_the_runs_page_totals_and_exports_what_it_shows(town: City, runs: dict[str, BillRun]) -> None:
    client = signed_in(town.admin)
    text = client.get("/billing/runs/?sort=-amount").content.decode()
    assert (
        '<tfoot><tr><th colspan="3">合计</th><td>60</td><td>4</td><td>7</td><td>1250.00</td><td></td></tr></tfoot>'
        in text
    )
    assert 'href="/billing/runs/export/?sort=-amount&amp;format=csv"' in text
    rows = _csv(client.get("/billing/runs/export/?sort=-amount&format=csv"))
    assert rows == [
        ["账期", "范围", "状态", "已出账", "异常暂缓", "无抄表数据", "应收金额", "开始时间"],
        ["2026-09", "乡镇供电所", "已完成", "10", "3", "0", "900.00", "2026-10-01 08:00"],
        ["2026-08", "城区供电所", "已完成", "30", "1", "5", "300.00", "2026-09-01 08:00"],
        ["2026-10", "城区供电所", "计算中", "20", "0", "2", "50.00", "2026-11-01 08:00"],
    ]
    sheet = _xlsx(client.get("/billing/runs/export/?sort=period&format=xlsx"))
    assert [r[0] for r in sheet[1:]] == ["2026-08", "2026-09", "2026-10"]


def test_a_billing_clerk_lists_and_exports_their_units_runs_only(town: City, runs: dict[str, BillRun]) -> None:
    client = signed_in(billing_clerk(town))
    assert _listed(client, "/billing/runs/?sort=period", "page", runs) == ["r1", "r3"]
    assert "<td>50</td><td>1</td><td>7</td><td>350.00</td>" in client.get("/billing/runs/").content.decode()
    assert [r[0] for r in _csv(client.get("/billing/runs/export/?sort=period"))[1:]] == ["2026-08", "2026-10"]
    assert signed_in(town.clerk).get("/billing/runs/export/").status_code == 403
    assert signed_in(town.supervisor).get("/billing/runs/export/").status_code == 403


# --- open reading exceptions ----------------------------------------------------------------------


@pytest.fixture
def exceptions(town: City) -> dict[str, ReadingException]:
    tariffs()
    a1, a2 = billable(town.account), billable(town.other_unit_account)
    a4 = billable(make_account(4, town.unit, town.hall, "赵六"))
    found = {}
    for name, account, period, kind, kwh in (
        ("e1", a1, "2026-10", "spike", "900"),
        ("e2", a2, "2026-09", "negative", "50"),
        ("e3", a4, "2026-10", "rollover", "300"),
        ("e4", a1, "2026-09", "gap", "500"),
    ):
        held = reading(account, period, kwh, status="held")
        found[name] = ReadingException.objects.create(reading=held, kind=kind, detail={})
    return found


EXCEPTION_ORDERS = {
    "account": ["e4", "e1", "e2", "e3"],
    "period": ["e4", "e2", "e1", "e3"],
    "kind": ["e4", "e2", "e3", "e1"],  # gap, negative, rollover, spike
    "kwh": ["e2", "e3", "e4", "e1"],
}


@pytest.mark.parametrize("key", EXCEPTION_ORDERS)
def test_the_open_exceptions_sort_by_each_column_both_ways(
    town: City, exceptions: dict[str, ReadingException], key: str
) -> None:
    client = signed_in(town.admin)
    assert _listed(client, f"/billing/readings/?sort={key}", "exceptions", exceptions) == EXCEPTION_ORDERS[key]
    assert _listed(client, f"/billing/readings/?sort=-{key}", "exceptions", exceptions) == EXCEPTION_ORDERS[key][::-1]


def test_the_open_exceptions_keep_period_and_account_order_for_an_unknown_key(
    town: City, exceptions: dict[str, ReadingException]
) -> None:
    client = signed_in(town.admin)
    for query in ("", "sort=problem", "sort=-detail"):
        assert _listed(client, f"/billing/readings/?{query}", "exceptions", exceptions) == ["e4", "e2", "e1", "e3"]


def test_the_exceptions_export_is_the_sorted_page(town: City, exceptions: dict[str, ReadingException]) -> None:
    client = signed_in(town.admin)
    page = client.get("/billing/readings/?sort=-kwh")
    assert 'href="/billing/readings/exceptions/export/?sort=-kwh&amp;format=csv"' in page.content.decode()
    shown = [(e.reading.account.account_no, e.reading.period) for e in page.context["exceptions"]]
    rows = _csv(client.get("/billing/readings/exceptions/export/?sort=-kwh&format=csv"))
    assert rows[0] == ["户号", "账期", "异常", "电量", "详情"]
    assert [(r[0], r[1]) for r in rows[1:]] == shown
    assert rows[1] == [town.account.account_no, "2026-10", "电量突增", "900.00", "电量突增"]
    sheet = _xlsx(client.get("/billing/readings/exceptions/export/?sort=kind&format=xlsx"))
    assert [r[2] for r in sheet[1:]] == ["负荷曲线缺数", "电量为负", "电能表翻转", "电量突增"]


def test_the_exceptions_export_answers_the_billing_office_of_the_unit_only(
    town: City, exceptions: dict[str, ReadingException]
) -> None:
    rows = _csv(signed_in(billing_clerk(town)).get("/billing/readings/exceptions/export/?sort=account"))
    assert [r[0] for r in rows[1:]] == [
        town.account.account_no,
        town.account.account_no,
        exceptions["e3"].reading.account.account_no,
    ]
    assert signed_in(town.clerk).get("/billing/readings/exceptions/export/").status_code == 403
    assert signed_in(town.outsider).get("/billing/readings/exceptions/export/").status_code == 404
