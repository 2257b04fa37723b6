"""The unmasking audit page /customers/unmask-audit/: who looked at what, when and why; filters,
paging and a masked, formula-safe export; supervisors see their unit, administrators all
(CUST-4, finding 4)."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

import pytest
from openpyxl import load_workbook

from gridcare.core.testing import City, signed_in, streamed
from gridcare.core.timezone import SHANGHAI
from gridcare.customers import services
from gridcare.customers.models import Account, UnmaskAudit
from gridcare.org.access import scope_for

PAGE = "/customers/unmask-audit/"
EXPORT = "/customers/unmask-audit/export/"
ALLOWED = {"supervisor", "other_supervisor", "admin"}
PERSONAS = ["clerk", "guide", "manager", "agent", "supervisor", "other_supervisor", "kam", "community", "planner", "admin", "outsider"]  # fmt: skip


def _look(
    town: City, persona: str, account: Account, code: str = "caller_check", text: str = "客户来电核实身份"
) -> None:
    user = town.users[persona]
    services.account_unmask(scope=scope_for(user), actor=user, account=account, reason=text, reason_code=code)


@pytest.fixture
def looks(town: City) -> City:
    """clerk (U1) looks at a U1 and a U2 account; the U2 hall manager at the U1 account; the
    95598 agent (no unit) at the U2 account."""
    _look(town, "clerk", town.account, "identity_check", "柜台办理过户核实")
    _look(town, "clerk", town.other_unit_account, "arrears_contact", "=HYPERLINK(1) 13812345678 催缴")
    _look(town, "other_manager", town.account, "work_order_callback", "工单回访联系客户")
    _look(town, "agent", town.other_unit_account, "caller_check", "客户来电核实身份")
    return town


def _rows(persona: str, town: City, query: str = "") -> list[tuple[str, str]]:
    response = signed_in(town.users[persona]).get(EXPORT + "?format=csv" + query)
    lines = list(csv.reader(io.StringIO(streamed(response).decode("utf-8-sig"))))
    return sorted((row[2], row[5]) for row in lines[1:])


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_open_the_audit_page_and_its_export(looks: City, persona: str) -> None:
    client = signed_in(looks.users[persona])
    expected = 200 if persona in ALLOWED else (404 if persona == "outsider" else 403)
    assert client.get(PAGE).status_code == expected
    assert client.get(EXPORT).status_code == expected
    home = client.get("/").content.decode()
    assert ("查看完整信息审计" in home) is (persona in ALLOWED)


@pytest.mark.django_db
def test_a_supervisor_sees_their_units_accounts_and_their_units_staff(looks: City) -> None:
    a, b = looks.account.account_no, looks.other_unit_account.account_no
    assert _rows("supervisor", looks) == sorted([("clerk", a), ("clerk", b), ("other_manager", a)])
    assert _rows("other_supervisor", looks) == sorted([("clerk", b), ("other_manager", a), ("agent", b)])
    assert _rows("admin", looks) == sorted([("clerk", a), ("clerk", b), ("other_manager", a), ("agent", b)])


@pytest.mark.django_db
def test_the_page_lists_who_what_when_and_why(looks: City) -> None:
    page = signed_in(looks.supervisor).get(PAGE).content.decode()
    assert "共 3 条 · 第 1/1 页" in page
    assert "工单回访联系客户" in page and "other_manager" in page and "营业厅经理" in page
    assert "=HYPERLINK(1) 138****5678 催缴" in page
    assert "13812345678" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("&person=clerk", [("clerk", "A"), ("clerk", "B")]),
        ("&person=other_manager", [("other_manager", "A")]),
        ("&reason=work_order_callback", [("other_manager", "A")]),
        ("&account_no=ACCOUNT_B", [("agent", "B"), ("clerk", "B")]),
        ("&outcome=refused", []),
        ("&date_from=2024-03-01&date_to=2024-03-01", [("agent", "B")]),
        ("&date_from=2024-03-02", [("clerk", "A"), ("clerk", "B"), ("other_manager", "A")]),
    ],
)
def test_the_filters(looks: City, query: str, expected: list[tuple[str, str]]) -> None:
    # The agent's look was on 1 March 2024 at 23:30 Shanghai (15:30 UTC).
    UnmaskAudit.objects.filter(actor=looks.agent).update(created_at=datetime(2024, 3, 1, 23, 30, tzinfo=SHANGHAI))
    a, b = looks.account.account_no, looks.other_unit_account.account_no
    query = query.replace("ACCOUNT_B", b)
    names = {"A": a, "B": b}
    assert _rows("admin", looks, query) == sorted((who, names[k]) for who, k in expected)


@pytest.mark.django_db
def test_bad_filters_are_explained_not_a_500(looks: City) -> None:
    client = signed_in(looks.admin)
    response = client.get(PAGE + "?date_from=2024-13-45&date_to=abc&reason=nope&account_no=" + "9" * 50)
    assert response.status_code == 200
    body = response.content.decode()
    assert "输入一个有效的日期。" in body
    assert "共 4 条" in body  # the bad filters are left out, the good ones kept
    assert client.get(PAGE + "?date_from=9999-12-31&date_to=9999-12-31").status_code == 200
    assert client.get(PAGE + "?date_from=2024-03-02&date_to=2024-03-01").status_code == 200
    assert (
        "截止日期不能早于起始日期。" in client.get(PAGE + "?date_from=2024-03-02&date_to=2024-03-01").content.decode()
    )
    assert client.get(EXPORT + "?date_from=9999-12-31").status_code == 200


@pytest.mark.django_db
def test_the_list_is_paged(looks: City, settings: Any) -> None:
    settings.GRIDCARE_PAGE_SIZE = 3
    client = signed_in(looks.admin)
    assert "共 4 条 · 第 1/2 页" in client.get(PAGE).content.decode()
    second = client.get(PAGE + "?page=2&person=").content.decode()
    assert "共 4 条 · 第 2/2 页" in second
    assert f"{EXPORT}?person=&amp;format=csv" in second


@pytest.mark.django_db
def test_the_export_is_masked_and_formula_safe_in_csv_and_excel(looks: City) -> None:
    client = signed_in(looks.admin)
    response = client.get(EXPORT + "?format=csv&reason=arrears_contact")
    lines = list(csv.reader(io.StringIO(streamed(response).decode("utf-8-sig"))))
    assert lines[0] == [
        "时间", "经办人", "用户名", "岗位", "经办人单位", "户号", "客户名称", "户号所属单位", "查看原因", "原因说明", "结果",
    ]  # fmt: skip
    row = lines[1]
    assert row[1:] == [
        "clerk",
        "clerk",
        "营业员",
        "城区供电所",
        looks.other_unit_account.account_no,
        "李四",
        "乡镇供电所",
        "欠费催缴联系",
        "'=HYPERLINK(1) 138****5678 催缴",
        "已显示",
    ]
    assert len(lines) == 2
    workbook = client.get(EXPORT + "?format=xlsx&reason=arrears_contact")
    sheet = load_workbook(io.BytesIO(streamed(workbook))).active
    assert sheet is not None
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[1][9] == "'=HYPERLINK(1) 138****5678 催缴"
