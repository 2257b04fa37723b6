"""Convention 5 on the archive-quality worklist: its total, a whitelisted sort by each column, and
the export of what it shows (the same rows in the same order, personal data masked), for the
posts that work the list only (CUST-3, CUST-4)."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.http.response import HttpResponseBase
from openpyxl import load_workbook

from gridcare.core.testing import City, make_account, signed_in, streamed
from gridcare.core.timezone import SHANGHAI
from gridcare.customers.models import AccountEvent, ArchiveIssue

PAGE = "/customers/worklist/"
EXPORT = "/customers/worklist.csv"
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
HEADER = ["户号", "客户名称", "用电地址", "供电单位", "问题", "手机号码", "证件号码", "发现时间"]


@pytest.fixture
def issues(town: City) -> dict[int, ArchiveIssue]:
    """Five open issues on three accounts: X (U2, 客户B), Y (U1, 客户C), Z (U1, 客户A)."""
    x = make_account(21, town.other_unit, town.other_hall, "客户B")
    y = make_account(22, town.unit, town.hall, "客户C", phone="13812345678", id_number="11010519491231002X")
    z = make_account(23, town.unit, town.hall, "客户A", phone="1381234567")
    made = {}
    for n, (account, kind, after) in enumerate(
        [
            (x, "missing_id", timedelta(hours=1)),
            (y, "invalid_phone", timedelta(hours=3)),
            (y, "missing_grid", timedelta(0)),
            (z, "failed_phone", timedelta(hours=2)),
            (z, "missing_grid", timedelta(minutes=30)),
        ],
        start=1,
    ):
        issue = ArchiveIssue.objects.create(account=account, kind=kind)
        ArchiveIssue.objects.filter(pk=issue.pk).update(found_at=T0 + after)
        made[n] = issue
    return made


def _order(town: City, issues: dict[int, ArchiveIssue], query: str) -> list[int]:
    number = {issue.pk: n for n, issue in issues.items()}
    page = signed_in(town.admin).get(f"{PAGE}?{query}").context["issues"]
    return [number[i.pk] for i in page]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", [1, 2, 3, 4, 5]),  # by account, then problem
        ("sort=account", [1, 2, 3, 4, 5]),
        ("sort=-account", [5, 4, 3, 2, 1]),
        ("sort=customer", [4, 5, 1, 2, 3]),
        ("sort=-customer", [3, 2, 1, 5, 4]),
        ("sort=unit", [2, 3, 4, 5, 1]),
        ("sort=-unit", [1, 5, 4, 3, 2]),
        ("sort=kind", [4, 2, 3, 5, 1]),
        ("sort=-kind", [1, 5, 3, 2, 4]),
        ("sort=found", [3, 5, 1, 4, 2]),
        ("sort=-found", [2, 4, 1, 5, 3]),
        ("sort=address", [1, 2, 3, 4, 5]),  # not in the whitelist: the default order
        ("sort=-account__customer__id_number", [1, 2, 3, 4, 5]),
        ("sort=", [1, 2, 3, 4, 5]),
    ],
)
def test_the_worklist_sorts_by_each_column(
    town: City, issues: dict[int, ArchiveIssue], query: str, expected: list[int]
) -> None:
    assert _order(town, issues, query) == expected


def test_the_page_shows_its_total_and_links_that_keep_the_filter_and_the_sort(
    town: City, issues: dict[int, ArchiveIssue]
) -> None:
    page = signed_in(town.supervisor).get(f"{PAGE}?kind=missing_grid&sort=-found").content.decode()
    assert "共 2 条 · 第 1/1 页" in page
    assert f"{EXPORT}?kind=missing_grid&amp;sort=-found&amp;format=csv" in page
    assert f"{EXPORT}?kind=missing_grid&amp;sort=-found&amp;format=xlsx" in page
    assert '<a href="?kind=missing_grid&amp;sort=found">发现时间</a>▼' in page  # the column turns the sort
    assert 'href="?kind=invalid_phone&amp;sort=-found"' in page  # the problem chips keep the sort
    assert "共 4 条 · 第 1/1 页" in signed_in(town.supervisor).get(PAGE).content.decode()  # U1's four


def _csv(answer: HttpResponseBase) -> list[list[str]]:
    return list(csv.reader(io.StringIO(streamed(answer).decode("utf-8-sig"))))


def test_the_export_has_the_rows_of_the_filtered_sorted_page_masked(
    town: City, issues: dict[int, ArchiveIssue]
) -> None:
    client = signed_in(town.supervisor)
    query = "kind=missing_grid&sort=-found"
    shown = [i.account.account_no for i in client.get(f"{PAGE}?{query}").context["issues"]]
    rows = _csv(client.get(f"{EXPORT}?{query}&format=csv"))
    z, y = issues[5].account.account_no, issues[3].account.account_no
    address = "上城区解放路1号1幢101室"
    expected = [
        HEADER,
        [z, "客户A", address, "城区供电所", "缺少台区信息", "138***4567", "", "2026-03-02 10:30"],
        [y, "客户C", address, "城区供电所", "缺少台区信息", "138****5678", "110105********002X", "2026-03-02 10:00"],
    ]
    assert rows == expected
    assert [r[0] for r in rows[1:]] == shown
    workbook = client.get(f"{EXPORT}?{query}&format=xlsx")
    sheet = load_workbook(io.BytesIO(streamed(workbook))).active
    assert sheet is not None
    assert [[c or "" for c in r] for r in sheet.iter_rows(values_only=True)] == expected
    whole = _csv(client.get(f"{EXPORT}?sort=unit"))  # CSV by default; the supervisor's unit only
    assert [r[0] for r in whole[1:]] == [issues[n].account.account_no for n in (2, 3, 4, 5)]
    assert [r[4] for r in whole[1:]] == ["手机号码格式错误", "缺少台区信息", "手机号码多次发送失败", "缺少台区信息"]
    text = "\n".join(",".join(r) for r in whole)
    assert "13812345678" not in text and "1381234567" not in text and "11010519491231002X" not in text


@pytest.mark.parametrize("persona", ["clerk", "guide", "agent", "planner", "outsider"])
def test_a_post_without_the_worklist_gets_no_export_and_nothing_is_written(
    town: City, issues: dict[int, ArchiveIssue], persona: str
) -> None:
    before = list(ArchiveIssue.objects.order_by("pk").values_list("pk", "kind", "found_at", "resolved_at"))
    client = signed_in(town.users[persona])
    refused = 404 if persona == "outsider" else 403  # no post sees nothing; another post is forbidden
    for fmt in ("csv", "xlsx"):
        answer = client.get(f"{EXPORT}?sort=customer&format={fmt}")
        assert answer.status_code == refused
        assert "客户C" not in answer.content.decode()
    assert list(ArchiveIssue.objects.order_by("pk").values_list("pk", "kind", "found_at", "resolved_at")) == before
    assert not AccountEvent.objects.exists()
