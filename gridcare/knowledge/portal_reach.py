"""Whose public articles the customer portal's help shows (SELF-1): a signed-in customer's
bound accounts' supply companies; a visitor who has not signed in (or a customer with no bound
account) the configured company's (GRIDCARE_KNOWLEDGE["PORTAL_COMPANY"], a company code; empty:
the first company by id). Never another company's articles, never an internal one."""

from __future__ import annotations

from django.conf import settings

from gridcare.org.models import Company
from gridcare.portal.models import Binding, PortalUser


def default_company() -> int | None:
    """The company the help serves to visitors (None: no company at all)."""
    code = str(settings.GRIDCARE_KNOWLEDGE.get("PORTAL_COMPANY") or "")
    rows = Company.objects.filter(code=code) if code else Company.objects.order_by("pk")
    return rows.values_list("pk", flat=True).first()


def help_companies(customer: PortalUser | None) -> list[int]:
    """The companies whose public articles ``customer`` (None: a visitor) sees, in one query
    for a customer (their live bindings' accounts' units)."""
    if customer is not None:
        found = sorted(
            set(
                Binding.objects.filter(user=customer, unbound_at__isnull=True).values_list(
                    "account__supply_unit__company_id", flat=True
                )
            )
        )
        if found:
            return found
    company = default_company()
    return [] if company is None else [company]
