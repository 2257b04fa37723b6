"""Sign-in lockout (SEC-1) on django-axes.

axes counts failed sign-ins per username, locks an account at ``AXES_FAILURE_LIMIT`` (5) for
``AXES_COOLOFF_TIME`` and keeps the sign-in log (AccessLog) and the failure log
(AccessFailureLog). This module adds what axes cannot express with its one limit:

- an address throttle at its own, higher limit (``GRIDCARE_AUTH["ADDRESS_FAILURE_LIMIT"]``),
  counted from the same axes attempt rows: a hall's counters share one NAT address, so locking
  an address at 5 would lock the whole hall after five clerks' typos;
- an audit row (``AuthEvent``) the moment an account is locked or an address throttled;
- the Chinese answers: the sign-in form shows the message (``lockout_message``), the API answers
  ``{"detail": "…", "errors": {}}`` with 429.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessLog
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.org.events import auth_event
from gridcare.org.models import AuthEvent

ACCOUNT = "account"
ADDRESS = "address"


USERNAME_MAX = 150  # django.contrib.auth's User.username; axes' columns hold 255


def client_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """The username axes counts (AXES_USERNAME_CALLABLE): the one posted, cut to the longest a
    user can have, so a 10,000-character username is a failed sign-in like any other instead of
    a row PostgreSQL refuses."""
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    username = credentials.get(field) if credentials else getattr(request, "data", request.POST).get(field)
    return username[:USERNAME_MAX] if isinstance(username, str) else None


def _lock_minutes() -> int:
    return int(settings.GRIDCARE_AUTH["LOCK_MINUTES"])


def address_failures(ip_address: str | None) -> int:
    """Failed sign-ins from one address within the cool-off, whatever the username."""
    if not ip_address:
        return 0
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    rows = AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=since)
    return int(rows.aggregate(n=Sum("failures_since_start"))["n"] or 0)


def _address_over(request: HttpRequest) -> bool:
    return (
        address_failures(getattr(request, "axes_ip_address", None)) >= settings.GRIDCARE_AUTH["ADDRESS_FAILURE_LIMIT"]
    )


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler plus the address throttle and the lockout audit rows."""

    def is_locked(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            request.gridcare_lock = ACCOUNT
            return True
        if _address_over(request):
            request.gridcare_lock = ADDRESS
            return True
        return False

    def user_login_failed(self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None:
            return
        username = get_client_username(request, credentials) or ""
        ip_address = request.axes_ip_address
        if request.axes_locked_out:  # axes: the account reached its limit
            request.gridcare_lock = ACCOUNT
            # The failure that reached the limit locks; later ones only prolong the lock.
            if request.axes_failures_since_start == settings.AXES_FAILURE_LIMIT:
                _audit(AuthEvent.Type.ACCOUNT_LOCKED, username=username, ip_address=ip_address)
        failures = address_failures(ip_address)
        limit = settings.GRIDCARE_AUTH["ADDRESS_FAILURE_LIMIT"]
        if failures == limit:
            _audit(AuthEvent.Type.ADDRESS_THROTTLED, username=username, ip_address=ip_address, failures=failures)
        if failures >= limit and not request.axes_locked_out:
            request.axes_locked_out = True
            request.axes_credentials = credentials
            request.gridcare_lock = ADDRESS
            user_locked_out.send("axes", request=request, username=username, ip_address=ip_address)


def _audit(type: AuthEvent.Type, *, username: str, ip_address: str | None, **parameters: Any) -> None:
    user = User.objects.filter(username=username).first() if username else None
    auth_event(
        type=type, username=username, user=user, ip_address=ip_address or None, minutes=_lock_minutes(), **parameters
    )


def lockout_message(request: HttpRequest) -> str:
    minutes = _lock_minutes()
    if getattr(request, "gridcare_lock", ACCOUNT) == ADDRESS:
        return _("本地址登录失败次数过多，已暂停登录 %(minutes)s 分钟，请稍后再试。") % {"minutes": minutes}
    return _("登录失败次数过多，账号已锁定 %(minutes)s 分钟。请稍后再试，或请系统管理员解锁。") % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """axes' lockout answer (AXES_LOCKOUT_CALLABLE). The sign-in page and the token endpoint
    already answer with the message; other sign-in forms (the admin's) get the lockout page."""
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith("/api/"):
        if original_response is not None and original_response.status_code == status:
            return original_response
        return JsonResponse({"detail": lockout_message(request), "errors": {}}, status=status)
    match = request.resolver_match
    if original_response is not None and match is not None and match.url_name == "login" and not match.namespace:
        original_response.status_code = status
        return original_response
    return render(request, "registration/locked.html", {"message": lockout_message(request)}, status=status)


def api_sign_in_recorded(request: HttpRequest, user: User) -> None:
    """A token issued is a sign-in: into axes' sign-in log like a page sign-in, and it resets the
    account's failure count as a page sign-in does (AXES_RESET_ON_SUCCESS)."""
    username = user.get_username()
    AccessLog.objects.create(
        username=username,
        ip_address=getattr(request, "axes_ip_address", None),
        user_agent=getattr(request, "axes_user_agent", "")[:255],
        http_accept=getattr(request, "axes_http_accept", "")[:1025],
        path_info=getattr(request, "axes_path_info", request.path)[:255],
    )
    AccessAttempt.objects.filter(username=username).delete()
