"""Who is the customer of a request (SELF-2): the portal's own session cookie for its pages,
the ``gcp_`` bearer token for the app. Both are separate from staff ones on purpose:

- the pages keep the customer in their own session (cookie ``gc_portal``), never in the staff
  session (``sessionid``): a customer is no ``auth.User``, so no staff page or staff endpoint
  ever sees one (they ask ``request.user``, which a customer's session does not set);
- a customer token is looked up only among portal tokens, a staff token only among staff ones,
  so neither opens the other's endpoints (401).

A customer sees only the accounts bound to them; any other account is the same 404 as a missing
one (``bound_account``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.backends.db import SessionStore
from django.db import connections
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from ninja.security import APIKeyCookie, HttpBearer

from gridcare.core import timezone as tz
from gridcare.core.exceptions import NotFound
from gridcare.core.sql import Columns, cache_related, fetch
from gridcare.portal import rules
from gridcare.portal.models import PortalToken, PortalUser

COOKIE = "gc_portal"
USER_KEY = "portal_user_id"
TOKEN_TOUCH = timedelta(minutes=5)  # last_used_at is written at most this often


def portal_session(request: HttpRequest) -> SessionBase:
    found = getattr(request, "portal_session", None)
    if found is None:  # a request that did not pass the middleware (a test's RequestFactory)
        found = SessionStore(session_key=request.COOKIES.get(COOKIE))
        request.portal_session = found  # type: ignore[attr-defined]
    return found


class PortalSessionMiddleware:
    """The customer's session: its own cookie and row, saved only when it changed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.portal_session = SessionStore(session_key=request.COOKIES.get(COOKIE))  # type: ignore[attr-defined]
        response = self.get_response(request)
        session: SessionBase = request.portal_session  # type: ignore[attr-defined]
        if COOKIE in request.COOKIES and session.is_empty():
            response.delete_cookie(COOKIE, samesite="Lax")
        elif session.modified and not session.is_empty():
            days = rules.portal_setting("SESSION_DAYS")
            session.set_expiry(days * 86400)
            session.save()
            response.set_cookie(
                COOKIE,
                session.session_key or "",
                max_age=days * 86400,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


def signed_in_customer(request: HttpRequest) -> PortalUser | None:
    """The customer of the request's portal session (None: nobody, or no longer active)."""
    if hasattr(request, "_portal_user"):
        return request._portal_user  # type: ignore[attr-defined,no-any-return]
    user_id = portal_session(request).get(USER_KEY)
    user = _active_customer(user_id) if isinstance(user_id, int) else None
    request._portal_user = user  # type: ignore[attr-defined]
    return user


_CUSTOMER = Columns(PortalUser, "p")
_TOKEN = Columns(PortalToken, "t")


def _active_customer(user_id: int) -> PortalUser | None:
    """The active customer ``user_id``, read by hand: every portal page and call asks it
    (gridcare.core.sql)."""
    connection = connections["default"]
    rows = fetch(
        f"SELECT {_CUSTOMER.sql(connection)} FROM {connection.ops.quote_name(_CUSTOMER.table)} p "  # noqa: S608 - names from model metadata, values as parameters
        "WHERE p.id = %s AND p.active",
        [user_id],
    )
    return _CUSTOMER.load(rows[0], 0, connection) if rows else None


def sign_in(request: HttpRequest, user: PortalUser) -> None:
    session = portal_session(request)
    session.cycle_key()  # a new session key at every sign-in (no fixation)
    session[USER_KEY] = user.pk
    request._portal_user = user  # type: ignore[attr-defined]


def sign_out(request: HttpRequest) -> None:
    portal_session(request).flush()
    request._portal_user = None  # type: ignore[attr-defined]


def token_customer(token: str) -> PortalUser | None:
    """The customer of a live ``gcp_`` token (never a staff token's user)."""
    if not token.startswith(rules.TOKEN_PREFIX) or len(token) > 100:
        return None
    now = tz.now()
    connection = connections["default"]
    quote = connection.ops.quote_name
    rows = fetch(
        f"SELECT {_TOKEN.sql(connection)}, {_CUSTOMER.sql(connection)} FROM {quote(_TOKEN.table)} t "  # noqa: S608 - names from model metadata, values as parameters
        f"JOIN {quote(_CUSTOMER.table)} p ON p.id = t.user_id "
        "WHERE t.key_hash = %s",
        [rules.token_hash(token)],
    )
    row = _TOKEN.load(rows[0], 0, connection) if rows else None
    customer = _CUSTOMER.load(rows[0], len(_TOKEN), connection) if rows else None
    if row is None or customer is None or row.revoked_at is not None or row.expires_at <= now or not customer.active:
        return None
    cache_related(row, "user", customer)
    if row.last_used_at is None or now - row.last_used_at > TOKEN_TOUCH:
        PortalToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


class CustomerToken(HttpBearer):
    """The app's ``Authorization: Bearer gcp_…``."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        customer = token_customer(token)
        if customer is not None:
            request._portal_user = customer  # type: ignore[attr-defined]
        return customer


class CustomerSession(APIKeyCookie):
    """The portal pages' own calls, with the portal session cookie (and the CSRF check)."""

    param_name = COOKIE

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return signed_in_customer(request) if key else None


# Every /api/v1/portal/ operation except signing in.
CUSTOMER = [CustomerToken(), CustomerSession()]


def request_customer(request: HttpRequest) -> PortalUser:
    """The customer an authenticated portal operation or page runs for."""
    customer = signed_in_customer(request)
    assert customer is not None, "a portal view without its customer check"
    return customer


def customer_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A portal page: signed-in customers only; anyone else goes to the sign-in page and back."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if signed_in_customer(request) is None:
            return redirect(f"{reverse('portal:login')}?{urlencode({'next': request.get_full_path()})}")
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc

    return wrapped
