"""The monthly report's files (ASSESS-7): an Excel workbook and a PDF, both made from the one
numbers dict of ``services.reports.report_numbers`` and nothing else, so the three agree.

The PDF uses the house's embedded Chinese font (the subset of Noto Sans CJK SC beside the bill
PDF, gridcare/billing/fonts), so it prints without system fonts.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from gridcare.billing.pdf import _font, company_name
from gridcare.core.paging import export_row

Cell = str | int | float | None


def title(numbers: dict[str, Any]) -> str:
    return _("%(subject)s %(month)s 优质服务月度报告") % {"subject": numbers["subject"], "month": numbers["month"]}


def shown(value: Any) -> str:
    """A value as the page and the PDF print it ("—" when there is nothing to compute it from)."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def headline_rows(numbers: dict[str, Any]) -> list[list[Cell]]:
    return [[h["label"], h["value"], h["previous"]] for h in numbers["headline"]]


def breakdown_rows(numbers: dict[str, Any]) -> list[list[Cell]]:
    return [[row["name"], *row["values"]] for row in numbers["breakdown"]["rows"]]


def trend_rows(numbers: dict[str, Any]) -> list[list[Cell]]:
    trend = numbers["trend"]
    return [[month, *[s["values"][i] for s in trend["series"]]] for i, month in enumerate(trend["months"])]


def star_rows(numbers: dict[str, Any]) -> list[list[Cell]]:
    labels = {"hall": _("营业厅"), "unit": _("供电单位")}
    return [[labels.get(r["level"], r["level"]), *r["counts"]] for r in numbers["stars"]["levels"]]


def ledger_rows(numbers: dict[str, Any]) -> list[list[Cell]]:
    ledger = numbers["ledger"]
    rows: list[list[Cell]] = [
        [_("批准的奖惩记录"), ledger["entries"]],
        [_("奖励"), ledger["rewards"]],
        [_("处罚"), ledger["penalties"]],
        [_("分值合计"), ledger["points"]],
        [_("金额合计（元）"), ledger["amount"]],
    ]
    rows += [[_("本月转入“%(state)s”") % {"state": p["label"]}, p["count"]] for p in numbers["posts"]]
    return rows


def complaint_rows(numbers: dict[str, Any]) -> list[list[Cell]]:
    """The total, each class, then each cause with complaints (under its class's name)."""
    found = numbers["complaints"]
    lines = [found["total"], *found["by_class"]]
    rows: list[list[Cell]] = [[x["label"], x["complaints"], x["per_10k"] or "—", x["repeats"]] for x in lines]
    rows += [
        [f"{x['group']} · {x['label']}", x["complaints"], x["per_10k"] or "—", x["repeats"]] for x in found["by_cause"]
    ]
    return rows


def action_rows(numbers: dict[str, Any]) -> list[list[Cell]]:
    actions = numbers["actions"]
    rows: list[list[Cell]] = [
        [_("本月评估：%(result)s") % {"result": x["label"]}, x["count"]] for x in actions["evaluated"]
    ]
    rows += [[_("月末进行中"), actions["running"]], [_("本月到期"), actions["due"]]]
    return rows


def survey_rows(numbers: dict[str, Any]) -> list[list[Cell]]:
    surveys = numbers["surveys"]
    rows: list[list[Cell]] = [
        [_("发出邀请：%(channel)s") % {"channel": x["label"]}, x["count"]] for x in surveys["by_channel"]
    ]
    rows += [
        [_("本月邀请已答"), surveys["answered_of_sent"]],
        [_("本月邀请回复率（%）"), surveys["rate"] or "—"],
        [_("本月收回答卷"), surveys["answered"]],
    ]
    return rows


def sections(numbers: dict[str, Any]) -> list[tuple[str, list[str], list[list[Cell]]]]:
    """The report's tables in order: (heading, header, rows), for the workbook and the PDF."""
    trend = numbers["trend"]
    tables = [
        (_("主要指标"), [_("指标"), _("本月"), _("上月")], headline_rows(numbers)),
        (
            _("分项情况") if numbers["level"] == "unit" else _("各供电单位"),
            [_("名称"), *numbers["breakdown"]["columns"]],
            breakdown_rows(numbers),
        ),
        (_("近12个月趋势"), [_("月份"), *[s["label"] for s in trend["series"]]], trend_rows(numbers)),
        (_("星级评定分布"), [_("层级"), "★★★★★", "★★★★", "★★★", "★★", "★"], star_rows(numbers)),
        (_("奖惩与岗位"), [_("项目"), _("数量")], ledger_rows(numbers)),
    ]
    if "complaints" in numbers:  # reports archived before version 2 have neither
        repeat = _("重复投诉（%(days)s天内）") % {"days": numbers["complaints"]["repeat_days"]}
        header = [_("分类与原因"), _("投诉件数"), _("每万户投诉"), repeat]
        tables.append((_("投诉分析"), header, complaint_rows(numbers)))
        tables.append((_("改进措施"), [_("项目"), _("数量")], action_rows(numbers)))
    if "surveys" in numbers:  # reports archived before version 3 have none
        tables.append((_("满意度调查"), [_("项目"), _("数量")], survey_rows(numbers)))
    return tables


def report_workbook(numbers: dict[str, Any]) -> bytes:
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    bold = Font(bold=True)
    for heading, header, rows in sections(numbers):
        sheet = book.create_sheet(heading[:31])
        sheet.append([title(numbers)])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([heading])
        sheet.append(list(header))
        for cell in sheet[3]:
            cell.font = bold
            cell.alignment = Alignment(horizontal="center")
        for row in rows:
            sheet.append(export_row(row))
        sheet.column_dimensions["A"].width = 28
        for letter in "BCDEFGHIJ":
            sheet.column_dimensions[letter].width = 16
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _table(header: Sequence[str], rows: list[list[Cell]], font: str) -> Table:
    data = [list(header), *[[shown(v) for v in row] for row in rows]]
    table = Table(data, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 8),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa7b4")),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _trend_chart(numbers: dict[str, Any], font: str) -> Drawing:
    """The satisfaction and waiting-target rates of the last 12 months as lines (percent)."""
    trend = numbers["trend"]
    drawing = Drawing(170 * mm, 60 * mm)
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 15 * mm, 10 * mm, 140 * mm, 42 * mm
    lines = [s for s in trend["series"] if s["code"] in ("within_target", "satisfaction_rate", "deadline_rate")]
    data = []
    for s in lines:
        points = [(i + 1, v) for i, v in enumerate(s["values"]) if v is not None]
        data.append(points or [(1, 0)])
    plot.data = data
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = 1, max(len(trend["months"]), 2)
    plot.xValueAxis.valueSteps = list(range(1, len(trend["months"]) + 1))
    plot.xValueAxis.labelTextFormat = lambda i: (
        trend["months"][int(i) - 1][2:] if 1 <= i <= len(trend["months"]) else ""
    )
    plot.xValueAxis.labels.fontName = font
    plot.xValueAxis.labels.fontSize = 6
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax = 0, 100
    plot.yValueAxis.labels.fontName = font
    plot.yValueAxis.labels.fontSize = 6
    palette = [colors.HexColor("#2f6fb0"), colors.HexColor("#d9822b"), colors.HexColor("#3b8f5a")]
    for i in range(len(lines)):
        plot.lines[i].strokeColor = palette[i % len(palette)]
        plot.lines[i].strokeWidth = 1.2
    drawing.add(plot)
    for i, s in enumerate(lines):
        drawing.add(String(20 * mm + i * 45 * mm, 55 * mm, s["label"], fontName=font, fontSize=7, fillColor=palette[i]))
    return drawing


def report_pdf(numbers: dict[str, Any]) -> bytes:
    font = _font()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=15 * mm
    )
    doc.title = title(numbers)
    heading = ParagraphStyle("h", fontName=font, fontSize=14, leading=20, spaceAfter=4)
    sub = ParagraphStyle("s", fontName=font, fontSize=10, leading=14, spaceBefore=8, spaceAfter=4)
    small = ParagraphStyle("n", fontName=font, fontSize=8, leading=11, textColor=colors.HexColor("#555555"))
    story: list[Any] = [Paragraph(company_name(), sub), Paragraph(title(numbers), heading)]
    through = numbers.get("rolled_through")
    story.append(Paragraph(_("数据截至 %(day)s（每日汇总）。") % {"day": through or "—"}, small))
    for i, (name, header, rows) in enumerate(sections(numbers)):
        story.append(Paragraph(name, sub))
        story.append(_table(header, rows, font))
        if i == 2:
            story.append(Spacer(1, 4 * mm))
            story.append(_trend_chart(numbers, font))
    story.append(Spacer(1, 6 * mm))
    story.append(
        Paragraph(_("本报告由系统于每月1日根据考核日汇总数据生成并归档；页面、Excel 与 PDF 数据一致。"), small)
    )
    doc.build(story)
    return out.getvalue()
