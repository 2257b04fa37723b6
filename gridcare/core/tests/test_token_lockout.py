"""Issue 11 item 7 on the API: POST /api/v1/auth/token locks like the sign-in page."""

from __future__ import annotations

import json

from axes.models import AccessFailureLog, AccessLog
from django.test import Client

from gridcare.core.models import ApiToken
from gridcare.core.testing import PASSWORD, City
from gridcare.org.models import AuthEvent

LOCKED = "登录失败次数过多，账号已锁定 30 分钟。请稍后再试，或请系统管理员解锁。"


def token(username: str, password: str, address: str = "10.1.1.1") -> tuple[int, dict[str, object]]:
    response = Client(REMOTE_ADDR=address).post(
        "/api/v1/auth/token", json.dumps({"username": username, "password": password}), content_type="application/json"
    )
    return response.status_code, response.json()


def test_five_wrong_passwords_lock_the_token_endpoint_with_the_house_error_shape(town: City) -> None:
    for _ in range(4):
        assert token("clerk", "wrong") == (401, {"detail": "用户名或密码错误。", "errors": {}})
    assert token("clerk", "wrong") == (429, {"detail": LOCKED, "errors": {}})
    assert token("clerk", PASSWORD) == (429, {"detail": LOCKED, "errors": {}})
    assert ApiToken.objects.count() == 0
    assert AccessFailureLog.objects.filter(username="clerk").count() == 6
    assert AuthEvent.objects.filter(type=AuthEvent.Type.ACCOUNT_LOCKED, username="clerk").count() == 1


def test_a_lock_from_the_sign_in_page_also_closes_the_api(town: City) -> None:
    for _ in range(5):
        Client(REMOTE_ADDR="10.1.1.1").post("/login/", {"username": "clerk", "password": "wrong"})
    assert token("clerk", PASSWORD, address="10.7.7.7") == (429, {"detail": LOCKED, "errors": {}})
    assert ApiToken.objects.count() == 0


def test_a_token_issued_is_a_sign_in_in_the_log_and_resets_the_count(town: City) -> None:
    for _ in range(4):
        token("clerk", "wrong")
    status, body = token("clerk", PASSWORD)
    assert status == 200 and len(str(body["token"])) == 40
    assert (
        AccessLog.objects.filter(username="clerk", ip_address="10.1.1.1", path_info="/api/v1/auth/token").count() == 1
    )
    for _ in range(4):
        token("clerk", "wrong")
    assert token("clerk", PASSWORD)[0] == 200


def test_an_address_throttled_on_the_api_is_told_so(town: City) -> None:
    for n in range(30):
        token(f"guess{n}", "wrong", address="10.2.2.2")
    detail = "本地址登录失败次数过多，已暂停登录 30 分钟，请稍后再试。"
    assert token("clerk", PASSWORD, address="10.2.2.2") == (429, {"detail": detail, "errors": {}})
    assert token("clerk", PASSWORD, address="10.3.3.3")[0] == 200
    assert ApiToken.objects.count() == 1
