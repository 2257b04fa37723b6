"""Issuing and checking API bearer tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from datetime import timedelta
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


_TOKEN = Columns(ApiToken, "t")
_USER = Columns(User, "u")

# With the user, a caller may read what hangs off it (the user's table is ``u``): the columns to
# add, the joins that reach them, and a function that keeps them on the user from the row's
# columns after the user's.
Attach = Callable[[User, Sequence[Any], int], None]


def token_user(token: str, *, select: str = "", joins: str = "", attach: Attach | None = None) -> User | None:
    """The active user holding an unexpired ``token``. Checked on every API request, so it is
    one hand-written query (gridcare.core.sql) rather than a compiled queryset. Touches the
    token's last use at most once a minute, so a busy kiosk does not write on every call."""
    quote = connection.ops.quote_name
    rows = fetch(
        f"SELECT {_TOKEN.sql(connection)}, {_USER.sql(connection)}{', ' + select if select else ''} "  # noqa: S608 - names from model metadata, values as parameters
        f"FROM {quote(_TOKEN.table)} t JOIN {quote(_USER.table)} u ON u.id = t.user_id {joins} "
        "WHERE t.key_hash = %s",
        [_digest(token)],
    )
    if not rows:
        return None
    row = _TOKEN.load(rows[0], 0, connection)
    user = _USER.load(rows[0], len(_TOKEN), connection)
    now = timezone.now()
    if row is None or user is None or not user.is_active or row.expires_at <= now:
        return None
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    if attach is not None:
        attach(user, rows[0], len(_TOKEN) + len(_USER))
    return user
