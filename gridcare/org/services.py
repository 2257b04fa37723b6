"""Writes of the organisation: sign-in security (SEC-1: unlocking, revoking API tokens, password
age, signing out) and the repair crews (抢修班组: create, rename, deactivate, reactivate).

Each is one transaction with its audit row (``AuthEvent``, ``CrewEvent``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.core.events import Actor, record_many
from gridcare.core.exceptions import Conflict, InvalidInput, NotFound
from gridcare.core.geo import coordinates
from gridcare.core.models import ApiToken
from gridcare.core.tokens import token_digest
from gridcare.org import selectors
from gridcare.org.access import Capability, Path, Reach, Scope, crew_get_for_scope, require
from gridcare.org.checks import MIN_AUDIT_DAYS
from gridcare.org.events import auth_event, crew_event
from gridcare.org.models import (
    CREW_LEADER_MAX,
    CREW_NAME_MAX,
    AuthEvent,
    Crew,
    CrewEvent,
    Hall,
    PasswordAge,
    SupplyUnit,
)


def lock_release(*, actor: User, username: str) -> int:
    """Unlocks a locked account: its failed attempts are forgotten. Returns how many failures."""
    lock = next((row for row in selectors.locked_accounts() if row.key == username), None)
    if lock is None:
        raise Conflict(_("该账号当前没有被锁定。"))
    with transaction.atomic():
        AccessAttempt.objects.filter(username=username).delete()
        auth_event(
            type=AuthEvent.Type.UNLOCKED,
            username=username,
            user=User.objects.filter(username=username).first(),
            actor=actor,
            failures=lock.failures,
        )
    return lock.failures


def address_release(*, actor: User, ip_address: str) -> int:
    """Lifts the throttle of an address (e.g. a hall's NAT address after a training session)."""
    lock = next((row for row in selectors.throttled_addresses() if row.key == ip_address), None)
    if lock is None:
        raise Conflict(_("该地址当前没有被暂停登录。"))
    with transaction.atomic():
        AccessAttempt.objects.filter(ip_address=ip_address).delete()
        auth_event(type=AuthEvent.Type.UNLOCKED, ip_address=ip_address, actor=actor, failures=lock.failures)
    return lock.failures


def tokens_revoke(*, tokens: QuerySet[ApiToken], actor: User | AnonymousUser | None, reason: str) -> int:
    """Revokes the given tokens that are still live; one audit row each. Returns how many."""
    now = timezone.now()
    with transaction.atomic():
        live = list(tokens.filter(revoked_at__isnull=True).values_list("pk", "user_id", "user__username"))
        if not live:
            return 0
        ApiToken.objects.filter(pk__in=[pk for pk, _u, _n in live]).update(revoked_at=now)
        record_many(
            AuthEvent,
            (
                {"username": name, "user_id": user_id, "parameters": {"token": pk, "reason": reason}}
                for pk, user_id, name in live
            ),
            type=AuthEvent.Type.TOKEN_REVOKED,
            actor=actor,
            at=now,
        )
    return len(live)


def token_revoke(*, actor: User, token_id: int) -> ApiToken:
    """An administrator revokes one token (the token list page)."""
    token = ApiToken.objects.filter(pk=token_id).select_related("user").first()
    if token is None:
        raise NotFound(_("没有这个令牌。"))
    if token.revoked_at is not None:
        raise Conflict(_("该令牌已被吊销。"))
    tokens_revoke(tokens=ApiToken.objects.filter(pk=token.pk), actor=actor, reason="administrator")
    token.refresh_from_db()
    return token


def token_revoke_presented(*, token: str, actor: User | AnonymousUser | None) -> int:
    """``POST /api/v1/auth/logout``: the caller's own token ends."""
    return tokens_revoke(tokens=ApiToken.objects.filter(key_hash=token_digest(token)), actor=actor, reason="logout")


def tokens_revoke_for_user(*, user: User, actor: User | AnonymousUser | None, reason: str) -> int:
    """Password changed or account deactivated: every token of the user ends."""
    return tokens_revoke(tokens=ApiToken.objects.filter(user=user), actor=actor, reason=reason)


def password_set_recorded(*, user: User) -> None:
    """A new password was saved: its age starts now and the user's tokens end."""
    now = timezone.now()
    with transaction.atomic():
        PasswordAge.objects.update_or_create(user=user, defaults={"set_at": now})
        auth_event(type=AuthEvent.Type.PASSWORD_CHANGED, username=user.get_username(), user=user, at=now)
        tokens_revoke_for_user(user=user, actor=user, reason="password_changed")


def session_tokens_revoke(*, request: HttpRequest, reason: str) -> int:
    """The API tokens issued from this page session end (its sign-out)."""
    user = request.user
    session_key = request.session.session_key
    if not session_key or not isinstance(user, User):
        return 0
    return tokens_revoke(tokens=ApiToken.objects.filter(user=user, session_key=session_key), actor=user, reason=reason)


def sign_out_idle(request: HttpRequest) -> None:
    """The idle timeout: the session and its tokens end, with an audit row."""
    user = request.user
    with transaction.atomic():
        session_tokens_revoke(request=request, reason="idle")
        if isinstance(user, User):
            auth_event(
                type=AuthEvent.Type.SIGNED_OUT_IDLE,
                username=user.get_username(),
                user=user,
                path=request.path[:200],
            )
    logout(request)


def auth_audit_prune(*, now: datetime | None = None) -> dict[str, int]:
    """Deletes sign-in audit rows older than GRIDCARE_AUTH["AUDIT_KEEP_DAYS"] (never fewer than
    180 days: a lower setting is a start-up error, gridcare.org.checks)."""
    days = max(settings.GRIDCARE_AUTH["AUDIT_KEEP_DAYS"], MIN_AUDIT_DAYS)
    before = (now or timezone.now()) - timedelta(days=days)
    with transaction.atomic():
        return {
            "sign_ins": AccessLog.objects.filter(attempt_time__lt=before).delete()[0],
            "failures": AccessFailureLog.objects.filter(attempt_time__lt=before).delete()[0],
            "events": AuthEvent.objects.filter(created_at__lt=before).delete()[0],
        }


# -- repair crews (抢修班组) ------------------------------------------------------------------------


def _crew_text_errors(name: str, leader: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("请填写班组名称。")
    elif len(name) > CREW_NAME_MAX or not name.isprintable():
        errors["name"] = _("班组名称须为不超过 %(n)s 个字的文字。") % {"n": CREW_NAME_MAX}
    if len(leader) > CREW_LEADER_MAX or not leader.isprintable():
        errors["leader"] = _("班组长姓名须为不超过 %(n)s 个字的文字。") % {"n": CREW_LEADER_MAX}
    return errors


def _name_taken(unit: SupplyUnit, name: str, *, besides: int | None = None) -> str | None:
    """Why ``name`` cannot be a (new) name of a crew of ``unit`` (None: it can)."""
    same = Crew.objects.filter(unit=unit, name=name).exclude(pk=besides or 0).first()
    if same is None:
        return None
    if same.active:
        return str(_("%(unit)s已有名为“%(name)s”的班组。") % {"unit": unit.name, "name": name})
    return str(_("%(unit)s已有名为“%(name)s”的班组（已停用），可将其恢复。") % {"unit": unit.name, "name": name})


def _refused(errors: dict[str, str]) -> InvalidInput:
    return InvalidInput(next(iter(errors.values())) if len(errors) == 1 else _("班组信息有误。"), errors=errors)


def crew_create(*, scope: Scope, actor: Actor, unit: str, name: str, leader: str = "") -> Crew:
    """A new active crew of ``unit`` (a unit code in the caller's scope), named uniquely in it."""
    require(scope, Capability.CREW_EDIT)
    name, leader = name.strip(), leader.strip()
    errors = _crew_text_errors(name, leader)
    units = SupplyUnit.objects.filter(scope.filter(Reach.UNIT, Path.unit_of("")))
    found = units.filter(code=unit).first() if unit.isprintable() else None
    if found is None:
        errors["unit"] = _("供电单位不存在。")
    elif "name" not in errors and (taken := _name_taken(found, name)):
        errors["name"] = taken
    if errors:
        raise _refused(errors)
    assert found is not None
    now = timezone.now()
    try:
        with transaction.atomic():
            crew = Crew.objects.create(unit=found, name=name, leader=leader, created_at=now, updated_at=now)
            crew_event(
                crew=crew, type=CrewEvent.Type.CREATED, actor=actor, at=now, unit=found.code, name=name, leader=leader
            )
    except IntegrityError as exc:  # the same name, saved by someone else a moment ago
        raise _refused({"name": _name_taken(found, name) or str(_("班组名称重复。"))}) from exc
    return crew


def crew_rename(*, scope: Scope, actor: Actor, crew_id: int, name: str, leader: str | None = None) -> Crew:
    """A crew's new name (unique in its unit) and, when given, its leader. Orders dispatched
    before keep the name they were dispatched with."""
    require(scope, Capability.CREW_EDIT)
    crew = crew_get_for_scope(scope=scope, crew_id=crew_id)
    name = name.strip()
    leader = crew.leader if leader is None else leader.strip()
    errors = _crew_text_errors(name, leader)
    if "name" not in errors and name != crew.name and (taken := _name_taken(crew.unit, name, besides=crew.pk)):
        errors["name"] = taken
    if not errors and (name, leader) == (crew.name, crew.leader):
        errors["name"] = _("名称和班组长都没有改变。")
    if errors:
        raise _refused(errors)
    changes: dict[str, str] = {"name": name}
    if name != crew.name:
        changes.update(old_name=crew.name, new_name=name)
    if leader != crew.leader:
        changes["leader"] = leader
    now = timezone.now()
    try:
        with transaction.atomic():
            updated = Crew.objects.filter(pk=crew.pk).update(name=name, leader=leader, updated_at=now)
            if updated:
                crew_event(crew=crew, type=CrewEvent.Type.RENAMED, actor=actor, at=now, **changes)
    except IntegrityError as exc:
        raise _refused({"name": _name_taken(crew.unit, name, besides=crew.pk) or str(_("班组名称重复。"))}) from exc
    crew.refresh_from_db()
    return crew


def _crew_set_active(*, scope: Scope, actor: Actor, crew_id: int, active: bool) -> Crew:
    require(scope, Capability.CREW_EDIT)
    crew = crew_get_for_scope(scope=scope, crew_id=crew_id)
    now = timezone.now()
    with transaction.atomic():
        # Claimed with a conditional UPDATE: two clicks at once write one event.
        if not Crew.objects.filter(pk=crew.pk, active=not active).update(active=active, updated_at=now):
            said = _("班组“%(name)s”已停用。") if not active else _("班组“%(name)s”在用，无需恢复。")
            raise Conflict(said % {"name": crew.name})
        kind = CrewEvent.Type.REACTIVATED if active else CrewEvent.Type.DEACTIVATED
        crew_event(crew=crew, type=kind, actor=actor, at=now, name=crew.name)
    crew.refresh_from_db()
    return crew


def crew_deactivate(*, scope: Scope, actor: Actor, crew_id: int) -> Crew:
    """Takes a crew off the dispatch list (orders dispatched to it keep its name)."""
    return _crew_set_active(scope=scope, actor=actor, crew_id=crew_id, active=False)


def crew_reactivate(*, scope: Scope, actor: Actor, crew_id: int) -> Crew:
    """Puts a deactivated crew back on the dispatch list."""
    return _crew_set_active(scope=scope, actor=actor, crew_id=crew_id, active=True)


# -- where a hall is (PLAN-3) ---------------------------------------------------------------------


def hall_locate(*, scope: Scope, hall_code: str, latitude: Any, longitude: Any) -> Hall:
    """Set (or clear, both empty) a hall's coordinates, for the outlet-network studies: planners
    and administrators (PLAN_EDIT), the halls of their company. A bad degree is refused on its
    field; nothing is written."""
    require(scope, Capability.PLAN_EDIT)
    code = str(hall_code)[:20].replace("\x00", "")
    hall = Hall.objects.filter(scope.filter(Reach.COMPANY, Path.hall_of("")), code=code).first()
    if hall is None:
        raise NotFound(_("未找到营业厅 %(code)s。") % {"code": code})
    lat, lon, errors = coordinates(latitude, longitude)
    if errors:
        raise InvalidInput(next(iter(errors.values())), errors=errors)
    with transaction.atomic():
        Hall.objects.filter(pk=hall.pk).update(latitude=lat, longitude=lon)
    hall.latitude, hall.longitude = lat, lon
    return hall
