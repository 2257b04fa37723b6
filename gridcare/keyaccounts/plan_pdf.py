"""An emergency supply plan (应急方案) printed in Chinese on A4 (reportlab, the house font of
gridcare.billing.pdf): the account, the critical loads, backup sources, contacts, switching
steps, last drill and review date. ``plan_sections`` gives the texts the PDF prints (the test
checks each character is in the font)."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from gridcare.billing.pdf import _font, company_name
from gridcare.keyaccounts.models import EmergencyPlan
from gridcare.keyaccounts.rules.plans import BACKUP_TYPES

Section = tuple[str, list[str], list[list[str]]]


def plan_title(plan: EmergencyPlan) -> str:
    return _("%(name)s 应急供电方案（第 %(version)d 版）") % {
        "name": plan.account.customer.name,
        "version": plan.version,
    }


def plan_facts(plan: EmergencyPlan) -> list[tuple[str, str]]:
    account = plan.account
    return [
        (_("户号"), account.account_no),
        (_("用电地址"), account.address),
        (_("重要等级"), str(account.get_importance_grade_display())),
        (_("合同容量"), f"{account.contract_capacity_kva} kVA"),
        (_("最近演练"), plan.last_drill_on.isoformat() if plan.last_drill_on else _("未演练")),
        (_("复核期限"), plan.review_due_on.isoformat()),
        (_("制定日期"), plan.created_at.date().isoformat()),
    ]


def plan_sections(plan: EmergencyPlan) -> list[Section]:
    """The plan's tables: heading, column names and rows, as printed."""
    return [
        (
            _("重要负荷"),
            [_("负荷名称"), _("容量（kW）"), _("允许停电（分钟）")],
            [[r["name"], str(r["kw"]), str(r["tolerance_minutes"])] for r in plan.critical_loads],
        ),
        (
            _("备用电源"),
            [_("类型"), _("容量（kW）"), _("启动时间（分钟）")],
            [
                [str(BACKUP_TYPES.get(r["type"], r["type"])), str(r["kw"]), str(r["start_minutes"])]
                for r in plan.backup_sources
            ],
        ),
        (
            _("联系人"),
            [_("姓名"), _("职务"), _("电话")],
            [[r["name"], r["role"], r["phone"]] for r in plan.contacts],
        ),
        (
            _("倒闸操作步骤"),
            [_("步骤"), _("操作")],
            [[str(n), step] for n, step in enumerate(plan.switching_steps, start=1)],
        ),
    ]


def _table(header: list[str], rows: list[list[str]], font: str, style: ParagraphStyle) -> Table:
    data: list[list[Any]] = [header, *[[Paragraph(escape(cell), style) for cell in row] for row in rows]]
    if not rows:
        data.append([_("无")] + [""] * (len(header) - 1))
    table = Table(data, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 9),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa7b4")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def plan_pdf(plan: EmergencyPlan) -> bytes:
    font = _font()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=15 * mm
    )
    doc.title = plan_title(plan)
    heading = ParagraphStyle("h", fontName=font, fontSize=14, leading=20, spaceAfter=4)
    sub = ParagraphStyle("s", fontName=font, fontSize=10, leading=14, spaceBefore=8, spaceAfter=4)
    cell = ParagraphStyle("c", fontName=font, fontSize=9, leading=12)
    story: list[Any] = [Paragraph(company_name(), sub), Paragraph(escape(plan_title(plan)), heading)]
    story.append(_table([_("项目"), _("内容")], [[k, v] for k, v in plan_facts(plan)], font, cell))
    for name, header, rows in plan_sections(plan):
        story.append(Paragraph(name, sub))
        story.append(_table(header, rows, font, cell))
    if plan.note:
        story.append(Spacer(1, 4 * mm))
        story.append(Paragraph(escape(_("说明：%(note)s") % {"note": plan.note}), cell))
    doc.build(story)
    return out.getvalue()
