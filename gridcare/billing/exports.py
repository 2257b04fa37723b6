"""Whole-list exports of the billing office (CSV / Excel through core.paging.export_response).
Personal data leaves masked (CUST-4): names through ``mask_name``, no phone or ID numbers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gridcare.billing.models import Bill, BillRun, DunningStep, ReadingException
from gridcare.billing.selectors import DunningRow, dunning_row
from gridcare.customers.rules import mask_name

CHUNK = 2000


def stage_label(stage: str) -> str:
    return {
        "reminder": _("待发欠费提醒"),
        "notice": _("已提醒，未满停电通知期限"),
        "cutoff_notice": _("可送达停电通知"),
        "cutoff": _("停电通知已送达，待停电"),
        "disconnected": _("已停电，待缴费"),
    }[stage]


def dunning_header() -> list[str]:
    return [
        _("户号"),
        _("客户名称"),
        _("供电单位"),
        _("营业厅"),
        _("账期"),
        _("欠费（元）"),
        _("截止日"),
        _("待办步骤"),
        _("上一步日期"),
        _("可办理自"),
        _("可办理至"),
    ]


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _dunning_line(row: DunningRow) -> list[Any]:
    account = row.bill.account
    return [
        account.account_no,
        mask_name(account.customer.name),
        account.supply_unit.name,
        account.hall.name if account.hall else "",
        row.bill.period,
        row.owed,
        row.bill.due_date.isoformat(),
        stage_label(row.stage),
        _day(row.done_on),
        _day(row.since),
        _day(row.until),
    ]


def dunning_lines(bills: QuerySet[Bill], on: date) -> Iterator[list[Any]]:
    """Every bill of the filtered dunning list, read a chunk at a time."""
    for bill in bills.iterator(chunk_size=CHUNK):
        yield _dunning_line(dunning_row(bill, on))


def ledger_header(by: str) -> list[str]:
    name = {"unit": _("供电单位"), "hall": _("营业厅"), "account": _("户号")}[by]
    return [name, _("欠费户数"), _("欠费笔数"), _("欠费本金（元）")]


def ledger_lines(rows: QuerySet[Any]) -> Iterator[list[Any]]:
    for r in rows.iterator(chunk_size=CHUNK):
        yield [r["name"] or "—", r["accounts"], r["bills"], r["owed"]]


def overdue_header() -> list[str]:
    return [_("户号"), _("客户名称"), _("供电单位"), _("账期"), _("应收"), _("已缴"), _("截止日")]


def overdue_lines(bills: QuerySet[Bill]) -> Iterator[list[Any]]:
    for b in bills.iterator(chunk_size=CHUNK):
        account = b.account
        yield [
            account.account_no,
            mask_name(account.customer.name),
            account.supply_unit.name,
            b.period,
            b.amount,
            b.paid_total,
            b.due_date.isoformat(),
        ]


def reconnection_header() -> list[str]:
    return [_("户号"), _("供电单位"), _("营业厅"), _("缴清日期"), _("复电时限")]


def reconnection_lines(steps: QuerySet[DunningStep]) -> Iterator[list[Any]]:
    """The reconnections due, as the dunning page lists them."""
    for s in steps.iterator(chunk_size=CHUNK):
        account = s.bill.account
        yield [
            account.account_no,
            account.supply_unit.name,
            account.hall.name if account.hall else "",
            s.done_on.isoformat(),
            s.deadline,
        ]


def run_header() -> list[str]:
    return [_("账期"), _("范围"), _("状态"), _("已出账"), _("异常暂缓"), _("无抄表数据"), _("应收金额"), _("开始时间")]


def run_lines(runs: QuerySet[BillRun]) -> Iterator[list[Any]]:
    for r in runs.iterator(chunk_size=CHUNK):
        scope = r.unit.name if r.unit else _("全部")
        yield [r.period, scope, r.get_status_display(), r.billed, r.held, r.missing, r.amount, r.started_at]


def exception_header() -> list[str]:
    return [_("户号"), _("账期"), _("异常"), _("电量"), _("详情")]


def exception_lines(exceptions: QuerySet[ReadingException]) -> Iterator[list[Any]]:
    """The open reading exceptions, each problem as the sentence the page shows."""
    for e in exceptions.iterator(chunk_size=CHUNK):
        reading = e.reading
        yield [reading.account.account_no, reading.period, e.get_kind_display(), reading.kwh, e.problem]
