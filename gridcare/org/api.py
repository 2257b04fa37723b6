from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth import logout
from django.http import HttpRequest
from ninja import Router, Schema

from gridcare.core.tokens import token_issue
from gridcare.org.access import Scope, scope_for
from gridcare.org.services import session_tokens_revoke, token_revoke_presented

router = Router(tags=["auth"])
T = TypeVar("T")


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


class ErrorOut(Schema):
    detail: str
    errors: dict[str, str]


# The refusals every operation that takes input may answer (gridcare.core.exceptions).
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def scoped_get(request: HttpRequest, get: Callable[..., T], **key: Any) -> tuple[Scope, T]:
    """The caller's scope and what ``get`` (an app's ``*_get_for_scope``) finds for it by ``key``:
    missing and not the caller's are the same 404."""
    scope = scope_for(request.user)
    return scope, get(scope=scope, **key)


class MeOut(Schema):
    username: str
    name: str | None
    role: str | None
    company: str | None
    unit: str | None
    hall: str | None


@router.post("/auth/token", auth=None, response={200: TokenOut, 401: ErrorOut, 429: ErrorOut})
def auth_token(request: HttpRequest, payload: TokenIn) -> dict[str, str]:
    """A bearer token for a username and password. After GRIDCARE_AUTH["ACCOUNT_FAILURE_LIMIT"]
    failures the account is locked (429 with the Chinese reason), as on the sign-in page."""
    return {"token": token_issue(request=request, username=payload.username, password=payload.password)}


@router.post("/auth/logout", response={204: None, 401: ErrorOut})
def auth_logout(request: HttpRequest) -> tuple[int, None]:
    """Revokes the presented bearer token; called with the page session instead, signs the
    session out with the tokens issued from it."""
    kind, _space, token = request.headers.get("Authorization", "").partition(" ")
    if kind.lower() == "bearer" and token.strip():
        token_revoke_presented(token=token.strip(), actor=request.user)
    else:
        session_tokens_revoke(request=request, reason="logout")
        logout(request)
    return 204, None


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict[str, str | None]:
    scope = scope_for(request.user)
    staff = scope.staff
    return {
        "username": request.user.get_username(),
        "name": staff.name if staff else None,
        "role": staff.role if staff else None,
        "company": staff.company.code if staff else None,
        "unit": staff.unit.code if staff and staff.unit else None,
        "hall": staff.hall.code if staff and staff.hall else None,
    }
