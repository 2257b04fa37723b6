"""Turning an account number, a visit, a plan or a 台区 from a request into an object, for this
caller only (KEY-1/2). Outside the caller's reach objects are "not found", exactly like missing ones.

The portfolio (``portfolio_filter``) is built on the one scope filter (``Scope.filter`` with
``Reach.UNIT``: unit posts their unit, administrators everything) narrowed to the person's own
rows: a 大客户经理 reaches the accounts they manage, a 台区经理 the accounts of their 台区, a
supervisor the unit's key accounts (an importance grade or a 大客户经理). A post without
``KEY_PORTFOLIO`` reaches none."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from gridcare.core.exceptions import NotFound
from gridcare.customers.models import Account, TransformerArea
from gridcare.keyaccounts.models import EmergencyPlan, Visit
from gridcare.org.access import Capability, Path, Reach, Scope, can
from gridcare.org.models import Role, Staff


def key_account_q(prefix: str = "") -> Q:
    """An account that is a key account: it has an importance grade or a 大客户经理."""
    return ~Q(**{f"{prefix}importance_grade": ""}) | Q(**{f"{prefix}key_account_manager__isnull": False})


def key_accounts_filter(scope: Scope, capability: Capability, prefix: str = "") -> Q:
    """The key accounts (or rows reached through an account at ``prefix``, e.g. ``"account__"``)
    the caller reaches for ``capability``: the one scope filter at the unit level, narrowed for a
    大客户经理 to the accounts they manage and for a 台区经理 to their 台区' accounts; a post
    without ``capability`` reaches none. The portfolio and the diagnosis are this filter with
    their own capability."""
    if not can(scope, capability):
        return Q(pk__in=[])
    unit = scope.filter(Reach.UNIT, Path.unit_of(f"{prefix}supply_unit"))
    if not scope.everything and scope.role == Role.KEY_ACCOUNT_MANAGER:
        return unit & Q(**{f"{prefix}key_account_manager": scope.staff})
    if not scope.everything and scope.role == Role.COMMUNITY_MANAGER:
        return unit & Q(**{f"{prefix}transformer_area__community_manager": scope.staff})
    return unit & key_account_q(prefix)


def portfolio_filter(scope: Scope, prefix: str = "") -> Q:
    """The accounts in the caller's portfolio (KEY_PORTFOLIO)."""
    return key_accounts_filter(scope, Capability.KEY_PORTFOLIO, prefix)


def assignable_filter(scope: Scope, prefix: str = "") -> Q:
    """The accounts a supervisor may give a 大客户经理: any of the unit's (administrators: all)."""
    if not can(scope, Capability.KEY_ASSIGN):
        return Q(pk__in=[])
    return scope.filter(Reach.UNIT, Path.unit_of(f"{prefix}supply_unit"))


def account_get_for_scope(*, scope: Scope, account_no: str) -> Account:
    """An account of the caller's portfolio; missing and not theirs are the same 404."""
    account = (
        Account.objects.filter(portfolio_filter(scope), account_no=str(account_no)[:10].replace("\x00", ""))
        .select_related("customer", "supply_unit", "transformer_area__feeder", "key_account_manager")
        .first()
    )
    if account is None:
        raise NotFound(_("未找到户号 %(no)s。") % {"no": str(account_no)[:10]})
    return account


def assignable_account_get(*, scope: Scope, account_no: str) -> Account:
    """An account of the unit a supervisor may assign (not yet a key account, perhaps)."""
    account = (
        Account.objects.filter(assignable_filter(scope), account_no=str(account_no)[:10].replace("\x00", ""))
        .select_related("customer", "supply_unit", "key_account_manager")
        .first()
    )
    if account is None:
        raise NotFound(_("未找到户号 %(no)s。") % {"no": str(account_no)[:10]})
    return account


def area_get_for_scope(*, scope: Scope, area_code: str) -> TransformerArea:
    """A 台区 of the units the caller assigns in."""
    area = None
    if can(scope, Capability.KEY_ASSIGN):
        area = (
            TransformerArea.objects.filter(
                scope.filter(Reach.UNIT, Path.unit_of("feeder__unit")), code=str(area_code)[:30].replace("\x00", "")
            )
            .select_related("feeder__unit", "community_manager")
            .first()
        )
    if area is None:
        raise NotFound(_("没有这个台区。"))
    return area


def visit_filter(scope: Scope) -> Q:
    """The visits of the accounts in the caller's portfolio."""
    return portfolio_filter(scope, "account__")


def visit_get_for_scope(*, scope: Scope, visit_id: int) -> Visit:
    visit = (
        Visit.objects.filter(visit_filter(scope), pk=visit_id)
        .select_related("account__customer", "account__supply_unit", "manager")
        .first()
    )
    if visit is None:
        raise NotFound(_("没有这次走访。"))
    return visit


def plan_get_for_scope(*, scope: Scope, plan_id: int) -> EmergencyPlan:
    plan = (
        EmergencyPlan.objects.filter(portfolio_filter(scope, "account__"), pk=plan_id)
        .select_related("account__customer", "account__supply_unit")
        .first()
    )
    if plan is None:
        raise NotFound(_("没有这个应急方案。"))
    return plan


def manager_choices_filter(scope: Scope, role: Role) -> Q:
    """The active staff of post ``role`` a supervisor may pick: the unit's (and the company's
    own people without a unit); administrators any of the company's."""
    people = Q(role=role, active=True) & scope.filter(Reach.COMPANY, Path(company="company_id"))
    if scope.everything or scope.unit_id is None:
        return people
    return people & (Q(unit_id=scope.unit_id) | Q(unit__isnull=True))


def staff_get(*, scope: Scope, employee_no: str, role: Role) -> Staff | None:
    """A person of post ``role`` the caller may pick, by 工号 (None: no such person in reach)."""
    return (
        Staff.objects.filter(manager_choices_filter(scope, role), employee_no=str(employee_no)[:20].replace("\x00", ""))
        .select_related("unit")
        .first()
    )
