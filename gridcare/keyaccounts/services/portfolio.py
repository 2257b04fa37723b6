"""Who manages which key account and 台区 (KEY-1), and the key account's profile.

The manager itself is the archive's (``customers.Account.key_account_manager``,
``customers.TransformerArea.community_manager``), set through customers' services; here, in the
same transaction, the open ``Assignment`` is closed, the new one opened and the history row
written. Supervisors assign in their unit, administrators anywhere (``KEY_ASSIGN``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from gridcare.core.events import Actor, actor_user
from gridcare.core.exceptions import Forbidden, InvalidInput
from gridcare.core.timezone import now
from gridcare.customers.models import Account, TransformerArea
from gridcare.customers.services import account_manager_set, area_manager_set
from gridcare.keyaccounts.access import area_get_for_scope, assignable_account_get, staff_get
from gridcare.keyaccounts.events import KeyEventType, key_account_event
from gridcare.keyaccounts.models import Assignment, AssignmentKind, ImpactGrade, Industry, KeyAccount
from gridcare.keyaccounts.rules.facts import clean_text, text_message
from gridcare.org.access import Capability, Scope, require
from gridcare.org.models import Role, Staff

REASON_MAX = 200
NOTE_MAX = 100


def acting_user(actor: Actor) -> User:
    """The signed-in person a key-account step is recorded as theirs (a row names who made it)."""
    user = actor_user(actor)
    if user is None:
        raise Forbidden(_("请先登录。"))
    return user


def profile_of(account: Account) -> KeyAccount:
    """The account's key-account profile, made empty the first time (inside the caller's transaction)."""
    profile, _made = KeyAccount.objects.get_or_create(account=account, defaults={"updated_at": now()})
    return profile


def _reason(value: object, errors: dict[str, str]) -> str:
    reason, problem = clean_text(value, limit=REASON_MAX)
    if problem:
        errors["reason"] = text_message(_("分配原因"), problem, REASON_MAX)
    return reason


def _person(scope: Scope, employee_no: object, role: Role, errors: dict[str, str]) -> Staff | None:
    """The picked person (an empty choice: nobody any more)."""
    code = str(employee_no or "").strip()
    if not code:
        return None
    person = staff_get(scope=scope, employee_no=code, role=role)
    if person is None:
        errors["staff"] = _("请选择本供电所在岗的%(post)s。") % {"post": _post_label(role)}
    return person


def _post_label(role: Role) -> str:
    return str(_("大客户经理")) if role == Role.KEY_ACCOUNT_MANAGER else str(_("台区经理"))


def _reopen(kind: str, at: Any, staff: Staff | None, actor: Actor, reason: str, **about: Any) -> None:
    """Close the open assignment of the account or 台区 ``about`` and open the new one."""
    Assignment.objects.filter(kind=kind, until__isnull=True, **about).update(until=at)
    if staff is not None:
        Assignment.objects.create(
            kind=kind, staff=staff, since=at, reason=reason, assigned_by=acting_user(actor), **about
        )


def _names(old: Staff | None, new: Staff | None) -> dict[str, Any]:
    return {**({"old_name": old.name} if old else {}), **({"new_name": new.name} if new else {})}


def account_assign(*, scope: Scope, actor: Actor, account_no: str, employee_no: str, reason: str) -> Account:
    """Give the account a 大客户经理 (``employee_no`` empty: none any more), with the reason."""
    require(scope, Capability.KEY_ASSIGN)
    account = assignable_account_get(scope=scope, account_no=account_no)
    errors: dict[str, str] = {}
    staff = _person(scope, employee_no, Role.KEY_ACCOUNT_MANAGER, errors)
    why = _reason(reason, errors)
    if errors:
        raise InvalidInput(_("分配信息有误，请按提示修改。"), errors=errors)
    old = account.key_account_manager
    with transaction.atomic():
        account = account_manager_set(scope=scope, actor=actor, account=account, staff=staff, reason=why)
        at = now()
        _reopen(AssignmentKind.KEY_ACCOUNT, at, staff, actor, why, account=account)
        profile_of(account)
        key_account_event(
            KeyEventType.KAM_ASSIGNED, actor=actor, at=at, account=account, post="kam", reason=why, **_names(old, staff)
        )
    return account


def area_assign(*, scope: Scope, actor: Actor, area_code: str, employee_no: str, reason: str) -> TransformerArea:
    """Give the 台区 a 台区经理 (``employee_no`` empty: none any more), with the reason."""
    require(scope, Capability.KEY_ASSIGN)
    area = area_get_for_scope(scope=scope, area_code=area_code)
    errors: dict[str, str] = {}
    staff = _person(scope, employee_no, Role.COMMUNITY_MANAGER, errors)
    why = _reason(reason, errors)
    if errors:
        raise InvalidInput(_("分配信息有误，请按提示修改。"), errors=errors)
    old = area.community_manager
    with transaction.atomic():
        area = area_manager_set(scope=scope, actor=actor, area=area, staff=staff)
        at = now()
        _reopen(AssignmentKind.COMMUNITY, at, staff, actor, why, area=area)
        key_account_event(
            KeyEventType.CM_ASSIGNED, actor=actor, at=at, area=area, post="cm", reason=why, **_names(old, staff)
        )
    return area


@dataclass(frozen=True)
class ProfileData:
    industry: str = ""
    industry_note: str = ""
    impact_grade: str = ""


def profile_update(*, scope: Scope, actor: Actor, account: Account, data: ProfileData) -> KeyAccount:
    """The key account's industry (GB/T 4754 section) and outage impact (用电影响度)."""
    require(scope, Capability.KEY_VISIT)
    errors: dict[str, str] = {}
    if data.industry not in Industry.values and data.industry != "":
        errors["industry"] = _("请选择国民经济行业门类。")
    if data.impact_grade not in ImpactGrade.values and data.impact_grade != "":
        errors["impact_grade"] = _("请选择用电影响度。")
    note, problem = clean_text(data.industry_note, limit=NOTE_MAX)
    if problem and problem != "missing":
        errors["industry_note"] = text_message(_("行业说明"), problem, NOTE_MAX)
    if errors:
        raise InvalidInput(_("客户档案有误，请按提示修改。"), errors=errors)
    with transaction.atomic():
        profile = profile_of(account)
        profile.industry, profile.industry_note, profile.impact_grade = data.industry, note, data.impact_grade
        profile.updated_at = now()
        profile.save(update_fields=["industry", "industry_note", "impact_grade", "updated_at"])
        shown: dict[str, Any] = {
            k: v for k, v in (("industry", data.industry), ("impact_grade", data.impact_grade)) if v
        }
        key_account_event(KeyEventType.PROFILE_UPDATED, actor=actor, account=account, **shown)
    return profile
