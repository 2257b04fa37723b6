"""Issue 11 item 7: an address is throttled at its own, higher limit (30 failures by default)."""

from __future__ import annotations

from django.test import Client

from gridcare.core.testing import PASSWORD, City
from gridcare.org.models import AuthEvent

THROTTLED = "本地址登录失败次数过多，已暂停登录 30 分钟，请稍后再试。"


def attempt(username: str, password: str, address: str) -> Client:
    client = Client(REMOTE_ADDR=address)
    client.post("/login/", {"username": username, "password": password})
    return client


def test_thirty_failures_from_one_address_throttle_it_and_only_it(town: City) -> None:
    # Ten names, three failures each: no account reaches its own limit of five.
    for n in range(10):
        for _ in range(3):
            attempt(f"guess{n}", "wrong-password", "10.2.2.2")
    refused = Client(REMOTE_ADDR="10.2.2.2")
    response = refused.post("/login/", {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 429
    assert THROTTLED in response.content.decode()
    assert "_auth_user_id" not in refused.session
    assert attempt("clerk", PASSWORD, "10.3.3.3").session["_auth_user_id"] == str(town.clerk.pk)
    events = AuthEvent.objects.filter(type=AuthEvent.Type.ADDRESS_THROTTLED)
    assert [(e.ip_address, e.parameters) for e in events] == [("10.2.2.2", {"minutes": 30, "failures": 30})]
    assert AuthEvent.objects.filter(type=AuthEvent.Type.ACCOUNT_LOCKED).count() == 0


def test_twenty_nine_failures_from_one_address_still_let_a_clerk_in(town: City) -> None:
    for n in range(29):
        attempt(f"guess{n}", "wrong-password", "10.2.2.2")
    assert attempt("clerk", PASSWORD, "10.2.2.2").session["_auth_user_id"] == str(town.clerk.pk)
    assert AuthEvent.objects.filter(type=AuthEvent.Type.ADDRESS_THROTTLED).count() == 0
