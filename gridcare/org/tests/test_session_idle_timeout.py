"""Issue 11 item 10: a staff session ends after 30 idle minutes; the activity stamp is written at
most once a minute. The hall's all-day screens are registered devices without a staff session; a
staff session on them (the manager's preview) is not exempt."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gridcare.core.testing import City, signed_in
from gridcare.halls.tests.helpers import device_browser, paired
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


def test_paired_devices_stay_open_all_day_without_any_staff_session(town: City, clock: Clock) -> None:
    counter = town.counters[0]
    board = device_browser(paired(town, "board")[1])
    pad = device_browser(paired(town, "pad", counter=counter)[1])
    kiosk = device_browser(paired(town, "kiosk")[1])
    for hours in (0, 1, 4, 8, 30):
        clock.set(hours=hours)
        assert board.get("/halls/H1/board/").status_code == 200
        assert board.get("/halls/H1/board/", headers={"HX-Request": "true"}).status_code == 200
        assert pad.get(f"/halls/pad/{counter.pk}/").status_code == 200
        assert kiosk.get("/halls/H1/kiosk/").status_code == 200
    assert "_auth_user_id" not in board.session
    assert not AuthEvent.objects.filter(type=AuthEvent.Type.SIGNED_OUT_IDLE).exists()


def test_a_staff_session_on_the_screens_is_not_exempt_from_the_idle_timeout(town: City, clock: Clock) -> None:
    """Before: kiosk, board and pad were exempt by URL, so a staff session left on them (the
    kiosk ran as one) never ended. Now their polling is no activity of a staff session."""
    client = signed_in(town.manager)  # the hall manager previewing the screens
    assert client.get("/").status_code == 200
    for minutes in (1, 10, 20, 29):
        clock.set(minutes=minutes)
        assert client.get("/halls/H1/board/", headers={"HX-Request": "true"}).status_code == 200
    clock.set(minutes=30)
    response = client.get("/halls/H1/board/", headers={"HX-Request": "true"})
    assert (response.status_code, response["Location"]) == (302, "/login/?next=/halls/H1/board/")
    assert "_auth_user_id" not in client.session
    assert AuthEvent.objects.get(type=AuthEvent.Type.SIGNED_OUT_IDLE).user == town.manager
    # Signed out for every staff page too, and the kiosk is no way around it.
    assert client.get("/halls/H1/kiosk/").status_code == 302
    assert client.get("/customers/?q=张").status_code == 302


def test_a_device_browser_that_also_holds_an_idle_staff_session_keeps_its_screen(town: City, clock: Clock) -> None:
    client = device_browser(paired(town, "board")[1])
    client.force_login(town.manager)
    assert client.get("/").status_code == 200
    clock.set(minutes=45)
    assert client.get("/halls/H1/board/").status_code == 200  # the device's own credential serves it
    assert "_auth_user_id" not in client.session  # the idle staff session is gone
    assert client.get("/customers/").status_code == 302


def test_an_idle_session_on_the_api_answers_401(town: City, clock: Clock) -> None:
    client = signed_in(town.clerk)
    assert client.get("/api/v1/me").status_code == 200
    clock.set(minutes=31)
    assert client.get("/api/v1/me").status_code == 401
