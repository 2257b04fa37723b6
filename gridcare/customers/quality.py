"""Archive-quality check (CUST-3): finds incomplete or wrong records and keeps a worklist.

Run by ``python manage.py archive_check``. It reads accounts in key order, a chunk at a time,
so a million accounts take constant memory; each chunk's worklist changes are one transaction.
Issues found again stay open (not duplicated); issues no longer found are resolved.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from gridcare.customers import rules
from gridcare.customers.models import Account, ArchiveIssue, Contact, ContactStatus, CustomerClass

Kind = ArchiveIssue.Kind
CHUNK = 5000


@dataclass
class CheckResult:
    accounts: int = 0
    opened: int = 0
    resolved: int = 0
    open_by_kind: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def issues_of(
    *, customer_class: str, address: str, id_number: str, has_area: bool, contacts: list[tuple[str, str]]
) -> set[str]:
    """The issue kinds one account has. ``contacts`` holds (phone, status) pairs."""
    found: set[str] = set()
    if not contacts:
        found.add(Kind.MISSING_PHONE)
    if any(not rules.is_valid_phone(phone) for phone, _ in contacts):
        found.add(Kind.INVALID_PHONE)
    if any(status == ContactStatus.FAILED for _, status in contacts):
        found.add(Kind.FAILED_PHONE)
    if not id_number:
        if customer_class == CustomerClass.RESIDENTIAL:
            found.add(Kind.MISSING_ID)
    elif not rules.is_valid_id_number(id_number):
        found.add(Kind.INVALID_ID)
    if not has_area:
        found.add(Kind.MISSING_GRID)
    if len(address.strip()) < 5:
        found.add(Kind.MISSING_ADDRESS)
    return found


def _chunks(unit_id: int | None) -> Iterator[Sequence[tuple[int, int, str, str, str, int | None]]]:
    qs = Account.objects.exclude(status="closed")
    if unit_id is not None:
        qs = qs.filter(supply_unit_id=unit_id)
    last = 0
    while True:
        rows = list(
            qs.filter(pk__gt=last)
            .order_by("pk")
            .values_list(
                "pk", "customer_id", "customer_class", "address", "customer__id_number", "transformer_area_id"
            )[:CHUNK]
        )
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def archive_check(*, unit_id: int | None = None) -> CheckResult:
    result = CheckResult()
    for rows in _chunks(unit_id):
        contacts: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for customer_id, phone, status in Contact.objects.filter(customer_id__in=[r[1] for r in rows]).values_list(
            "customer_id", "phone", "status"
        ):
            contacts[customer_id].append((phone, status))
        wanted = {
            pk: issues_of(
                customer_class=cls,
                address=address,
                id_number=id_number,
                has_area=area is not None,
                contacts=contacts[customer_id],
            )
            for pk, customer_id, cls, address, id_number, area in rows
        }
        _apply(wanted, result)
        result.accounts += len(rows)
    return result


def _apply(wanted: dict[int, set[str]], result: CheckResult) -> None:
    with transaction.atomic():
        existing: dict[int, dict[str, int]] = defaultdict(dict)
        for pk, account_id, kind in ArchiveIssue.objects.filter(
            account_id__in=list(wanted), resolved_at__isnull=True
        ).values_list("pk", "account_id", "kind"):
            existing[account_id][kind] = pk
        new_rows: list[ArchiveIssue] = []
        stale: list[int] = []
        for account_id, kinds in wanted.items():
            have = existing.get(account_id, {})
            new_rows += [ArchiveIssue(account_id=account_id, kind=k) for k in kinds - have.keys()]
            stale += [pk for k, pk in have.items() if k not in kinds]
            for k in kinds:
                result.open_by_kind[k] += 1
        ArchiveIssue.objects.bulk_create(new_rows, batch_size=2000)
        if stale:
            ArchiveIssue.objects.filter(pk__in=stale).update(resolved_at=timezone.now())
        result.opened += len(new_rows)
        result.resolved += len(stale)
