"""The load-data pages per post (KEY-3): upload with its confirmation, the result (imported: rows,
accounts, months; refused: the problems as sentences), the history of imports in reach, newest
first; errors on their field, a refusal writes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gridcare.core.testing import City, signed_in
from gridcare.keyaccounts.models import LoadImport, LoadProblem
from gridcare.keyaccounts.selectors_loads import account_diagnosis
from gridcare.org.models import Staff

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 2)


@pytest.fixture
def town(town: City) -> City:
    account = town.account
    account.key_account_manager = Staff.objects.get(user=town.kam)
    account.contract_capacity_kva = Decimal(80)
    account.save(update_fields=["key_account_manager", "contract_capacity_kva"])
    return town


def csv_file(town: City, name: str = "负荷.csv", negative: bool = False) -> SimpleUploadedFile:
    lines = ["户号,时间,有功功率(kW)"]
    for m in range(0, 1440, 15):
        kw = 100 if 480 <= m < 660 else 40
        if negative and m == 60:
            kw = -5
        lines.append(f"{town.account.account_no},{DAY} {m // 60:02d}:{m % 60:02d},{kw}")
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode())


def test_the_manager_imports_a_file_and_sees_what_it_brought_in(town: City) -> None:
    client = signed_in(town.kam)
    page = client.get("/key-accounts/loads/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'enctype="multipart/form-data"' in text and "自动识别" in text and "60 分钟" in text
    answer = client.post("/key-accounts/loads/", {"file": csv_file(town), "interval_minutes": "15", "understood": "on"})
    done = LoadImport.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/key-accounts/loads/{done.pk}/"
    assert (done.status, done.rows, done.accounts, done.months) == ("imported", 96, 1, ["2026-11"])
    shown = client.get(answer["Location"]).content.decode()
    assert "已导入 96 行、1 户，涉及 2026-11。" in shown and "文件“负荷.csv”已导入" in shown
    assert client.get(answer["Location"]).content.decode().count("文件“负荷.csv”已导入") == 1  # it stays
    assert account_diagnosis(account=town.account, first=DAY, last=DAY).readings == 96
    listed = client.get("/key-accounts/loads/").content.decode()
    assert f'href="/key-accounts/loads/{done.pk}/"' in listed and "共 1 条" in listed


def test_the_newest_import_is_listed_first(town: City) -> None:
    client = signed_in(town.kam)
    client.post("/key-accounts/loads/", {"file": csv_file(town, "一.csv"), "understood": "on"})
    client.post("/key-accounts/loads/", {"file": csv_file(town, "二.csv"), "understood": "on"})
    listed = client.get("/key-accounts/loads/").content.decode()
    table = listed[listed.index("<h2>导入记录</h2>") :]
    assert table.index("二.csv") < table.index("一.csv")


def test_a_refused_file_lists_its_problems_as_sentences_and_stores_nothing(town: City) -> None:
    client = signed_in(town.kam)
    answer = client.post("/key-accounts/loads/", {"file": csv_file(town, negative=True), "understood": "on"})
    refused = LoadImport.objects.get()
    assert refused.status == "refused" and answer["Location"] == f"/key-accounts/loads/{refused.pk}/"
    page = client.get(answer["Location"]).content.decode()
    problem = LoadProblem.objects.get(load_import=refused)
    assert problem.kind == "negative"
    assert f"第 {problem.row} 行：负值——{problem.detail}" in page
    assert "有 1 个问题，整份文件未导入。" in page and "negative" not in page
    assert account_diagnosis(account=town.account, first=DAY, last=DAY).readings == 0


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"understood": "on"}, "file", "请选择要导入的文件。"),
        (
            {"interval_minutes": "45", "understood": "on", "with_file": True},
            "interval_minutes",
            "数据间隔只能是 15、30 或 60 分钟。",
        ),
        ({"with_file": True}, "understood", "请确认您已了解导入的后果。"),
        ({"interval_minutes": "15x", "understood": "on", "with_file": True}, "interval_minutes", "15、30 或 60"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_written(
    town: City, data: dict[str, object], field: str, message: str
) -> None:
    post = {k: v for k, v in data.items() if k != "with_file"}
    if data.get("with_file"):
        post["file"] = csv_file(town)
    answer = signed_in(town.kam).post("/key-accounts/loads/", post)
    assert answer.status_code == 200
    form = answer.context["form"]
    assert field in form.errors and message in " ".join(form.errors[field])
    assert LoadImport.objects.count() == 0


def test_an_unreadable_file_is_refused_on_the_file_field(town: City) -> None:
    junk = SimpleUploadedFile("x.xlsx", b"not a workbook")
    answer = signed_in(town.kam).post("/key-accounts/loads/", {"file": junk, "understood": "on"})
    assert answer.status_code == 200 and answer.context["form"].errors["file"]
    assert LoadImport.objects.count() == 0


def test_access_per_post(town: City) -> None:
    signed_in(town.kam).post("/key-accounts/loads/", {"file": csv_file(town), "understood": "on"})
    done = LoadImport.objects.get()
    for user in (town.clerk, town.community, town.planner):
        assert signed_in(user).get("/key-accounts/loads/").status_code == 403
        assert (
            signed_in(user).post("/key-accounts/loads/", {"file": csv_file(town), "understood": "on"}).status_code
            == 403
        )
    assert LoadImport.objects.count() == 1
    assert signed_in(town.supervisor).get(f"/key-accounts/loads/{done.pk}/").status_code == 200
    assert signed_in(town.other_supervisor).get(f"/key-accounts/loads/{done.pk}/").status_code == 404
    assert "负荷.csv" not in signed_in(town.other_supervisor).get("/key-accounts/loads/").content.decode()
    assert signed_in(town.kam).get("/key-accounts/loads/99999/").status_code == 404
