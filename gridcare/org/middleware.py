"""Session rules of SEC-1 on every page request: the idle timeout and the password age.

Both run in ``process_view`` (the URL is resolved by then, so screens are known by name) and
neither writes the session on every request: the hall pages poll every second.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.org.access import request_scope
from gridcare.org.models import PasswordAge
from gridcare.org.passwords import password_expires_at
from gridcare.org.services import sign_out_idle

ACTIVE_AT = "gridcare_active_at"  # epoch seconds of the session's last counted activity
AGE_KEY = "gridcare_password_set"  # [session auth hash, epoch seconds the password was set]
STAMP_EVERY_SECONDS = 60

# The hall's device screens (kiosk, display board, evaluation pad) stay open all day on registered
# devices, which hold a device credential of their own and no staff session (gridcare.halls), so
# the idle timeout never concerns them. A *staff* session on these screens (the hall manager's
# preview) is not exempt: they poll every second, so their requests do not count as activity,
# and an idle session there is signed out and the request carries on without it (the screen then
# serves a paired device, or sends everyone else to the sign-in page).
DEVICE_SCREENS = frozenset({("halls", "kiosk"), ("halls", "board"), ("halls", "pad"), ("halls", "pad_at")})

# Pages an expired password may still reach: changing it, signing out, the language menu.
PASSWORD_EXEMPT = frozenset({"password_change", "password_change_done", "logout", "login", "set_language"})


class _ViewMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)


def _url_name(request: HttpRequest) -> tuple[str, str]:
    match = request.resolver_match
    return (match.namespace, match.url_name or "") if match is not None else ("", "")


class SessionIdleTimeoutMiddleware(_ViewMiddleware):
    """A signed-in session idle for GRIDCARE_AUTH["SESSION_IDLE_MINUTES"] is signed out. The
    activity stamp in the session is refreshed at most once a minute."""

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponseBase | None:
        if not request.user.is_authenticated:
            return None  # a device screen's own requests carry no staff session at all
        screen = _url_name(request) in DEVICE_SCREENS
        now = int(timezone.now().timestamp())
        stamp = request.session.get(ACTIVE_AT)
        if isinstance(stamp, int) and now - stamp >= settings.GRIDCARE_AUTH["SESSION_IDLE_MINUTES"] * 60:
            sign_out_idle(request)
            if screen or request.path.startswith("/api/"):
                return None  # carries on signed out: the API answers 401, a screen its sign-in page
            messages.info(request, _("您已长时间未操作，为保护账号安全已自动退出，请重新登录。"))
            return redirect_to_login(request.get_full_path())
        if not isinstance(stamp, int) or (not screen and now - stamp >= STAMP_EVERY_SECONDS):
            request.session[ACTIVE_AT] = now  # a screen's polling is no activity: stamped only when unstamped
        return None


class PasswordExpiryMiddleware(_ViewMiddleware):
    """Staff whose password is older than GRIDCARE_AUTH["PASSWORD_MAX_AGE_DAYS"] are sent to the
    password change page on every page until they change it. The moment the password was set is
    read once per session (and again after a password change) and kept in the session."""

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponseBase | None:
        user = request.user
        if not user.is_authenticated or request.path.startswith(("/api/", settings.STATIC_URL)):
            return None
        namespace, name = _url_name(request)
        if (not namespace and name in PASSWORD_EXEMPT) or not (user.is_staff or request_scope(request).is_staff):
            return None
        set_at = password_set_at(request)
        if set_at is not None and password_expires_at(set_at) > timezone.now():
            return None
        messages.warning(
            request,
            _("您的密码已超过 %(days)s 天未修改，请先修改密码。")
            % {"days": settings.GRIDCARE_AUTH["PASSWORD_MAX_AGE_DAYS"]},
        )
        return redirect("password_change")


def password_set_at(request: HttpRequest) -> datetime | None:
    """When the signed-in user's password was set (None: unknown, treated as expired)."""
    user = request.user
    if not isinstance(user, User):
        return None
    auth_hash = user.get_session_auth_hash()
    cached = request.session.get(AGE_KEY)
    if isinstance(cached, list) and len(cached) == 2 and cached[0] == auth_hash:
        return datetime.fromtimestamp(cached[1], tz=UTC) if cached[1] is not None else None
    recorded = PasswordAge.objects.filter(user_id=user.pk).values_list("set_at", flat=True).first()
    # No record: the password was given at creation (create_user does not tell the validators).
    set_at = recorded or getattr(user, "date_joined", None)
    request.session[AGE_KEY] = [auth_hash, set_at.timestamp() if set_at is not None else None]
    return set_at
