"""The account's history and the archive worklist page with their totals instead of stopping at
100 and 200 rows; the worklist exports whole as CSV or Excel, masked."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from pytest_django import Settings

from gridcare.core.testing import City, make_account, signed_in, streamed
from gridcare.customers.events import account_event
from gridcare.customers.models import AccountEvent, ArchiveIssue


@pytest.mark.django_db
def test_the_account_history_pages_with_its_total(town: City, settings: Settings) -> None:
    settings.GRIDCARE_PAGE_SIZE = 2
    for n in range(3):
        account_event(account=town.account, type=AccountEvent.Type.RENAMED, actor=town.clerk, old_name=str(n))
    total = AccountEvent.objects.filter(account=town.account).count()
    client = signed_in(town.clerk)
    first = client.get(f"/customers/{town.account.account_no}/")
    pages = -(-total // 2)
    assert f"共 {total} 条 · 第 1/{pages} 页" in first.content.decode()
    last = client.get(f"/customers/{town.account.account_no}/?page={pages}")
    assert len(last.context["history"].items) == total - 2 * (pages - 1)


@pytest.mark.django_db
def test_the_worklist_pages_keeping_its_kind_and_exports_whole_to_excel_masked(town: City, settings: Settings) -> None:
    settings.GRIDCARE_PAGE_SIZE = 2
    accounts = [make_account(20 + n, town.unit, town.hall, f"赵十{n}", phone="1381234567") for n in range(3)]
    ArchiveIssue.objects.bulk_create(ArchiveIssue(account=a, kind="invalid_phone") for a in accounts)
    client = signed_in(town.manager)
    page = client.get("/customers/worklist/?kind=invalid_phone")
    html = page.content.decode()
    assert "共 3 条 · 第 1/2 页" in html
    assert 'href="?kind=invalid_phone&amp;page=2"' in html
    second = client.get("/customers/worklist/?kind=invalid_phone&page=2")
    assert [i.account_id for i in second.context["issues"]] == [accounts[2].pk]
    xlsx = client.get("/customers/worklist.csv?kind=invalid_phone&format=xlsx")
    sheet = load_workbook(io.BytesIO(streamed(xlsx))).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 4
    assert [r[0] for r in rows[1:]] == [a.account_no for a in accounts]
    assert {r[5] for r in rows[1:]} == {"138***4567"}
