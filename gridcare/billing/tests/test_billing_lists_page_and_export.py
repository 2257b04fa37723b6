"""No billing list stops silently: the dunning list, the arrears ledger and the account's bills
page with their total and keep their filters; dunning and arrears export the whole filtered list,
names masked."""

from __future__ import annotations

import csv
import io
from contextlib import AbstractContextManager
from datetime import date
from unittest import mock
from unittest.mock import AsyncMock, MagicMock

import pytest
from django.http import HttpResponseBase
from openpyxl import load_workbook
from pytest_django import Settings

from gridcare.billing.models import DunningStepKind
from gridcare.billing.services.arrears import dunning_record
from gridcare.billing.tests.helpers import billing_clerk, issued_bill
from gridcare.core.testing import City, signed_in, streamed

TODAY = date(2027, 1, 1)
PERIODS = ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09"]


def _today() -> AbstractContextManager[MagicMock | AsyncMock]:
    return mock.patch("gridcare.billing.office_views.business_date", return_value=TODAY)


@pytest.fixture
def five_overdue(town: City, settings: Settings) -> list[int]:
    settings.GRIDCARE_PAGE_SIZE = 2
    bills = [issued_bill(town.account, p, "80.00", date(2026, int(p[5:]) + 1, 25)) for p in PERIODS]
    issued_bill(town.other_unit_account, "2026-09", "70.00", date(2026, 10, 25))  # another unit's
    return [b.pk for b in bills]


def _csv(response: HttpResponseBase) -> list[list[str]]:
    text = streamed(response).decode("utf-8")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_the_dunning_list_pages_with_its_total_and_keeps_the_filters(town: City, five_overdue: list[int]) -> None:
    client = signed_in(billing_clerk(town))
    with _today():
        first = client.get("/billing/dunning/?hall=H1")
        last = client.get("/billing/dunning/?hall=H1&stage=reminder&page=3")
    assert [r.bill.pk for r in first.context["page"].items] == five_overdue[:2]
    assert [r.bill.pk for r in last.context["page"].items] == five_overdue[4:]
    html = first.content.decode()
    assert "共 5 条 · 第 1/3 页" in html
    assert 'href="?hall=H1&amp;page=2"' in html
    assert 'href="/billing/dunning/export/?hall=H1&amp;format=csv"' in html
    assert "共 1 条 · 第 1/1 页" not in html  # the other unit's bill is not the clerk's


def test_the_dunning_page_counts_every_stage_and_shows_one(town: City, five_overdue: list[int]) -> None:
    from gridcare.billing.models import Bill

    for pk in five_overdue[:2]:
        dunning_record(bill=Bill.objects.get(pk=pk), step=DunningStepKind.REMINDER, on=date(2026, 12, 1), actor=None)
    with _today():
        page = signed_in(billing_clerk(town)).get("/billing/dunning/?stage=cutoff_notice")
    counts = {value: n for value, _label, n in page.context["counts"]}
    assert counts == {"reminder": 3, "notice": 0, "cutoff_notice": 2, "cutoff": 0, "disconnected": 0}
    assert [r.bill.pk for r in page.context["page"].items] == five_overdue[:2]
    assert {r.stage for r in page.context["page"].items} == {"cutoff_notice"}


def test_the_dunning_export_holds_the_whole_filtered_list_masked(town: City, five_overdue: list[int]) -> None:
    client = signed_in(billing_clerk(town))
    with _today():
        rows = _csv(client.get("/billing/dunning/export/?format=csv"))
        xlsx = client.get("/billing/dunning/export/?format=xlsx&stage=reminder")
    assert rows[0][:3] == ["户号", "客户名称", "供电单位"]
    assert [r[4] for r in rows[1:]] == PERIODS
    assert {r[0] for r in rows[1:]} == {town.account.account_no}
    assert {r[1] for r in rows[1:]} == {"张*"}
    assert {r[5] for r in rows[1:]} == {"80.00"}
    assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(streamed(xlsx))).active
    assert sheet is not None
    assert [row[4] for row in sheet.iter_rows(min_row=2, values_only=True)] == PERIODS


def test_another_persona_cannot_export_the_dunning_list(town: City, five_overdue: list[int]) -> None:
    assert signed_in(town.clerk).get("/billing/dunning/export/").status_code == 403


def test_the_arrears_ledger_and_overdue_bills_page_and_export(town: City, five_overdue: list[int]) -> None:
    client = signed_in(town.supervisor)
    page = client.get("/billing/arrears/?by=account&overdue_page=2")
    assert [b.pk for b in page.context["overdue"].items] == five_overdue[2:4]
    html = page.content.decode()
    assert "共 1 条 · 第 1/1 页" in html  # the ledger by account: one account of the unit
    assert "共 5 条 · 第 2/3 页" in html
    ledger = _csv(client.get("/billing/arrears/export/?by=account&format=csv"))
    assert ledger == [["户号", "欠费户数", "欠费笔数", "欠费本金（元）"], [town.account.account_no, "1", "5", "400.00"]]
    overdue = _csv(client.get("/billing/arrears/overdue/export/?format=csv"))
    assert [r[3] for r in overdue[1:]] == PERIODS
    assert {r[1] for r in overdue[1:]} == {"张*"}


def test_the_accounts_bills_page_instead_of_stopping_at_36(town: City, five_overdue: list[int]) -> None:
    page = signed_in(town.clerk).get(f"/billing/accounts/{town.account.account_no}/?bills_page=3")
    assert [b.period for b in page.context["bills"]] == ["2026-05"]
    assert "共 5 条 · 第 3/3 页" in page.content.decode()
