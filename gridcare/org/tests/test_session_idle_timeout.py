"""Issue 11 item 10: a staff session ends after 30 idle minutes; the activity stamp is written at
most once a minute; the hall's all-day screens are exempt."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gridcare.core.testing import City, signed_in
from gridcare.org.models import AuthEvent

pytestmark = pytest.mark.usefixtures("auth_limits")


class Clock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.start = timezone.now()
        self.at = self.start
        monkeypatch.setattr(timezone, "now", lambda: self.at)

    def set(self, **delta: float) -> None:
        self.at = self.start + timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


def session_writes(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return sum(
        1
        for q in queries
        if "django_session" in q["sql"] and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    )


def test_thirty_idle_minutes_sign_the_person_out(town: City, clock: Clock) -> None:
    client = signed_in(town.clerk)
    assert client.get("/").status_code == 200
    clock.set(minutes=30)
    response = client.get("/customers/")
    assert (response.status_code, response["Location"]) == (302, "/login/?next=/customers/")
    assert "_auth_user_id" not in client.session
    event = AuthEvent.objects.get(type=AuthEvent.Type.SIGNED_OUT_IDLE)
    assert (event.user, event.parameters) == (town.clerk, {"path": "/customers/"})
    page = client.get("/login/").content.decode()
    assert "您已长时间未操作，为保护账号安全已自动退出，请重新登录。" in page


def test_activity_within_thirty_minutes_keeps_the_session(town: City, clock: Clock) -> None:
    client = signed_in(town.clerk)
    for minutes in (0, 29, 58, 87):
        clock.set(minutes=minutes)
        assert client.get("/").status_code == 200
    assert not AuthEvent.objects.filter(type=AuthEvent.Type.SIGNED_OUT_IDLE).exists()


def test_the_session_is_written_at_most_once_a_minute(town: City, clock: Clock) -> None:
    client = signed_in(town.clerk)
    assert session_writes(client, "/") == 1  # the first stamp
    clock.set(seconds=30)
    assert session_writes(client, "/") == 0
    clock.set(seconds=59)
    assert session_writes(client, "/") == 0
    clock.set(seconds=61)
    assert session_writes(client, "/") == 1


def test_the_board_and_the_pad_stay_open_all_day(town: City, clock: Clock) -> None:
    client = signed_in(town.guide)
    assert client.get("/").status_code == 200
    counter = town.counters[0]
    for hours in (1, 4, 8):
        clock.set(hours=hours)
        assert client.get("/halls/H1/board/").status_code == 200
        assert client.get(f"/halls/pad/{counter.pk}/").status_code == 200
        assert client.get("/halls/H1/kiosk/").status_code == 200
    assert client.get("/halls/H1/board/", headers={"HX-Request": "true"}).status_code == 200
    # Leaving the screens for a staff page after 8 hours: the idle timeout applies there.
    assert client.get("/").status_code == 302


def test_an_idle_session_on_the_api_answers_401(town: City, clock: Clock) -> None:
    client = signed_in(town.clerk)
    assert client.get("/api/v1/me").status_code == 200
    clock.set(minutes=31)
    assert client.get("/api/v1/me").status_code == 401
