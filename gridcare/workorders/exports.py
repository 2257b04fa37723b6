"""Exports of the work orders: the list as the page filters it, and the figures workbook."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from io import BytesIO

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook

from gridcare.core.paging import export_row
from gridcare.core.timezone import SHANGHAI
from gridcare.customers.rules import mask_phone
from gridcare.workorders.models import ConnectionCategory, NewConnection, Stage, WorkOrder
from gridcare.workorders.rules import setting
from gridcare.workorders.selectors import Figures


def order_list_header() -> list[str]:
    return [
        _("工单编号"),
        _("类型"),
        _("紧急程度"),
        _("状态"),
        _("受理时间"),
        _("供电单位"),
        _("负责人"),
        _("诉求"),
        _("联系电话"),
        _("户号"),
        _("催办次数"),
    ]


def export_max_rows() -> int:
    return setting("EXPORT_MAX_ROWS")


def order_list_capped(orders: QuerySet[WorkOrder]) -> Iterator[list[str | datetime | int]]:
    """The rows of ``order_list_lines`` up to EXPORT_MAX_ROWS; past it, a last line saying how many
    there were and that only the first ones are in the file."""
    cap = export_max_rows()
    total = orders.count()
    yield from order_list_lines(orders[:cap].iterator(chunk_size=2000))
    if total > cap:
        yield [_("共 %(total)d 张工单，仅导出前 %(cap)d 张；请缩小查询范围后分批导出。") % {"total": total, "cap": cap}]


def order_list_lines(orders: Iterable[WorkOrder]) -> Iterator[list[str | datetime | int]]:
    """One row per order, the columns of the list page (labels, never codes); phones masked."""
    for o in orders:
        kind = o.get_type_display() + (f" · {o.get_complaint_class_display()}" if o.complaint_class else "")
        yield [
            o.number,
            kind,
            o.get_urgency_display(),
            o.get_status_display(),
            o.received_at,
            o.supply_unit.name if o.supply_unit else "",
            o.owner.name if o.owner else "",
            o.text,
            mask_phone(o.phone),
            o.account.account_no if o.account else "",
            o.urge_count,
        ]


def connection_list_header() -> list[str]:
    return [_("申请编号"), _("申请人"), _("类别"), _("当前环节"), _("环节时限"), _("总时限"), _("客户经理")]


def connection_list_lines(rows: Iterable[NewConnection]) -> Iterator[list[str | datetime | None]]:
    """One row per application, the columns of the list page (labels, never codes)."""
    for c in rows:
        manager = c.account_manager
        yield [
            c.number,
            c.applicant,
            str(ConnectionCategory(c.category).label),
            str(Stage(c.stage).label),
            c.stage_due_at,
            c.due_at,
            manager.name if manager else "",
        ]


def figures_workbook(f: Figures) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("汇总")
    sheet.append(
        export_row(
            [_("统计期间"), f"{f.start.astimezone(SHANGHAI):%Y-%m-%d}", f"{f.end.astimezone(SHANGHAI):%Y-%m-%d}"]
        )
    )
    rows: list[tuple[str, object]] = [
        (_("统计范围"), f.viewed.name),
        (_("工单总数"), f.total),
        (_("投诉数"), f.complaints),
        (_("在册客户数"), f.customers),
        (_("每万户投诉数"), round(f.complaints_per_10k, 2) if f.complaints_per_10k is not None else None),
        (_("到期时限数"), f.deadlines_due),
        (_("按时完成数"), f.deadlines_kept),
        (_("时限达标率"), round(f.compliance, 4) if f.compliance is not None else None),
        (_("重复投诉数"), f.repeat_complaints),
        (_("回访联系上"), f.callbacks_reached),
        (_("回访满意"), f.callbacks_satisfied),
        (_("回访满意率"), round(f.satisfaction, 4) if f.satisfaction is not None else None),
    ]
    for row in rows:
        sheet.append(export_row(list(row)))
    for title, header, data in (
        (_("按类型"), _("工单类型"), f.type_rows),
        (_("投诉分类"), _("投诉分类"), f.class_rows),
        (_("按单位"), _("供电单位"), f.by_unit),
    ):
        page = book.create_sheet(title)
        page.append(export_row([header, _("数量")]))
        for key, n in data:
            page.append(export_row([key, n]))
    out = BytesIO()
    book.save(out)
    return out.getvalue()
