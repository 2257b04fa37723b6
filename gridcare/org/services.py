"""Writes of sign-in security (SEC-1): unlocking, revoking API tokens, password age, signing out.

Each is one transaction with its audit row (``AuthEvent``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.core.events import record_many
from gridcare.core.exceptions import Conflict, NotFound
from gridcare.core.models import ApiToken
from gridcare.core.tokens import token_digest
from gridcare.org import selectors
from gridcare.org.checks import MIN_AUDIT_DAYS
from gridcare.org.events import auth_event
from gridcare.org.models import AuthEvent, PasswordAge


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
