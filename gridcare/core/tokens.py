"""Issuing and checking API bearer tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.core.exceptions import DomainError
from gridcare.core.models import ApiToken


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


def token_user(token: str) -> User | None:
    now = timezone.now()
    row = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_digest(token), expires_at__gt=now, user__is_active=True)
        .first()
    )
    if row is None:
        return None
    # Touch at most once a minute so a busy kiosk does not write on every call.
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user
