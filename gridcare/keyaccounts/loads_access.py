"""Which key accounts, load-data imports and findings a caller reaches (KEY-3/4); outside the
reach objects are "not found", exactly like missing ones.

The diagnosis reach (``diagnosis_filter``) is the key accounts' one filter
(``keyaccounts.access.key_accounts_filter``: the scope filter at the unit level — unit posts their
unit, company posts such as planners the company, administrators everything — narrowed for a
大客户经理 to the accounts they manage) with ``KEY_DIAGNOSIS``. A post without ``KEY_DIAGNOSIS`` reaches none. Imports are seen where
their importer works (a unit post: the unit's imports)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from gridcare.core.exceptions import NotFound
from gridcare.customers.models import Account
from gridcare.keyaccounts.access import key_accounts_filter
from gridcare.keyaccounts.models import Finding, LoadImport
from gridcare.org.access import Capability, Path, Reach, Scope, can


def diagnosis_filter(scope: Scope, prefix: str = "") -> Q:
    """The key accounts (or rows reached through an account at ``prefix``) whose load data,
    diagnosis and findings the caller sees (KEY_DIAGNOSIS): the portfolio's filter with its own
    capability."""
    return key_accounts_filter(scope, Capability.KEY_DIAGNOSIS, prefix)


def clean_no(value: object, length: int = 10) -> str:
    return str(value)[:length].replace("\x00", "")


def diagnosis_account_get(*, scope: Scope, account_no: str) -> Account:
    """A key account whose diagnosis the caller may see; missing and not theirs: the same 404."""
    account = (
        Account.objects.filter(diagnosis_filter(scope), account_no=clean_no(account_no))
        .select_related("customer", "supply_unit", "key_account_manager")
        .first()
    )
    if account is None:
        raise NotFound(_("未找到户号 %(no)s。") % {"no": clean_no(account_no)})
    return account


def import_filter(scope: Scope) -> Q:
    """The imports made by people where the caller's reach is (a unit post: its unit's people)."""
    if not can(scope, Capability.KEY_LOAD_IMPORT):
        return Q(pk__in=[])
    return scope.filter(Reach.UNIT, Path(company="imported_by__staff__company_id", unit="imported_by__staff__unit_id"))


def import_get_for_scope(*, scope: Scope, import_id: int) -> LoadImport:
    found = LoadImport.objects.filter(import_filter(scope), pk=import_id).select_related("imported_by__staff").first()
    if found is None:
        raise NotFound(_("没有这次导入。"))
    return found


def finding_filter(scope: Scope) -> Q:
    return diagnosis_filter(scope, "account__")


def finding_get_for_scope(*, scope: Scope, finding_id: int) -> Finding:
    found = (
        Finding.objects.filter(finding_filter(scope), pk=finding_id)
        .select_related("account__customer", "account__supply_unit", "account__key_account_manager")
        .first()
    )
    if found is None:
        raise NotFound(_("没有这条远程服务发现。"))
    return found
