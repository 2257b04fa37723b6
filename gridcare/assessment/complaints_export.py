"""The complaint analysis as an Excel workbook (投诉分析): the same numbers as the page, one
sheet per table (summary, by class, by unit, by cause, the 12 months' trend)."""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from gridcare.assessment.selectors_complaints import Analysis, Line
from gridcare.core.paging import export_row


def _rounded(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None


def line_cells(line: Line) -> list[Any]:
    """A table row as the page shows it: complaints, customers, per 10,000 (2 decimals), repeats."""
    return [line.complaints, line.customers, _rounded(line.per_10k), line.repeats]


def _sheet(book: Workbook, title: str, header: list[str], rows: Iterable[list[Any]]) -> None:
    sheet = book.create_sheet(title)
    sheet.append(export_row(header))
    for row in rows:
        sheet.append(export_row(row))


def analysis_workbook(a: Analysis) -> bytes:
    book = Workbook()
    summary = book.active
    summary.title = _("汇总")
    numbers = [_("投诉数"), _("客户数"), _("每万户投诉"), _("重复投诉")]
    for row in (
        [_("统计期间"), a.start.isoformat(), a.end.isoformat()],
        [_("统计范围"), a.place],
        [_("重复投诉天数"), a.repeat_days],
        ["", *numbers],
        [a.total.label, *line_cells(a.total)],
    ):
        summary.append(export_row(row))
    _sheet(book, _("按投诉分类"), [_("投诉分类"), *numbers], ([x.label, *line_cells(x)] for x in a.by_class))
    _sheet(book, _("按供电单位"), [_("供电单位"), *numbers], ([x.label, *line_cells(x)] for x in a.by_unit))
    _sheet(
        book,
        _("按投诉原因"),
        [_("投诉分类"), _("投诉原因"), *numbers],
        ([x.group, x.label, *line_cells(x)] for x in a.by_cause),
    )
    _sheet(
        book,
        _("月度趋势"),
        [_("月份"), _("截至"), *numbers],
        (
            [f"{m.month:%Y-%m}", m.last_day.isoformat(), m.complaints, m.customers, _rounded(m.per_10k), m.repeats]
            for m in a.trend
        ),
    )
    out = BytesIO()
    book.save(out)
    return out.getvalue()
