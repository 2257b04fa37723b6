"""An account's energy diagnosis (节能诊断) printed in Chinese on A4 for the customer (reportlab,
the house font of gridcare.billing.pdf): the sentences, the figures, the peak/flat/valley split,
the charges, the basic-charge comparison, the hourly profiles as a chart and a table, and the
anomalies. ``pdf_texts`` gives every text it prints (the test checks each character is in the
font); everything comes from ``diagnosis_report.Report``, so the numbers are the page's."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from gridcare.billing.pdf import _font, company_name
from gridcare.keyaccounts.diagnosis_report import Report, Row, band_label

Section = tuple[str, list[str], list[Row]]
PALETTE = [colors.HexColor("#2f6fb0"), colors.HexColor("#d9822b")]


def pdf_title(r: Report) -> str:
    return _("%(name)s 用电能效诊断报告") % {"name": r.account.customer.name}


def pdf_facts(r: Report) -> list[str]:
    d = r.diagnosis
    return [
        _("户号：%(no)s　用电地址：%(address)s") % {"no": r.account.account_no, "address": r.account.address},
        _("合同容量：%(kva)s kVA　诊断期间：%(first)s 至 %(last)s")
        % {"kva": r.account.contract_capacity_kva, "first": d.first.isoformat(), "last": d.last.isoformat()},
    ]


def pdf_sections(r: Report) -> list[Section]:
    """The PDF's tables in order: heading, column names and rows, as printed."""
    return [
        (_("主要指标"), [_("指标"), _("数值")], r.figures),
        (_("峰平谷用电"), [_("时段"), _("用电量（kWh）"), _("占比")], r.split),
        (_("电费与功率因数"), [_("项目"), _("数值")], r.money),
        (_("基本电费比较（近12个月）"), [_("项目"), _("金额")], r.basic_totals),
        (_("各月最大需量"), [_("月份"), _("最大需量（kW）"), _("按需量基本电费（元）")], r.basic),
        (_("日内负荷（每小时平均）"), [_("时刻"), _("工作日（kW）"), _("周末（kW）")], r.profiles),
    ]


def pdf_notes() -> list[str]:
    return [
        _("异常提示"),
        _("本期未发现异常。"),
        _("本报告根据计量系统采集的负荷数据生成，电费为按现行电价测算的参考值，以实际账单为准。"),
        _("各时段用电量（kWh）"),
        _("工作日"),
        _("周末"),
    ]


def pdf_texts(r: Report) -> list[str]:
    """Every text the PDF prints."""
    texts = [company_name(), pdf_title(r), *pdf_facts(r), *r.summary, *r.anomalies, *pdf_notes()]
    texts += [band_label(k) for k in ("peak", "flat", "valley")]
    for heading, header, rows in pdf_sections(r):
        texts += [heading, *header, *[c for row in rows for c in row]]
    return texts


def _table(header: list[str], rows: list[Row], font: str) -> Table:
    table = Table([header, *rows] if rows else [header, ["—"] * len(header)], repeatRows=1, hAlign="LEFT")
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


def _profile_chart(r: Report, font: str) -> Drawing:
    """The working days' and the weekend's mean kW of each hour as two lines."""
    d = r.diagnosis
    drawing = Drawing(170 * mm, 60 * mm)
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 15 * mm, 10 * mm, 145 * mm, 40 * mm
    data = []
    for hours in (d.weekday_hours, d.weekend_hours):
        points = [(h, v) for h, v in enumerate(hours) if v is not None]
        data.append(points or [(0, 0.0)])
    plot.data = data
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = 0, 23
    plot.xValueAxis.valueSteps = list(range(0, 24, 2))
    plot.xValueAxis.labelTextFormat = lambda h: f"{int(h):02d}:00"
    top = max([v for hours in (d.weekday_hours, d.weekend_hours) for v in hours if v is not None] or [1.0])
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax = 0, top * 1.1 or 1
    for axis in (plot.xValueAxis, plot.yValueAxis):
        axis.labels.fontName, axis.labels.fontSize = font, 6
    for i, colour in enumerate(PALETTE):
        plot.lines[i].strokeColor, plot.lines[i].strokeWidth = colour, 1.2
    drawing.add(plot)
    for i, label in enumerate((_("工作日"), _("周末"))):
        drawing.add(String(20 * mm + i * 30 * mm, 54 * mm, label, fontName=font, fontSize=7, fillColor=PALETTE[i]))
    return drawing


def _split_chart(r: Report, font: str) -> Drawing:
    d = r.diagnosis
    drawing = Drawing(170 * mm, 45 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 15 * mm, 8 * mm, 80 * mm, 32 * mm
    chart.data = [[float(d.split[k]) for k in ("peak", "flat", "valley")]]
    chart.categoryAxis.categoryNames = [band_label(k) for k in ("peak", "flat", "valley")]
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = PALETTE[0]
    chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = chart.valueAxis.labels.fontSize = 7
    drawing.add(chart)
    drawing.add(String(100 * mm, 38 * mm, _("各时段用电量（kWh）"), fontName=font, fontSize=7))
    return drawing


def diagnosis_pdf(r: Report) -> bytes:
    font = _font()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=15 * mm
    )
    doc.title = pdf_title(r)
    heading = ParagraphStyle("h", fontName=font, fontSize=14, leading=20, spaceAfter=4)
    sub = ParagraphStyle("s", fontName=font, fontSize=10, leading=14, spaceBefore=8, spaceAfter=4)
    body = ParagraphStyle("b", fontName=font, fontSize=9, leading=13)
    small = ParagraphStyle("n", fontName=font, fontSize=8, leading=11, textColor=colors.HexColor("#555555"))
    story: list[Any] = [Paragraph(escape(company_name()), sub), Paragraph(escape(pdf_title(r)), heading)]
    story += [Paragraph(escape(line), small) for line in pdf_facts(r)]
    story.append(Spacer(1, 3 * mm))
    story += [Paragraph(escape(line), body) for line in r.summary]
    story.append(Paragraph(escape(_("异常提示")), sub))
    story += [Paragraph(escape(line), body) for line in r.anomalies] or [Paragraph(escape(_("本期未发现异常。")), body)]
    for i, (name, header, rows) in enumerate(pdf_sections(r)):
        story.append(Paragraph(escape(name), sub))
        if i == 1:
            story.append(_split_chart(r, font))
        if i == 5:
            story.append(_profile_chart(r, font))
        story.append(_table(header, rows, font))
    story.append(Spacer(1, 6 * mm))
    story.append(Paragraph(escape(pdf_notes()[2]), small))
    doc.build(story)
    return out.getvalue()
