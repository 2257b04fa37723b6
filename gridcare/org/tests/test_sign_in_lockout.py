"""Issue 11 item 7: five failed sign-ins lock the account; the right password is then refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.handlers import proxy
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.test import Client
from django.utils import timezone

from gridcare.core.testing import PASSWORD, City
from gridcare.org.models import AuthEvent

LOCKED = "登录失败次数过多，账号已锁定 30 分钟。请稍后再试，或请系统管理员解锁。"


def sign_in(username: str, password: str, address: str = "10.1.1.1") -> Client:
    client = Client(REMOTE_ADDR=address)
    client.post("/login/", {"username": username, "password": password})
    return client


def fail(username: str, times: int, address: str = "10.1.1.1") -> None:
    for _ in range(times):
        sign_in(username, "wrong-password", address)


def test_five_failures_lock_the_account_and_the_right_password_is_refused(town: City) -> None:
    fail("clerk", 4)
    assert not AuthEvent.objects.filter(type=AuthEvent.Type.ACCOUNT_LOCKED).exists()
    fifth = Client(REMOTE_ADDR="10.1.1.1").post("/login/", {"username": "clerk", "password": "wrong-password"})
    assert fifth.status_code == 429
    assert LOCKED in fifth.content.decode()
    right = Client(REMOTE_ADDR="10.1.1.1")
    response = right.post("/login/", {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in right.session
    assert right.get("/").status_code == 302  # not signed in
    assert AccessLog.objects.filter(username="clerk").count() == 0
    assert AccessFailureLog.objects.filter(username="clerk").count() == 6
    assert AccessFailureLog.objects.filter(username="clerk", locked_out=True).count() == 2
    locks = AuthEvent.objects.filter(type=AuthEvent.Type.ACCOUNT_LOCKED)
    assert [(e.username, e.user, e.ip_address, e.parameters) for e in locks] == [
        ("clerk", town.clerk, "10.1.1.1", {"minutes": 30})
    ]


def test_twelve_failures_then_the_right_password_is_still_refused(town: City) -> None:
    fail("clerk", 12)
    response = Client(REMOTE_ADDR="10.9.9.9").post("/login/", {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 429
    assert AuthEvent.objects.filter(type=AuthEvent.Type.ACCOUNT_LOCKED).count() == 1


def test_four_failures_and_a_sign_in_start_the_count_again(town: City) -> None:
    fail("clerk", 4)
    client = sign_in("clerk", PASSWORD)
    assert client.session["_auth_user_id"] == str(town.clerk.pk)
    assert AccessAttempt.objects.filter(username="clerk").count() == 0
    assert AccessLog.objects.filter(username="clerk").count() == 1
    fail("clerk", 4)
    assert sign_in("clerk", PASSWORD).session["_auth_user_id"] == str(town.clerk.pk)


def test_the_lock_ends_thirty_minutes_after_the_last_failure(town: City, monkeypatch: pytest.MonkeyPatch) -> None:
    start = timezone.now()
    at = [start]
    monkeypatch.setattr(timezone, "now", lambda: at[0])
    monkeypatch.setattr(proxy, "now", lambda: at[0])
    fail("clerk", 5)
    at[0] = start + timedelta(minutes=29)
    assert sign_in("clerk", PASSWORD).session.get("_auth_user_id") is None  # still locked (and prolonged)
    at[0] = start + timedelta(minutes=29 + 31)
    assert sign_in("clerk", PASSWORD).session["_auth_user_id"] == str(town.clerk.pk)


def test_one_clerks_lock_leaves_the_other_clerks_behind_the_same_address_signing_in(town: City) -> None:
    fail("clerk", 5, address="10.1.1.1")
    assert sign_in("guide", PASSWORD, address="10.1.1.1").session["_auth_user_id"] == str(town.guide.pk)
    assert sign_in("manager", PASSWORD, address="10.1.1.1").session["_auth_user_id"] == str(town.manager.pk)


def test_an_unknown_username_is_counted_and_locked_like_a_real_one(town: City) -> None:
    fail("nobody", 5)
    assert AuthEvent.objects.get(type=AuthEvent.Type.ACCOUNT_LOCKED).username == "nobody"
    assert AuthEvent.objects.get(type=AuthEvent.Type.ACCOUNT_LOCKED).user is None


def test_the_admin_sign_in_is_locked_too(town: City) -> None:
    for _ in range(5):
        Client(REMOTE_ADDR="10.1.1.1").post("/admin/login/", {"username": "admin", "password": "wrong"})
    client = Client(REMOTE_ADDR="10.1.1.1")
    response = client.post("/admin/login/?next=/admin/", {"username": "admin", "password": PASSWORD})
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_username_longer_than_any_user_is_a_counted_failure_not_an_error(town: City) -> None:
    long_name = "u" * 10_000
    page = Client(REMOTE_ADDR="10.1.1.7").post("/login/", {"username": long_name, "password": "wrong-password"})
    api = Client(REMOTE_ADDR="10.1.1.7").post(
        "/api/v1/auth/token", {"username": long_name, "password": "x"}, content_type="application/json"
    )
    assert (page.status_code, api.status_code) == (200, 401)
    assert list(AccessFailureLog.objects.values_list("username", flat=True)) == ["u" * 150, "u" * 150]
    assert AccessAttempt.objects.get().failures_since_start == 2
