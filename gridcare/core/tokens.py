"""Issuing and checking API bearer tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.core.exceptions import DomainError
from gridcare.core.models import ApiToken
from gridcare.core.sql import Columns, fetch
from gridcare.org.signin import api_sign_in_recorded, lockout_message


class BadCredentials(DomainError):
    status_code = 401


class AccountLocked(DomainError):
    """Too many failed sign-ins (gridcare.org.signin): 429 with the lock's Chinese message."""

    status_code = 429


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_issue(*, request: HttpRequest, username: str, password: str) -> str:
    """A new token for a correct username and password. Sign-in lockout (django-axes) needs the
    caller's request: its address and the failure it records."""
    user = authenticate(request, username=username, password=password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            raise AccountLocked(lockout_message(request))
        raise BadCredentials(_("用户名或密码错误。"))
    token = secrets.token_hex(20)
    ApiToken.objects.create(
        user=user,
        key_hash=token_digest(token),
        expires_at=timezone.now() + timedelta(days=settings.GRIDCARE_API_TOKEN_DAYS),
        session_key=_session_of(request, user),
    )
    api_sign_in_recorded(request, user)
    return token


def _session_of(request: HttpRequest, user: User) -> str:
    """The page session a token is issued from, when the browser is signed in as the same user."""
    signed_in = getattr(request, "user", None)
    if signed_in is None or signed_in.pk != user.pk:
        return ""
    return getattr(getattr(request, "session", None), "session_key", None) or ""


_TOKEN = Columns(ApiToken, "t")
_USER = Columns(User, "u")

# With the user, a caller may read what hangs off it (the user's table is ``u``): the columns to
# add, the joins that reach them, and a function that keeps them on the user from the row's
# columns after the user's.
Attach = Callable[[User, Sequence[Any], int], None]


def token_user(token: str, *, select: str = "", joins: str = "", attach: Attach | None = None) -> User | None:
    """The active user holding a live ``token``: not revoked, not expired, and used within the
    idle limit (GRIDCARE_AUTH["API_TOKEN_IDLE_MINUTES"], measured from its last use, which is
    touched at most once a minute, so a busy kiosk does not write on every call). Checked on
    every API request, so it is one hand-written query (gridcare.core.sql) rather than a
    compiled queryset."""
    quote = connection.ops.quote_name
    rows = fetch(
        f"SELECT {_TOKEN.sql(connection)}, {_USER.sql(connection)}{', ' + select if select else ''} "  # noqa: S608 - names from model metadata, values as parameters
        f"FROM {quote(_TOKEN.table)} t JOIN {quote(_USER.table)} u ON u.id = t.user_id {joins} "
        "WHERE t.key_hash = %s",
        [token_digest(token)],
    )
    if not rows:
        return None
    row = _TOKEN.load(rows[0], 0, connection)
    user = _USER.load(rows[0], len(_TOKEN), connection)
    now = timezone.now()
    if row is None or user is None or not user.is_active or not _live(row, now):
        return None
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    if attach is not None:
        attach(user, rows[0], len(_TOKEN) + len(_USER))
    return user


def _live(token: ApiToken, now: datetime) -> bool:
    idle = timedelta(minutes=settings.GRIDCARE_AUTH["API_TOKEN_IDLE_MINUTES"])
    last_use = token.last_used_at or token.created_at
    return token.revoked_at is None and token.expires_at > now and now - last_use < idle
