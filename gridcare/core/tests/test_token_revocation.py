"""Issue 11 item 9: tokens end at logout, password change, deactivation, an administrator's
revocation, and after an idle time."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gridcare.core.models import ApiToken
from gridcare.core.testing import PASSWORD, City, api_client, signed_in
from gridcare.core.tokens import token_user
from gridcare.org.models import AuthEvent


def issue(client: Client, username: str = "clerk") -> str:
    response = client.post(
        "/api/v1/auth/token", json.dumps({"username": username, "password": PASSWORD}), content_type="application/json"
    )
    assert response.status_code == 200
    return str(response.json()["token"])


def me(token: str) -> int:
    return Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/me").status_code


def revocations() -> list[tuple[str, str]]:
    return [
        (e.username, e.parameters["reason"])
        for e in AuthEvent.objects.filter(type=AuthEvent.Type.TOKEN_REVOKED).order_by("id")
    ]


def test_the_api_logout_revokes_the_presented_token_only(town: City) -> None:
    first, second = issue(Client()), issue(Client())
    response = Client(headers={"Authorization": f"Bearer {first}"}).post("/api/v1/auth/logout")
    assert response.status_code == 204
    assert me(first) == 401
    assert me(second) == 200
    assert revocations() == [("clerk", "logout")]
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 1


def test_signing_out_of_the_page_revokes_the_tokens_issued_from_that_session(town: City) -> None:
    browser = Client()
    browser.post("/login/", {"username": "clerk", "password": PASSWORD})
    from_session = issue(browser)
    from_device = issue(Client())
    assert ApiToken.objects.filter(session_key=browser.session.session_key).count() == 1
    browser.post("/logout/")
    assert me(from_session) == 401
    assert me(from_device) == 200
    assert revocations() == [("clerk", "logout")]


def test_a_password_change_revokes_every_token_of_the_user(town: City) -> None:
    tokens = [issue(Client()), issue(Client())]
    other = issue(Client(), "guide")
    response = signed_in(town.clerk).post(
        "/password/",
        {"old_password": PASSWORD, "new_password1": "Counter-2026-new", "new_password2": "Counter-2026-new"},
    )
    assert response.status_code == 302
    assert [me(t) for t in tokens] == [401, 401]
    assert me(other) == 200
    assert revocations() == [("clerk", "password_changed"), ("clerk", "password_changed")]


def test_deactivating_a_user_in_the_admin_revokes_their_tokens(town: City) -> None:
    token = issue(Client())
    admin = signed_in(town.admin)
    page = admin.get(f"/admin/auth/user/{town.clerk.pk}/change/")
    form = page.context["adminform"].form
    data = {
        k: v for k, v in form.initial.items() if v is not None and k not in ("password", "groups", "user_permissions")
    }
    data.update(
        {
            "is_active": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "08:00:00",
            "last_login_0": "",
            "last_login_1": "",
        }
    )
    data["is_staff"] = ""
    data["is_superuser"] = ""
    response = admin.post(f"/admin/auth/user/{town.clerk.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(pk=town.clerk.pk).is_active is False
    assert revocations() == [("clerk", "deactivated")]
    User.objects.filter(pk=town.clerk.pk).update(is_active=True)
    assert me(token) == 401  # reactivation does not bring the token back


def test_a_token_unused_for_thirty_minutes_ends(
    town: City, monkeypatch: pytest.MonkeyPatch, auth_limits: dict[str, int]
) -> None:
    assert auth_limits["API_TOKEN_IDLE_MINUTES"] == 30
    token = issue(Client())
    start = timezone.now()
    at = [start + timedelta(minutes=29)]
    monkeypatch.setattr(timezone, "now", lambda: at[0])
    assert me(token) == 200  # used at 29 minutes: the idle clock starts again
    at[0] = start + timedelta(minutes=29 + 29)
    assert me(token) == 200
    at[0] = start + timedelta(minutes=29 + 29 + 30)
    assert me(token) == 401
    assert ApiToken.objects.get().revoked_at is None  # idle, not revoked: the list says when it was last used


def test_checking_a_token_stays_one_query_when_its_last_use_is_fresh(town: City) -> None:
    token = issue(Client())
    assert token_user(token) == town.clerk  # touches last_used_at
    with CaptureQueriesContext(connection) as queries:
        assert token_user(token) == town.clerk
    assert len(queries) == 1


def test_api_client_personas_still_sign_in_through_the_lockout(town: City) -> None:
    assert api_client(town.clerk).get("/api/v1/me").json()["username"] == "clerk"


def test_taking_a_post_off_duty_in_the_admin_revokes_the_persons_tokens(town: City) -> None:
    token = issue(Client())
    staff = town.clerk.staff
    admin = signed_in(town.admin)
    data = {
        "user": str(town.clerk.pk),
        "employee_no": staff.employee_no,
        "name": staff.name,
        "role": staff.role,
        "company": str(staff.company_id),
        "unit": str(staff.unit_id),
        "hall": str(staff.hall_id),
        "active": "",
    }
    response = admin.post(f"/admin/org/staff/{staff.pk}/change/", data)
    assert response.status_code == 302
    assert me(token) == 401
    assert revocations() == [("clerk", "deactivated")]
