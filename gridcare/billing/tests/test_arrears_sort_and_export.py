"""Convention 5 on the arrears page: the ledger and the overdue bills sort by their columns (each
with its own ?sort= whitelist and its own pages), show their totals, and export exactly what the
page shows (rows, order, masking), for whoever may see the page."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import Any
from unittest import mock

import pytest
from django.http import HttpResponseBase
from django.test import Client
from openpyxl import load_workbook

from gridcare.billing.models import Bill
from gridcare.billing.tests.helpers import six_overdue_bills
from gridcare.core.testing import City, signed_in, streamed

TODAY = date(2027, 1, 1)


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with mock.patch("gridcare.billing.views.business_date", return_value=TODAY):
        yield


@pytest.fixture
def bills(town: City) -> dict[str, Bill]:
    return six_overdue_bills(town)


def _csv(answer: HttpResponseBase) -> list[list[str]]:
    return list(csv.reader(io.StringIO(streamed(answer).decode("utf-8-sig"))))


def _xlsx(answer: HttpResponseBase) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(streamed(answer))).active
    assert sheet is not None
    return list(sheet.iter_rows(values_only=True))


def _overdue(client: Client, query: str, bills: dict[str, Bill]) -> list[str]:
    """The overdue list's rows as the fixture's names (b1…b6), in the page's order."""
    names = {b.pk: key for key, b in bills.items()}
    return [names[b.pk] for b in client.get(f"/billing/arrears/?{query}").context["overdue"]]


def _ledger(client: Client, query: str) -> list[str]:
    return [r["name"] for r in client.get(f"/billing/arrears/?by=account&{query}").context["ledger"]]


# Ascending; descending is the exact reverse (every order field flips, and no two rows tie).
OVERDUE_ORDERS = {
    "account": ["b1", "b2", "b3", "b4", "b5", "b6"],
    "unit": ["b2", "b3", "b4", "b5", "b1", "b6"],  # 乡镇供电所 (U+4E61) before 城区供电所 (U+57CE)
    "period": ["b5", "b2", "b1", "b3", "b4", "b6"],
    "amount": ["b2", "b3", "b4", "b5", "b6", "b1"],
    "due": ["b5", "b2", "b1", "b3", "b4", "b6"],
}


@pytest.mark.parametrize("key", OVERDUE_ORDERS)
def test_the_overdue_bills_sort_by_each_column_both_ways(town: City, bills: dict[str, Bill], key: str) -> None:
    client = signed_in(town.admin)
    assert _overdue(client, f"overdue_sort={key}", bills) == OVERDUE_ORDERS[key]
    assert _overdue(client, f"overdue_sort=-{key}", bills) == OVERDUE_ORDERS[key][::-1]


def test_the_overdue_bills_keep_the_oldest_due_first_for_an_unknown_key(town: City, bills: dict[str, Bill]) -> None:
    client = signed_in(town.admin)
    default = ["b5", "b2", "b1", "b3", "b4", "b6"]
    assert _overdue(client, "", bills) == default
    for unknown in ("paid", "-paid_total", "account__customer__name", "sort=amount"):
        assert _overdue(client, f"overdue_sort={unknown}", bills) == default


def test_the_ledger_sorts_by_each_column_both_ways(town: City, bills: dict[str, Bill]) -> None:
    client = signed_in(town.admin)
    a1, a2, a4 = (bills[k].account.account_no for k in ("b1", "b2", "b5"))
    # owed: a2 30.00, a4 100.00, a1 200.00; bills: a1 1, a4 2, a2 3; one account each (by name)
    orders = {"name": [a1, a2, a4], "accounts": [a1, a2, a4], "bills": [a1, a4, a2], "owed": [a2, a4, a1]}
    for key, ascending in orders.items():
        assert _ledger(client, f"sort={key}") == ascending, key
        assert _ledger(client, f"sort=-{key}") == ascending[::-1], key
    assert _ledger(client, "") == [a1, a4, a2]  # the most owed first
    assert _ledger(client, "sort=amount") == [a1, a4, a2]  # not in the whitelist


def test_each_lists_column_links_keep_the_other_lists_page(town: City, bills: dict[str, Bill]) -> None:
    html = signed_in(town.admin).get("/billing/arrears/?by=account&page=1&overdue_page=2&overdue_sort=amount")
    text = html.content.decode()
    # The overdue list back to its first page, the ledger's page kept; and the other way round.
    assert 'href="?by=account&amp;page=1&amp;overdue_sort=-amount">应收</a>▲' in text
    assert 'href="?by=account&amp;overdue_page=2&amp;overdue_sort=amount&amp;sort=owed">欠费本金（元）</a>' in text


def test_the_page_shows_the_totals_of_both_lists(town: City, bills: dict[str, Bill]) -> None:
    text = signed_in(town.admin).get("/billing/arrears/?by=unit").content.decode()
    assert "<tfoot><tr><th>合计</th><td>3</td><td>6</td><td>330.00</td></tr></tfoot>" in text
    assert '<tfoot><tr><th colspan="3">合计</th><td>430.00</td><td>101.50</td><td></td></tr></tfoot>' in text
    mine = signed_in(town.supervisor).get("/billing/arrears/?by=unit").content.decode()  # U1: a1 and a4
    assert "<tfoot><tr><th>合计</th><td>2</td><td>3</td><td>300.00</td></tr></tfoot>" in mine


def test_the_overdue_export_is_the_sorted_page_masked(town: City, bills: dict[str, Bill]) -> None:
    client = signed_in(town.admin)
    query = "by=account&overdue_sort=-amount"
    page = [(b.account.account_no, b.period) for b in client.get(f"/billing/arrears/?{query}").context["overdue"]]
    assert f"/billing/arrears/overdue/export/?{query.replace('&', '&amp;')}&amp;format=csv" in (
        client.get(f"/billing/arrears/?{query}").content.decode()
    )
    rows = _csv(client.get(f"/billing/arrears/overdue/export/?{query}&format=csv"))
    assert rows[0] == ["户号", "客户名称", "供电单位", "账期", "应收", "已缴", "截止日"]
    assert [(r[0], r[3]) for r in rows[1:]] == page
    assert rows[1] == [bills["b1"].account.account_no, "张*", "城区供电所", "2026-06", "300.00", "101.50", "2026-07-25"]
    assert {r[1] for r in rows[1:]} == {"张*", "李*", "赵*"}
    sheet = _xlsx(client.get(f"/billing/arrears/overdue/export/?{query}&format=xlsx"))
    assert [(r[0], r[3]) for r in sheet[1:]] == page


def test_the_ledger_export_is_the_sorted_page(town: City, bills: dict[str, Bill]) -> None:
    client = signed_in(town.admin)
    page = [(r["name"], r["owed"]) for r in client.get("/billing/arrears/?by=account&sort=bills").context["ledger"]]
    rows = _csv(client.get("/billing/arrears/export/?by=account&sort=bills&format=csv"))
    assert rows[0] == ["户号", "欠费户数", "欠费笔数", "欠费本金（元）"]
    assert [(r[0], r[3]) for r in rows[1:]] == [(name, str(owed)) for name, owed in page]
    assert [r[2] for r in rows[1:]] == ["1", "2", "3"]
    sheet = _xlsx(client.get("/billing/arrears/export/?by=account&sort=-owed&format=xlsx"))
    assert [r[0] for r in sheet[1:]] == _ledger(client, "sort=-owed")


def test_the_exports_answer_only_the_page_s_viewers_and_their_scope(town: City, bills: dict[str, Bill]) -> None:
    for path in ("/billing/arrears/export/", "/billing/arrears/overdue/export/"):
        assert signed_in(town.planner).get(path).status_code == 403  # no BILL_VIEW
        assert signed_in(town.outsider).get(path).status_code == 404
    rows = _csv(signed_in(town.supervisor).get("/billing/arrears/overdue/export/?overdue_sort=period"))
    assert [r[3] for r in rows[1:]] == ["2026-04", "2026-06", "2026-09"]  # U1's bills only
