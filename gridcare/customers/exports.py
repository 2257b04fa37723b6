"""Exports of archive data. Personal data leaves the system masked (CUST-4).

Each list's export takes the rows the page lists (filtered and sorted by the view, so the page
and its export agree), and writes them with the same masked values the page shows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gridcare.customers import rules
from gridcare.customers.models import ArchiveIssue, UnmaskAudit
from gridcare.customers.selectors import UnmaskAuditFilters, archive_worklist, unmask_audit_list, unmask_audit_row
from gridcare.org.access import Scope


def worklist_header() -> list[str]:
    return [
        _("户号"),
        _("客户名称"),
        _("用电地址"),
        _("供电单位"),
        _("问题"),
        _("手机号码"),
        _("证件号码"),
        _("发现时间"),
    ]


def worklist_lines(issues: QuerySet[ArchiveIssue]) -> Iterator[list[str | datetime]]:
    """One row per open issue, in the order of ``issues``; phones and ID numbers masked."""
    for issue in issues.prefetch_related("account__customer__contacts").iterator(chunk_size=2000):
        account = issue.account
        phones = [rules.mask_phone(c.phone) for c in account.customer.contacts.all()]
        yield [
            account.account_no,
            account.customer.name,
            account.address,
            account.supply_unit.name,
            str(ArchiveIssue.Kind(issue.kind).label),
            " ".join(phones),
            rules.mask_id_number(account.customer.id_number),
            issue.found_at,  # Shanghai wall-clock, to the minute, as the page shows it
        ]


def worklist_rows(*, scope: Scope, kind: str | None) -> Iterator[list[Any]]:
    """The header, then the worklist in its default order (account, then kind)."""
    yield worklist_header()
    yield from worklist_lines(archive_worklist(scope=scope, kind=kind))


def unmask_audit_header() -> list[str]:
    return [
        _("时间"),
        _("经办人"),
        _("用户名"),
        _("岗位"),
        _("经办人单位"),
        _("户号"),
        _("客户名称"),
        _("户号所属单位"),
        _("查看原因"),
        _("原因说明"),
        _("结果"),
    ]


def unmask_audit_lines(audits: Iterable[UnmaskAudit]) -> Iterator[list[Any]]:
    """One row per audit, through ``unmask_audit_row`` as the page: numbers typed into the
    reason's text stay masked."""
    for audit in audits:
        r = unmask_audit_row(audit)
        yield [
            audit.created_at,
            r.person,
            r.username,
            r.post,
            r.actor_unit,
            r.account_no,
            r.customer_name,
            r.account_unit,
            r.reason,
            r.reason_text,
            r.outcome,
        ]


def unmask_audit_rows(*, scope: Scope, filters: UnmaskAuditFilters) -> Iterator[list[Any]]:
    """The header, then the filtered audit in its default order (the newest first)."""
    yield unmask_audit_header()
    yield from unmask_audit_lines(unmask_audit_list(scope=scope, filters=filters).iterator(chunk_size=2000))
