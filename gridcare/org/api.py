from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from gridcare.core.tokens import token_issue
from gridcare.org.access import scope_for

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


class ErrorOut(Schema):
    detail: str
    errors: dict[str, str]


class MeOut(Schema):
    username: str
    name: str | None
    role: str | None
    company: str | None
    unit: str | None
    hall: str | None


@router.post("/auth/token", auth=None, response={200: TokenOut, 401: ErrorOut})
def auth_token(request: HttpRequest, payload: TokenIn) -> dict[str, str]:
    return {"token": token_issue(request=request, username=payload.username, password=payload.password)}


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
