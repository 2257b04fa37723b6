"""Turning an account number from a request into an Account, for this caller only."""

from __future__ import annotations

from django.utils.translation import gettext as _

from gridcare.core.exceptions import NotFound
from gridcare.customers.models import Account
from gridcare.org.access import Scope


def account_get_for_scope(*, scope: Scope, account_no: str) -> Account:
    account = (
        Account.objects.filter(scope.account_filter(), account_no=account_no)
        .select_related("customer", "supply_unit", "hall", "transformer_area__feeder")
        .first()
    )
    if account is None:
        # Missing and not-yours look the same, so account numbers cannot be probed.
        raise NotFound(_("未找到户号 %(no)s。") % {"no": account_no})
    return account
