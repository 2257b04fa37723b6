"""Exports of archive data. Personal data leaves the system masked (CUST-4)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from gridcare.customers import rules
from gridcare.customers.models import ArchiveIssue
from gridcare.customers.selectors import UnmaskAuditFilters, archive_worklist, unmask_audit_list, unmask_audit_row
from gridcare.org.access import Scope


def worklist_rows(*, scope: Scope, kind: str | None) -> Iterator[list[str]]:
    yield [
        _("户号"),
        _("客户名称"),
        _("用电地址"),
        _("供电单位"),
        _("问题"),
        _("手机号码"),
        _("证件号码"),
        _("发现时间"),
    ]
    issues = archive_worklist(scope=scope, kind=kind).prefetch_related("account__customer__contacts")
    for issue in issues.iterator(chunk_size=2000):
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
            issue.found_at.isoformat(timespec="minutes"),
        ]


def unmask_audit_rows(*, scope: Scope, filters: UnmaskAuditFilters) -> Iterator[list[Any]]:
    yield [
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
    for audit in unmask_audit_list(scope=scope, filters=filters).iterator(chunk_size=2000):
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
