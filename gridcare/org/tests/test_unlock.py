"""Issue 11 item 7: an administrator unlocks an account (confirmed, audited); nobody else can."""

from __future__ import annotations

from axes.models import AccessAttempt, AccessFailureLog
from django.test import Client

from gridcare.core.testing import PASSWORD, City, signed_in
from gridcare.org.models import AuthEvent


def lock(username: str = "clerk", address: str = "10.1.1.1") -> None:
    for _ in range(5):
        Client(REMOTE_ADDR=address).post("/login/", {"username": username, "password": "wrong"})


def test_the_locks_page_lists_the_locked_account_and_asks_before_unlocking(town: City) -> None:
    lock()
    admin = signed_in(town.admin)
    html = admin.get("/security/").content.decode()
    assert "clerk" in html and "/security/unlock/?username=clerk" in html
    confirm = admin.get("/security/unlock/?username=clerk").content.decode()
    assert "确定解除账号「clerk」的锁定吗？" in confirm
    assert AccessAttempt.objects.filter(username="clerk").count() == 1  # asking changed nothing


def test_an_administrator_unlocks_and_the_clerk_signs_in_again(town: City) -> None:
    lock()
    response = signed_in(town.admin).post("/security/unlock/?username=clerk", follow=True)
    assert "已解除锁定：clerk" in response.content.decode()
    assert AccessAttempt.objects.filter(username="clerk").count() == 0
    assert AccessFailureLog.objects.filter(username="clerk").count() == 5  # the failures stay in the audit
    unlocked = AuthEvent.objects.get(type=AuthEvent.Type.UNLOCKED)
    assert (unlocked.username, unlocked.user, unlocked.actor, unlocked.parameters) == (
        "clerk",
        town.clerk,
        town.admin,
        {"failures": 5},
    )
    client = Client(REMOTE_ADDR="10.1.1.1")
    client.post("/login/", {"username": "clerk", "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(town.clerk.pk)


def test_a_hall_manager_cannot_unlock_and_nothing_changes(town: City) -> None:
    lock()
    manager = signed_in(town.manager)
    assert manager.get("/security/").status_code == 404
    assert manager.post("/security/unlock/?username=clerk").status_code == 404
    assert AccessAttempt.objects.get(username="clerk").failures_since_start == 5
    assert not AuthEvent.objects.filter(type=AuthEvent.Type.UNLOCKED).exists()


def test_unlocking_an_account_that_is_not_locked_is_refused_and_writes_nothing(town: City) -> None:
    for _ in range(2):
        Client(REMOTE_ADDR="10.1.1.1").post("/login/", {"username": "clerk", "password": "wrong"})
    response = signed_in(town.admin).post("/security/unlock/?username=clerk", follow=True)
    assert "该账号当前没有被锁定。" in response.content.decode()
    assert AccessAttempt.objects.get(username="clerk").failures_since_start == 2
    assert not AuthEvent.objects.filter(type=AuthEvent.Type.UNLOCKED).exists()


def test_an_administrator_lifts_an_address_throttle(town: City) -> None:
    for n in range(30):
        Client(REMOTE_ADDR="10.2.2.2").post("/login/", {"username": f"guess{n}", "password": "wrong"})
    admin = signed_in(town.admin)
    assert "/security/unlock/?address=10.2.2.2" in admin.get("/security/").content.decode()
    admin.post("/security/unlock/?address=10.2.2.2")
    assert AccessAttempt.objects.filter(ip_address="10.2.2.2").count() == 0
    event = AuthEvent.objects.get(type=AuthEvent.Type.UNLOCKED)
    assert (event.ip_address, event.actor, event.parameters) == ("10.2.2.2", town.admin, {"failures": 30})
