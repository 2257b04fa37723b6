"""``manage.py import_load_files``: a directory of metering exports, each file through
``load_import`` — imported whole or refused whole, the others going on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gridcare.core.testing import City, make_account
from gridcare.keyaccounts.models import LoadImport
from gridcare.keyaccounts.store import load_store
from gridcare.org.models import Staff

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 10, 31, 16, 0, tzinfo=UTC)  # 2026-11-01 00:00 Beijing


@pytest.fixture
def town(town: City) -> City:
    manager = Staff.objects.get(user=town.kam)
    town.account.key_account_manager = manager
    town.account.contract_capacity_kva = Decimal(500)
    town.account.save(update_fields=["key_account_manager", "contract_capacity_kva"])
    second = make_account(30, town.unit, town.hall, "第二户")
    second.key_account_manager = manager
    second.save(update_fields=["key_account_manager"])
    town.second = second  # type: ignore[attr-defined]
    return town


def export(path: Path, account_no: str, kw: float) -> None:
    lines = [f"{account_no},2026-11-01 {m // 60:02d}:{m % 60:02d},{kw}" for m in range(0, 1440, 15)]
    path.write_text("\n".join(["户号,时间,有功功率(kW)", *lines]) + "\n", encoding="utf-8")


def test_a_directory_is_imported_file_by_file(town: City, tmp_path: Path) -> None:
    export(tmp_path / "1.csv", town.account.account_no, 10.0)
    export(tmp_path / "2.csv", town.second.account_no, 20.0)  # type: ignore[attr-defined]
    (tmp_path / "notes.md").write_text("not an export")
    out = StringIO()
    call_command("import_load_files", str(tmp_path), "--user", "kam", stdout=out)
    assert out.getvalue().splitlines() == [
        "1.csv: imported 96 rows, 1 accounts (2026-11)",
        "2.csv: imported 96 rows, 1 accounts (2026-11)",
        "2 files imported",
    ]
    assert list(LoadImport.objects.order_by("file_name").values_list("file_name", "status", "rows")) == [
        ("1.csv", "imported", 96),
        ("2.csv", "imported", 96),
    ]
    second = load_store().read(account_no=town.second.account_no, start=T0, end=T0 + timedelta(days=1))  # type: ignore[attr-defined]
    assert second.kw.tolist() == [20.0] * 96


def test_a_refused_file_is_refused_whole_and_the_others_go_on(town: City, tmp_path: Path) -> None:
    export(tmp_path / "1.csv", town.account.account_no, 10.0)
    export(tmp_path / "2.csv", town.other_unit_account.account_no, 20.0)  # not the manager's
    (tmp_path / "3.csv").write_bytes(b"foo,bar\n1,2\n")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="2 of 3 files not imported"):
        call_command("import_load_files", str(tmp_path), "--user", "kam", stdout=out, stderr=err)
    refused = LoadImport.objects.get(file_name="2.csv")
    assert err.getvalue().splitlines() == [
        f"2.csv: refused, import {refused.pk}, 1 problems; first: row 2: "
        f"户号 {town.other_unit_account.account_no} 不存在",
        "3.csv: not imported: 文件缺少列：户号、时间、有功功率(kW)。",
    ]
    assert list(LoadImport.objects.order_by("file_name").values_list("file_name", "status")) == [
        ("1.csv", "imported"),
        ("2.csv", "refused"),
    ]
    assert [p.parent.name for p in load_store().root.rglob("*.parquet")] == ["unit=U1"]
    nothing = load_store().read(account_no=town.other_unit_account.account_no, start=T0, end=T0 + timedelta(days=1))
    assert nothing.kw.size == 0


def test_a_post_that_may_not_import_imports_nothing(town: City, tmp_path: Path) -> None:
    export(tmp_path / "1.csv", town.account.account_no, 10.0)
    with pytest.raises(CommandError, match="1.csv: "):
        call_command("import_load_files", str(tmp_path), "--user", "clerk", stdout=StringIO())
    with pytest.raises(CommandError, match="no active user"):
        call_command("import_load_files", str(tmp_path), "--user", "nobody")
    assert LoadImport.objects.count() == 0 and list(load_store().root.rglob("*.parquet")) == []
