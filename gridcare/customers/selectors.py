"""Reads of the customer archive, always through the caller's scope."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet, prefetch_related_objects

from gridcare.customers import rules
from gridcare.customers.models import (
    Account,
    AccountEvent,
    ArchiveIssue,
    Contact,
    ContactStatus,
)
from gridcare.org.access import Scope

SEARCH_LIMIT = 50


def account_search(*, scope: Scope, q: str, limit: int = SEARCH_LIMIT) -> list[Account]:
    """By account number (full or leading digits), mobile number, name prefix or address fragment.

    Digits search numbers only, so a phone search never scans names. Contacts come prefetched.
    """
    q = (q or "").strip()
    base = Account.objects.filter(scope.account_filter()).select_related(
        "customer", "supply_unit", "hall", "transformer_area__feeder"
    )
    digits = re.sub(r"[\s\-]", "", q)
    if not q:
        found: list[Account] = []
    elif digits.isdigit():
        found = list(_by_number(base, digits)[:limit])
    else:
        found = list(base.filter(_name_prefix(q)).order_by("customer__name", "account_no")[:limit])
        if len(found) < limit and _looks_like_address(q):
            seen = {a.pk for a in found}
            more = base.filter(address__contains=q).exclude(pk__in=seen).order_by("account_no")
            found += list(more[: limit - len(found)])
    prefetch_related_objects(found, "customer__contacts")
    return found


# An address fragment is searched only when the text looks like one: on SQLite it is a scan of
# the accounts (PostgreSQL has a trigram index), and a plain name search should not pay for it.
_ADDRESS_MARKS = set("路街道巷弄号村组区镇乡苑园府幢栋单元室楼") | set("0123456789")


def _looks_like_address(q: str) -> bool:
    return any(ch in _ADDRESS_MARKS for ch in q)


def _name_prefix(q: str) -> Q:
    """Names starting with ``q``, through an index on either database: PostgreSQL serves LIKE 'q%'
    from the pattern-ops index Django makes for an indexed CharField, under any collation;
    SQLite's LIKE ignores ordinary indexes, so there the prefix is a range on the name index."""
    if connection.vendor == "postgresql":
        return Q(customer__name__startswith=q)
    return Q(customer__name__gte=q, customer__name__lt=q + "\U0010ffff")


def _by_number(base: QuerySet[Account], digits: str) -> QuerySet[Account]:
    if len(digits) == 11 and digits.startswith("1"):
        owners = Contact.objects.filter(phone=digits).values("customer_id")
        return base.filter(customer_id__in=owners).order_by("account_no")
    if len(digits) == rules.ACCOUNT_NO_LENGTH:
        return base.filter(account_no=digits)
    return base.filter(account_no__startswith=digits).order_by("account_no")


@dataclass(frozen=True)
class AccountCard:
    """What a screen or an API answer shows of an account, with personal data masked."""

    account: Account
    phones_masked: list[str]
    id_number_masked: str

    def as_dict(self) -> dict[str, Any]:
        a = self.account
        area = a.transformer_area
        return {
            "account_no": a.account_no,
            "customer_name": a.customer.name,
            "customer_class": a.customer_class,
            "customer_class_label": str(a.get_customer_class_display()),
            "status": a.status,
            "status_label": str(a.get_status_display()),
            "address": a.address,
            "supply_unit": a.supply_unit.code,
            "supply_unit_name": a.supply_unit.name,
            "hall": a.hall.code if a.hall else None,
            "feeder": area.feeder.code if area else None,
            "transformer_area": area.code if area else None,
            "tariff_code": a.tariff_code,
            "contract_capacity_kva": a.contract_capacity_kva,
            "importance_grade": a.importance_grade,
            "opened_on": a.opened_on,
            "phones": self.phones_masked,
            "id_number": self.id_number_masked,
        }


def account_card(account: Account) -> AccountCard:
    # Uses prefetched contacts when the caller has them (search results), one query otherwise.
    contacts = sorted(account.customer.contacts.all(), key=lambda c: (not c.is_primary, c.pk))
    phones = [rules.mask_phone(c.phone) for c in contacts]
    return AccountCard(
        account=account, phones_masked=phones, id_number_masked=rules.mask_id_number(account.customer.id_number)
    )


def account_history(account: Account) -> QuerySet[AccountEvent]:
    return account.events.select_related("actor").order_by("-created_at", "-id")


def archive_worklist(*, scope: Scope, kind: str | None = None) -> QuerySet[ArchiveIssue]:
    issues = ArchiveIssue.objects.filter(
        scope.account_filter("account__supply_unit"), resolved_at__isnull=True
    ).select_related("account__customer", "account__supply_unit")
    if kind:
        issues = issues.filter(kind=kind)
    return issues.order_by("account__account_no", "kind")


def archive_summary(*, scope: Scope) -> dict[str, Any]:
    """Open issues per kind and the contact accuracy rate (valid numbers / all numbers)."""
    per_kind = dict(
        archive_worklist(scope=scope).order_by().values_list("kind").annotate(n=Count("id")).values_list("kind", "n")
    )
    contacts = Contact.objects.filter(
        customer__accounts__in=Account.objects.filter(scope.account_filter()).values("pk")
    ).distinct()
    totals = contacts.aggregate(total=Count("id"), valid=Count("id", filter=Q(status=ContactStatus.VALID)))
    rate = (totals["valid"] / totals["total"]) if totals["total"] else None
    return {"per_kind": per_kind, "contacts": totals["total"], "valid": totals["valid"], "accuracy": rate}
