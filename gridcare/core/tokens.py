"""Issuing and checking API bearer tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

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


class BadCredentials(DomainError):
    status_code = 401


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_issue(*, request: HttpRequest | None, username: str, password: str) -> str:
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise BadCredentials(_("用户名或密码错误。"))
    token = secrets.token_hex(20)
    ApiToken.objects.create(
        user=user,
        key_hash=_digest(token),
        expires_at=timezone.now() + timedelta(days=settings.GRIDCARE_API_TOKEN_DAYS),
    )
    return token


TOKEN_COLUMNS = _TOKEN = Columns(ApiToken, "t")
USER_COLUMNS = _USER = Columns(User, "u")


def token_user(token: str) -> User | None:
    """The active user holding an unexpired ``token``. Checked on every API request, so it is
    one hand-written query (gridcare.core.sql) rather than a compiled queryset."""
    quote = connection.ops.quote_name
    rows = fetch(
        f"SELECT {_TOKEN.sql(connection)}, {_USER.sql(connection)} "  # noqa: S608 - names from model metadata, values as parameters
        f"FROM {quote(_TOKEN.table)} t JOIN {quote(_USER.table)} u ON u.id = t.user_id "
        "WHERE t.key_hash = %s",
        [_digest(token)],
    )
    if not rows:
        return None
    return token_accept(_TOKEN.load(rows[0], 0, connection), _USER.load(rows[0], len(_TOKEN), connection))


def token_accept(row: ApiToken | None, user: User | None) -> User | None:
    """``user`` if the token ``row`` read for it is unexpired and the user active; touches the
    token's last use at most once a minute, so a busy kiosk does not write on every call."""
    now = timezone.now()
    if row is None or user is None or not user.is_active or row.expires_at <= now:
        return None
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return user


def token_digest(token: str) -> str:
    return _digest(token)
