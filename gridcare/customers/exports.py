"""Exports of archive data. Personal data leaves the system masked (CUST-4)."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _

from gridcare.customers import rules
from gridcare.customers.models import ArchiveIssue
from gridcare.customers.selectors import archive_worklist
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
