"""Convention 5 on the unmasking audit: its total, a whitelisted sort by each column (never by the
reason's text, whose order would tell the masked digits), and the export of what the page shows:
the same rows in the same order, masked as on the page, for supervisors and administrators only
(CUST-4)."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.http.response import HttpResponseBase
from openpyxl import load_workbook

from gridcare.core.testing import City, signed_in, streamed
from gridcare.core.timezone import SHANGHAI
from gridcare.customers.models import AccountEvent, Customer, UnmaskAlert, UnmaskAudit

PAGE = "/customers/unmask-audit/"
EXPORT = "/customers/unmask-audit/export/"
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
HEADER = ["时间", "经办人", "用户名", "岗位", "经办人单位", "户号", "客户名称", "户号所属单位", "查看原因", "原因说明", "结果"]  # fmt: skip
TYPED = "=HYPERLINK(1) 13812345678 催缴"


@pytest.fixture
def audits(town: City) -> dict[int, UnmaskAudit]:
    """Four constructed looks. Account A (U1) is 客户B's, account B (U2) 客户A's.
    1: clerk (U1) at A, +2h; 2: clerk at B, T0, a phone typed in the reason; 3: other_manager
    (U2) at A, +3h; 4: the agent (no unit) at B, +1h, refused over the hourly limit."""
    a, b = town.account, town.other_unit_account
    Customer.objects.filter(pk=a.customer_id).update(name="客户B")
    Customer.objects.filter(pk=b.customer_id).update(name="客户A")
    u = town.users
    looks = [
        (u["clerk"], "counter_clerk", town.unit, a, "identity_check", "柜台办理过户核实", "shown", "", 2),
        (u["clerk"], "counter_clerk", town.unit, b, "arrears_contact", TYPED, "shown", "", 0),
        (u["other_manager"], "hall_manager", town.other_unit, a, "work_order_callback", "工单回访联系客户", "shown", "", 3),
        (u["agent"], "agent_95598", None, b, "caller_check", "客户来电核实身份", "refused", "hour", 1),
    ]  # fmt: skip
    made = {}
    for n, (actor, post, unit, account, code, text, outcome, refusal, hours) in enumerate(looks, start=1):
        made[n] = UnmaskAudit.objects.create(
            actor=actor,
            post=post,
            actor_unit=unit,
            account=account,
            account_unit=account.supply_unit,
            reason_code=code,
            reason_text=text,
            outcome=outcome,
            refusal=refusal,
            created_at=T0 + timedelta(hours=hours),
        )
    return made


def _order(town: City, audits: dict[int, UnmaskAudit], query: str, persona: str = "admin") -> list[int]:
    number = {audit.pk: n for n, audit in audits.items()}
    page = signed_in(town.users[persona]).get(f"{PAGE}?{query}").context["page"]
    return [number[row.audit.pk] for row in page]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", [3, 1, 4, 2]),  # the newest first
        ("sort=at", [2, 4, 1, 3]),
        ("sort=-at", [3, 1, 4, 2]),
        ("sort=person", [4, 1, 2, 3]),
        ("sort=-person", [3, 2, 1, 4]),
        ("sort=post", [4, 1, 2, 3]),
        ("sort=-post", [3, 2, 1, 4]),
        ("outcome=shown&sort=actor_unit", [1, 2, 3]),  # the agent has no unit: left out here
        ("outcome=shown&sort=-actor_unit", [3, 2, 1]),
        ("sort=account", [3, 1, 4, 2]),
        ("sort=-account", [2, 4, 1, 3]),
        ("sort=customer", [4, 2, 3, 1]),
        ("sort=-customer", [1, 3, 2, 4]),
        ("sort=account_unit", [3, 1, 4, 2]),
        ("sort=-account_unit", [2, 4, 1, 3]),
        ("sort=reason", [2, 4, 1, 3]),
        ("sort=-reason", [3, 1, 4, 2]),
        ("sort=outcome", [4, 3, 1, 2]),
        ("sort=-outcome", [2, 1, 3, 4]),
        ("sort=reason_text", [3, 1, 4, 2]),  # not in the whitelist: the default order
        ("sort=-reason_text", [3, 1, 4, 2]),
        ("sort=-account__customer__id_number", [3, 1, 4, 2]),
    ],
)
def test_the_audit_sorts_by_each_column(
    town: City, audits: dict[int, UnmaskAudit], query: str, expected: list[int]
) -> None:
    assert _order(town, audits, query) == expected


def test_the_page_shows_its_total_and_keeps_the_filters_and_the_sort(
    town: City, audits: dict[int, UnmaskAudit]
) -> None:
    client = signed_in(town.admin)
    page = client.get(f"{PAGE}?person=clerk&sort=at").content.decode()
    assert "共 2 条 · 第 1/1 页" in page
    assert f"{EXPORT}?person=clerk&amp;sort=at&amp;format=csv" in page
    assert f"{EXPORT}?person=clerk&amp;sort=at&amp;format=xlsx" in page
    assert '<a href="?person=clerk&amp;sort=-at">时间</a>▲' in page
    assert '<input type="hidden" name="sort" value="at">' in page  # the filter form keeps the sort
    assert "13812345678" not in page and "=HYPERLINK(1) 138****5678 催缴" in page
    assert "共 3 条 · 第 1/1 页" in signed_in(town.supervisor).get(PAGE).content.decode()


def _csv(answer: HttpResponseBase) -> list[list[str]]:
    return list(csv.reader(io.StringIO(streamed(answer).decode("utf-8-sig"))))


def test_the_export_has_the_rows_of_the_filtered_sorted_page_masked_as_on_the_page(
    town: City, audits: dict[int, UnmaskAudit]
) -> None:
    client = signed_in(town.admin)
    a, b = town.account.account_no, town.other_unit_account.account_no
    query = "person=clerk&sort=at"
    shown = [(r.account_no, r.reason_text) for r in client.get(f"{PAGE}?{query}").context["page"]]
    expected = [
        HEADER,
        ["2026-03-02 10:00", "clerk", "clerk", "营业员", "城区供电所", b, "客户A", "乡镇供电所", "欠费催缴联系", "'=HYPERLINK(1) 138****5678 催缴", "已显示"],
        ["2026-03-02 12:00", "clerk", "clerk", "营业员", "城区供电所", a, "客户B", "城区供电所", "办理业务核实身份", "柜台办理过户核实", "已显示"],
    ]  # fmt: skip
    rows = _csv(client.get(f"{EXPORT}?{query}&format=csv"))
    assert rows == expected
    assert [(r[5], r[9].removeprefix("'")) for r in rows[1:]] == shown  # the page's rows, as masked
    sheet = load_workbook(io.BytesIO(streamed(client.get(f"{EXPORT}?{query}&format=xlsx")))).active
    assert sheet is not None
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == expected
    refused = _csv(client.get(f"{EXPORT}?sort=-outcome&outcome=refused"))
    assert refused[1][1:] == ["agent", "agent", "95598坐席", "", b, "客户A", "乡镇供电所", "客户来电核实", "客户来电核实身份", "已拒绝（超出每小时次数）"]  # fmt: skip
    # The supervisor's export: the rows of U1's accounts and U1's staff, in the page's order.
    mine = _csv(signed_in(town.supervisor).get(f"{EXPORT}?sort=-at"))
    assert [(r[2], r[5]) for r in mine[1:]] == [("other_manager", a), ("clerk", a), ("clerk", b)]
    for answer in (rows, mine):
        assert "13812345678" not in "\n".join(",".join(r) for r in answer)


@pytest.mark.parametrize("persona", ["clerk", "guide", "manager", "agent", "kam", "community", "planner", "outsider"])
def test_a_post_without_the_audit_gets_no_export_and_nothing_is_written(
    town: City, audits: dict[int, UnmaskAudit], persona: str
) -> None:
    before = list(UnmaskAudit.objects.order_by("pk").values_list("pk", "outcome", "created_at"))
    client = signed_in(town.users[persona])
    refused = 404 if persona == "outsider" else 403
    for fmt in ("csv", "xlsx"):
        answer = client.get(f"{EXPORT}?sort=person&format={fmt}")
        assert answer.status_code == refused
        assert "客户A" not in answer.content.decode()
    assert list(UnmaskAudit.objects.order_by("pk").values_list("pk", "outcome", "created_at")) == before
    assert not AccountEvent.objects.exists()
    assert not UnmaskAlert.objects.exists()
