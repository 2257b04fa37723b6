"""Issue 11 item 18: uploads have configured size and row limits, checked before and while
parsing, with a clear message; nothing is imported from a refused file."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from pytest_django import Settings

from gridcare.billing.exceptions import BillingError
from gridcare.billing.models import Reading, ReadingImport
from gridcare.billing.services.readings import table_from_file
from gridcare.core.testing import City, signed_in

HEADER = "户号,账期,抄表日期,上次示数,本次示数\n"


@pytest.fixture
def small_limits(settings: Settings) -> None:
    settings.GRIDCARE_UPLOADS = {"MAX_BYTES": 20_000, "MAX_ROWS": 5, "MAX_XLSX_UNPACKED_BYTES": 200_000}


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _refused(name: str, content: bytes) -> str:
    with pytest.raises(BillingError) as refused:
        table_from_file(name, content)
    return str(refused.value.message)


def test_a_file_over_the_size_limit_is_refused_before_reading(small_limits: None) -> None:
    assert _refused("r.csv", HEADER.encode() + b"1" * 30_000) == "文件太大：30 KB，最大 20 KB。"


def test_a_file_over_the_row_limit_is_refused(small_limits: None) -> None:
    six = HEADER + "".join(f"000000001{i},2026-10,2026-10-28,1,2\n" for i in range(6))
    assert _refused("r.csv", six.encode()) == "文件行数超过上限 5 行，请分批导入。"
    five = HEADER + "".join(f"000000001{i},2026-10,2026-10-28,1,2\n" for i in range(5))
    assert len(table_from_file("r.csv", five.encode())) == 6
    assert _refused("r.xlsx", _xlsx([["户号"]] + [[str(i)] for i in range(6)])) == "文件行数超过上限 5 行，请分批导入。"


def test_an_excel_bomb_is_refused_from_its_zip_directory(small_limits: None) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<x>" + b" " * 1_000_000 + b"</x>")
    bomb = out.getvalue()
    assert len(bomb) < 20_000
    assert _refused("bomb.xlsx", bomb) == "Excel 文件解压后达 977 KB，超过上限 196 KB，未读取。"


def test_a_sheet_declaring_16384_columns_is_read_only_to_its_real_width() -> None:
    content = _xlsx([["户号", "账期"], ["0000000018", "2026-10"]])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b'<dimension ref="A1:B2" />', b'<dimension ref="A1:XFD2" />')
    assert b"XFD2" in parts[sheet]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    table = table_from_file("wide.xlsx", out.getvalue())
    assert [row[:2] for row in table] == [["户号", "账期"], ["0000000018", "2026-10"]]
    assert {len(row) for row in table} <= set(range(2, 65))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("r.xlsx", HEADER.encode(), "无法读取 Excel 文件：文件不是有效的 .xlsx 格式。"),
        ("r.csv", b"PK\x03\x04\x00\x00binary", "文件不是文本格式的 CSV（请上传 CSV 或 .xlsx 文件）。"),
        ("r.csv", b'a,"unclosed\n' + b"x" * 140_000, "文件有超过 65536 个字符的行，不是本系统的 CSV 格式。"),
        ("r.csv", b'a,"unclosed\n' + b"x\n" * 70_000, "CSV 文件格式有误（引号未闭合或字段过长），未读取。"),
        ("r.csv", b"," * 70_000, "文件有超过 65536 个字符的行，不是本系统的 CSV 格式。"),
    ],
)
def test_a_file_that_is_not_what_it_says_gets_a_clear_message(name: str, content: bytes, message: str) -> None:
    assert _refused(name, content) == message


def test_the_readings_page_refuses_an_oversize_file_and_imports_nothing(town: City, small_limits: None) -> None:
    upload = SimpleUploadedFile("r.csv", HEADER.encode() + b"9" * 40_000)
    page = signed_in(town.admin).post("/billing/readings/", {"file": upload})
    assert page.status_code == 200
    assert "文件太大：40 KB，最大 20 KB。" in page.content.decode()
    assert (Reading.objects.count(), ReadingImport.objects.count()) == (0, 0)
