"""The archive-quality check and its worklist (CUST-3)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command

from gridcare.core.testing import City, make_account, signed_in, streamed
from gridcare.customers.models import ArchiveIssue, Contact
from gridcare.customers.quality import archive_check, issues_of


def test_issue_rules_on_single_records() -> None:
    good = dict(customer_class="residential", address="上城区解放路1号", id_number="11010519491231002X", has_area=True)
    assert issues_of(**good, contacts=[("13812345678", "valid")]) == set()
    assert issues_of(**good, contacts=[]) == {"missing_phone"}
    assert issues_of(**good, contacts=[("1381234567", "valid"), ("13812345678", "failed")]) == {
        "invalid_phone",
        "failed_phone",
    }
    assert issues_of(**dict(good, id_number="110105194912310021"), contacts=[("13812345678", "valid")]) == {
        "invalid_id"
    }
    assert issues_of(**dict(good, id_number=""), contacts=[("13812345678", "valid")]) == {"missing_id"}
    business = dict(good, customer_class="commercial", id_number="", has_area=False, address="路")
    assert issues_of(**business, contacts=[("13812345678", "valid")]) == {"missing_grid", "missing_address"}


@pytest.mark.django_db
def test_the_check_opens_issues_once_and_resolves_them_when_fixed(town: City) -> None:
    first = archive_check()
    # 张三 is complete; 李四 and 王五 have no ID number and no 台区.
    assert (first.accounts, first.opened, first.resolved) == (3, 4, 0)
    assert sorted(ArchiveIssue.objects.values_list("account__customer__name", "kind")) == [
        ("李四", "missing_grid"),
        ("李四", "missing_id"),
        ("王五", "missing_grid"),
        ("王五", "missing_id"),
    ]
    again = archive_check()
    assert (again.opened, again.resolved) == (0, 0)
    assert ArchiveIssue.objects.count() == first.opened
    Contact.objects.filter(customer=town.account.customer).update(status="failed")
    third = archive_check()
    assert (third.opened, third.resolved) == (1, 0)
    Contact.objects.filter(customer=town.account.customer).update(status="valid")
    fourth = archive_check()
    assert (fourth.opened, fourth.resolved) == (0, 1)
    assert ArchiveIssue.objects.filter(resolved_at__isnull=True).count() == first.opened


@pytest.mark.django_db
def test_the_command_reports_counts_per_kind(town: City) -> None:
    make_account(10, town.unit, town.hall, "赵十", phone="1381234567", id_number="11010519491231002X")
    out = io.StringIO()
    call_command("archive_check", "--unit", "U1", stdout=out)
    text = out.getvalue()
    assert "检查用电户 2 户" in text
    assert "手机号码格式错误: 1" in text


@pytest.mark.django_db
def test_the_worklist_page_and_its_masked_export(town: City) -> None:
    make_account(10, town.unit, town.hall, "赵十", phone="1381234567", id_number="11010519491231002X")
    archive_check()
    client = signed_in(town.manager)
    page = client.get("/customers/worklist/?kind=invalid_phone").content.decode()
    assert "赵十" in page and "手机号码格式错误" in page
    export = client.get("/customers/worklist.csv?kind=invalid_phone")
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(streamed(export).decode("utf-8-sig"))))
    assert rows[0][:5] == ["户号", "客户名称", "用电地址", "供电单位", "问题"]
    assert rows[1][0] == "0000000109"
    assert rows[1][4:7] == ["手机号码格式错误", "138***4567", "110105********002X"]
    assert len(rows) == 2


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["clerk", "guide", "agent", "planner", "outsider"])
def test_the_worklist_is_for_the_roles_that_work_it(town: City, persona: str) -> None:
    client = signed_in(town.users[persona])
    refused = 404 if persona == "outsider" else 403  # no post sees nothing; another post is forbidden
    assert client.get("/customers/worklist/").status_code == refused
    assert client.get("/customers/worklist.csv").status_code == refused


@pytest.mark.django_db
def test_a_supervisor_sees_only_the_issues_of_the_unit(town: City) -> None:
    archive_check()
    page = signed_in(town.other_supervisor).get("/customers/worklist/").content.decode()
    assert "李四" in page and "王五" not in page and "张三" not in page
