"""The live screens pushed by server-sent events (issue 20, gridcare.halls.push): after every kind
of change, each connected screen is sent exactly what a fresh refresh would show, once; nothing is
sent while nothing changed; a console is nudged to fetch its own state only when its counter's line
changed; the stream itself starts with the current state and is refused to whoever may not see it."""

from __future__ import annotations

import re

import pytest
from django.core.cache import caches
from django.test import Client, override_settings

from gridcare.core.testing import City, close_stream, signed_in
from gridcare.halls import push
from gridcare.halls.models import DeviceKind, HallLive
from gridcare.halls.services import terminals, tickets
from gridcare.halls.tests.appointments_helpers import Clock
from gridcare.halls.tests.helpers import device_browser, issue, paired
from gridcare.halls.tests.test_live_screens_follow_every_change import BOARD, FLOOR, changes
from gridcare.org.access import scope_for


def fresh(client: Client, url: str) -> str:
    caches["live"].clear()
    return client.get(url, HTTP_HX_REQUEST="true").content.decode()


def parse(text: str) -> tuple[str, str, str]:
    """(event, id, data) of one server-sent event."""
    fields: dict[str, list[str]] = {"event": [], "id": [], "data": []}
    for line in text.rstrip("\n").split("\n"):
        name, _sep, value = line.partition(": ")
        if name in fields:
            fields[name].append(value)
    return fields["event"][0], "".join(fields["id"]), "\n".join(fields["data"])


class Screen:
    """One connected screen: what the hub handed it."""

    def __init__(self, hub: push.Hub, hall_id: int, kind: str, counter_id: int | None = None) -> None:
        self.got: list[tuple[str, str, str]] = []
        self.sink = push.Sink(hall_id, kind, "zh-hans", counter_id, lambda text: self.got.append(parse(text)))
        hub.subscribe(self.sink)

    def take(self) -> list[tuple[str, str, str]]:
        got, self.got = self.got, []
        return got


@pytest.mark.django_db
def test_after_every_change_each_screen_is_sent_what_a_refresh_shows(hall_town: City, clock: Clock) -> None:
    terminals.terminal_register(hall=hall_town.hall, code="T-H1-1", kind="payment", name="自助缴费机 1")
    hub = push.Hub(start_thread=False)
    hall = hall_town.hall
    counter = hall_town.counters[1]
    board = Screen(hub, hall.pk, "board")
    floor = Screen(hub, hall.pk, "floor")
    console = Screen(hub, hall.pk, "console_queue", counter_id=counter.pk)
    other = Screen(hub, hall_town.other_hall.pk, "board")
    board_client = device_browser(paired(hall_town, DeviceKind.BOARD)[1])
    manager = signed_in(hall_town.manager)
    hub.poll_once()  # the first poll sends each screen its state
    assert [e for e, _i, _d in board.take()] == ["state"]
    floor.take(), console.take(), other.take()
    hub.poll_once()
    assert (board.take(), floor.take(), console.take()) == ([], [], [])  # nothing changed: nothing sent
    nudged = []
    for what, change in changes(hall_town):
        change()
        hub.poll_once()
        token = HallLive.objects.get(hall=hall).version
        for screen, client, url in ((board, board_client, BOARD), (floor, manager, FLOOR)):
            got = screen.take()
            assert len(got) <= 1, (what, got)
            shown = fresh(client, url)
            if got:
                assert got[0][0] == "state" and got[0][2] == shown.rstrip("\n"), what
                assert got[0][1].split("-")[1].split(".")[0] == str(token), what
        events = [e for e, _i, _d in console.take()]
        if "own" in events:
            nudged.append(what)
        assert other.take() == [], what  # the other hall did not change
    # The console's own state changed with its counter's line only (its own calls, its status,
    # its set-up, and the tickets waiting for it).
    assert nudged == [
        "issue",
        "call",
        "transfer",
        "call again",
        "no show",
        "issue another",
        "call it",
        "finish",
        "pause",
        "resume",
        "close",
        "counter set up",
    ]


@pytest.mark.django_db
def test_a_screen_gets_a_change_once_and_the_minute_only_when_it_shows(hall_town: City, clock: Clock) -> None:
    hub = push.Hub(start_thread=False)
    board = Screen(hub, hall_town.hall.pk, "board")
    hub.poll_once()
    board.take()
    issue(hall_town, "payment")
    hub.poll_once()
    hub.poll_once()
    assert [e for e, _i, _d in board.take()] == ["state"]
    clock.advance(minutes=1)  # the board shows estimates in minutes: one waiting ticket's grew
    hub.poll_once()
    minute = board.take()
    clock.advance(seconds=30)
    hub.poll_once()
    assert board.take() == []
    assert len(minute) <= 1
    hub.unsubscribe(board.sink)
    assert hub.sinks == {}


@pytest.mark.django_db
@override_settings(GRIDCARE_LIVE_PUSH={"ENABLED": True, "PING_SECONDS": 15, "MAX_SECONDS": 600})
def test_the_stream_starts_with_the_state_and_only_for_those_who_may_see_it(hall_town: City, clock: Clock) -> None:
    push.HUB.start_thread = False
    try:
        board_client = device_browser(paired(hall_town, DeviceKind.BOARD)[1])
        answer = board_client.get("/halls/H1/board/events/")
        assert (answer.status_code, answer["Content-Type"]) == (200, "text/event-stream; charset=utf-8")
        first = next(iter(answer.streaming_content)).decode()
        assert first.startswith("retry: 3000\n")
        assert parse(first.split("\n", 1)[1])[2] == fresh(board_client, BOARD).rstrip("\n")
        assert len(push.HUB.sinks[hall_town.hall.pk]) == 1
        close_stream(answer)
        assert hall_town.hall.pk not in push.HUB.sinks  # the closed stream left the hub
        # The page opens the stream when push is on.
        page = board_client.get(BOARD)
        assert b'data-live-events="/halls/H1/board/events/"' in page.content
        # Nobody signed in: to the sign-in page; a POST is refused.
        assert Client().get("/halls/H1/floor/events/").status_code == 302
        assert signed_in(hall_town.manager).post("/halls/H1/floor/events/").status_code == 405
        # A clerk of the hall may call but not see the floor's figures.
        assert signed_in(hall_town.clerk).get("/halls/H1/floor/events/").status_code == 403
        console = signed_in(hall_town.clerk).get(f"/halls/counter/{hall_town.counters[1].pk}/events/")
        assert console.status_code == 200
        close_stream(console)
    finally:
        push.HUB.start_thread = True


@pytest.mark.django_db
def test_the_pages_poll_when_push_is_off(hall_town: City, clock: Clock) -> None:
    board_client = device_browser(paired(hall_town, DeviceKind.BOARD)[1])
    with override_settings(GRIDCARE_LIVE_PUSH={"ENABLED": False}):
        page = board_client.get(BOARD).content.decode()
    assert "data-live-events" not in page
    assert re.search(r'hx-trigger="every 1s"', page)


@pytest.mark.django_db
def test_a_console_not_nudged_by_another_counters_call_of_other_business(hall_town: City, clock: Clock) -> None:
    hub = push.Hub(start_thread=False)
    quick, long = hall_town.counters[1], hall_town.counters[0]  # A E D, and V B C G F
    console = Screen(hub, hall_town.hall.pk, "console_queue", counter_id=long.pk)
    issue(hall_town, "payment")
    hub.poll_once()
    console.take()
    clerk = hall_town.clerk
    tickets.counter_call_next(scope=scope_for(clerk), actor=clerk, counter=quick)
    hub.poll_once()
    assert [e for e, _i, _d in console.take()] == ["state"]  # the queue section changed, not its own line
