"""Convention 5 on the dunning page: the stage's bills and the reconnections due sort by the
columns the database holds (each list its own ?sort= whitelist and pages), show their totals, and
export exactly what the page shows (its filters, its stage, its order, names masked), for the
billing office only."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.http import HttpResponseBase
from django.test import Client
from openpyxl import load_workbook

from gridcare.billing.models import Bill, DunningStep, DunningStepKind
from gridcare.billing.office_views import DUNNING_SORTS
from gridcare.billing.services.arrears import dunning_record
from gridcare.billing.tests.helpers import billing_clerk, issued_bill, six_overdue_bills
from gridcare.core.testing import City, signed_in, streamed
from gridcare.core.timezone import SHANGHAI

TODAY = date(2027, 1, 1)


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with mock.patch("gridcare.billing.office_views.business_date", return_value=TODAY):
        yield


@pytest.fixture
def bills(town: City) -> dict[str, Bill]:
    return six_overdue_bills(town)


@pytest.fixture
def reconnections(bills: dict[str, Bill]) -> dict[str, DunningStep]:
    """Reconnections due on three paid bills of a1 (U1), a2 (U2) and a4 (U1): s1 paid first with
    the latest deadline, so the paid date and the deadline order them differently."""
    found = {}
    for key, source, paid_on, deadline in (
        ("s1", "b1", date(2026, 12, 5), datetime(2026, 12, 30, 9, 0, tzinfo=SHANGHAI)),
        ("s2", "b2", date(2026, 12, 10), datetime(2026, 12, 11, 9, 0, tzinfo=SHANGHAI)),
        ("s3", "b5", date(2026, 12, 15), datetime(2026, 12, 16, 9, 0, tzinfo=SHANGHAI)),
    ):
        paid = issued_bill(bills[source].account, "2026-11", "20.00", date(2026, 12, 25))
        Bill.objects.filter(pk=paid.pk).update(status="paid", paid=Decimal("20.00"))
        found[key] = DunningStep.objects.create(
            bill=paid, step=DunningStepKind.RECONNECT, done_on=paid_on, deadline=deadline
        )
    return found


def _csv(answer: HttpResponseBase) -> list[list[str]]:
    return list(csv.reader(io.StringIO(streamed(answer).decode("utf-8-sig"))))


def _xlsx(answer: HttpResponseBase) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(streamed(answer))).active
    assert sheet is not None
    return list(sheet.iter_rows(values_only=True))


def _listed(client: Client, query: str, named: dict[str, Any], what: str = "page") -> list[str]:
    names = {thing.pk: key for key, thing in named.items()}
    items = client.get(f"/billing/dunning/?{query}").context[what]
    return [names[r.bill.pk if what == "page" else r.pk] for r in items]


# Ascending; descending is the exact reverse (every order field flips, and no two rows tie).
DUNNING_ORDERS = {
    "account": ["b1", "b2", "b3", "b4", "b5", "b6"],
    "unit": ["b2", "b3", "b4", "b5", "b1", "b6"],  # 乡镇供电所 (U+4E61) before 城区供电所 (U+57CE)
    "hall": ["b2", "b3", "b4", "b5", "b1", "b6"],  # 乡镇营业厅 before 城区营业厅
    "period": ["b5", "b2", "b1", "b3", "b4", "b6"],
    "due": ["b5", "b2", "b1", "b3", "b4", "b6"],
}


def test_only_the_database_s_columns_sort_the_dunning_list() -> None:
    # owed, the latest step and the step's window are worked out per row (dunning_row): not sortable
    assert set(DUNNING_SORTS) == set(DUNNING_ORDERS)


@pytest.mark.parametrize("key", DUNNING_ORDERS)
def test_the_dunning_list_sorts_by_each_column_both_ways(town: City, bills: dict[str, Bill], key: str) -> None:
    client = signed_in(town.admin)
    assert _listed(client, f"sort={key}", bills) == DUNNING_ORDERS[key]
    assert _listed(client, f"sort=-{key}", bills) == DUNNING_ORDERS[key][::-1]


def test_the_dunning_list_keeps_the_oldest_due_first_for_an_unknown_key(town: City, bills: dict[str, Bill]) -> None:
    client = signed_in(town.admin)
    default = ["b5", "b2", "b1", "b3", "b4", "b6"]
    assert _listed(client, "", bills) == default
    for unknown in ("owed", "-since", "account__customer__name", "stage"):
        assert _listed(client, f"sort={unknown}", bills) == default


RECONNECTION_ORDERS = {
    "account": ["s1", "s2", "s3"],
    "unit": ["s2", "s3", "s1"],
    "hall": ["s2", "s3", "s1"],
    "paid": ["s1", "s2", "s3"],
    "deadline": ["s2", "s3", "s1"],
}


@pytest.mark.parametrize("key", RECONNECTION_ORDERS)
def test_the_reconnections_sort_by_each_column_both_ways(
    town: City, reconnections: dict[str, DunningStep], key: str
) -> None:
    client = signed_in(town.admin)
    ascending = RECONNECTION_ORDERS[key]
    assert _listed(client, f"reconnections_sort={key}", reconnections, "reconnections") == ascending
    assert _listed(client, f"reconnections_sort=-{key}", reconnections, "reconnections") == ascending[::-1]
    assert _listed(client, "reconnections_sort=bill", reconnections, "reconnections") == ["s2", "s3", "s1"]


def test_the_page_shows_what_the_stage_owes_and_links_keep_the_filters(town: City, bills: dict[str, Bill]) -> None:
    client = signed_in(billing_clerk(town))  # U1: b1 (200.00 owed), b5, b6
    text = client.get("/billing/dunning/?hall=H1&sort=period&reconnections_page=1").content.decode()
    assert "待发欠费提醒 <small>欠费合计 300.00 元</small>" in text
    assert "共 3 条 · 第 1/1 页" in text
    assert 'href="?hall=H1&amp;reconnections_page=1&amp;sort=-period">账期</a>▲' in text
    assert 'href="?hall=H1&amp;sort=period&amp;reconnections_sort=account">户号</a>' in text
    assert '<input type="hidden" name="sort" value="period">' in text  # the filter keeps the order
    assert 'href="/billing/dunning/export/?hall=H1&amp;sort=period&amp;reconnections_page=1&amp;format=csv"' in text


def test_the_dunning_export_is_the_page_s_stage_in_its_order_masked(town: City, bills: dict[str, Bill]) -> None:
    client = signed_in(town.admin)
    # b2 reminded long ago: it waits for a cut-off notice; the page shows the reminder stage first
    dunning_record(bill=bills["b2"], step=DunningStepKind.REMINDER, on=date(2026, 6, 26), actor=None)
    page = client.get("/billing/dunning/?sort=-due").context["page"]
    shown = [(r.bill.account.account_no, r.bill.period) for r in page]
    assert [p for _no, p in shown] == ["2026-09", "2026-08", "2026-07", "2026-06", "2026-04"]
    rows = _csv(client.get("/billing/dunning/export/?sort=-due&format=csv"))
    assert rows[0] == ["户号", "客户名称", "供电单位", "营业厅", "账期", "欠费（元）", "截止日", "待办步骤"] + [
        "上一步日期",
        "可办理自",
        "可办理至",
    ]
    assert [(r[0], r[4]) for r in rows[1:]] == shown
    assert rows[4] == [
        town.account.account_no,
        "张*",
        "城区供电所",
        "城区营业厅",
        "2026-06",
        "200.00",
        "2026-07-25",
        "待发欠费提醒",
        "",
        "2026-07-26",
        "",
    ]
    sheet = _xlsx(client.get("/billing/dunning/export/?stage=cutoff_notice&sort=period&format=xlsx"))
    assert [(r[0], r[4], r[7]) for r in sheet[1:]] == [(bills["b2"].account.account_no, "2026-05", "可送达停电通知")]


def test_the_reconnections_export_is_the_sorted_filtered_list(
    town: City, reconnections: dict[str, DunningStep]
) -> None:
    client = signed_in(town.admin)
    rows = _csv(client.get("/billing/dunning/reconnections/export/?unit=U1&reconnections_sort=-deadline"))
    a1, a4 = town.account.account_no, reconnections["s3"].bill.account.account_no
    assert rows == [
        ["户号", "供电单位", "营业厅", "缴清日期", "复电时限"],
        [a1, "城区供电所", "城区营业厅", "2026-12-05", "2026-12-30 09:00"],
        [a4, "城区供电所", "城区营业厅", "2026-12-15", "2026-12-16 09:00"],
    ]
    page = client.get("/billing/dunning/?unit=U1&reconnections_sort=-deadline").context["reconnections"]
    assert [s.bill.account.account_no for s in page] == [a1, a4]
    sheet = _xlsx(client.get("/billing/dunning/reconnections/export/?reconnections_sort=paid&format=xlsx"))
    assert [r[3] for r in sheet[1:]] == ["2026-12-05", "2026-12-10", "2026-12-15"]


@pytest.mark.parametrize("path", ["/billing/dunning/export/", "/billing/dunning/reconnections/export/"])
def test_the_exports_answer_the_billing_office_of_the_unit_only(
    town: City, reconnections: dict[str, DunningStep], path: str
) -> None:
    assert signed_in(town.clerk).get(path).status_code == 403  # no BILLING_OFFICE
    assert signed_in(town.supervisor).get(path).status_code == 403
    rows = _csv(signed_in(billing_clerk(town)).get(f"{path}?format=csv"))
    assert {r[2] if "reconnections" not in path else r[1] for r in rows[1:]} == {"城区供电所"}
