"""Turning an invoice id from a request into the invoice for this caller: staff through the one
scope filter (accounts), customers through their bound accounts; missing and not yours alike 404."""

from __future__ import annotations

from django.utils.translation import gettext as _

from gridcare.core.exceptions import NotFound
from gridcare.invoicing.models import Invoice, InvoiceStatus
from gridcare.invoicing.selectors import invoice_filter
from gridcare.org.access import Scope
from gridcare.portal.models import PortalUser
from gridcare.portal.selectors import bound_list

INVOICE_ID_MAX = 2**63 - 1


def invoice_get_for_scope(*, scope: Scope, invoice_id: int) -> Invoice:
    found = None
    if 0 < invoice_id <= INVOICE_ID_MAX:
        found = (
            Invoice.objects.filter(invoice_filter(scope), pk=invoice_id)
            .select_related("account__customer", "account__supply_unit", "original", "payment", "bill")
            .first()
        )
    if found is None:
        raise NotFound(_("发票不存在。"))
    return found


def invoice_get_for_customer(*, customer: PortalUser, invoice_id: int) -> Invoice:
    """An issued invoice of an account bound to ``customer``."""
    accounts = [b.account_id for b in bound_list(customer)]
    found = None
    if 0 < invoice_id <= INVOICE_ID_MAX:
        found = (
            Invoice.objects.filter(pk=invoice_id, account_id__in=accounts, status=InvoiceStatus.ISSUED)
            .select_related("account__customer", "original")
            .first()
        )
    if found is None:
        raise NotFound(_("发票不存在。"))
    return found
