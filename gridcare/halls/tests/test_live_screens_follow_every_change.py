"""The board's, the floor view's and the consoles' refresh come from a cache kept per change of
the hall (issue 20); after every kind of change a screen shows, the cached answer equals a freshly
rendered one,
and a browser holding the last answer's ETag gets a 304 only while nothing changed."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core.cache import caches
from django.test import Client

from gridcare.core.testing import City, signed_in
from gridcare.halls.models import BusinessType, DeviceKind, HallLive, Kind, Ticket
from gridcare.halls.services import evaluations, setup, terminals, tickets
from gridcare.halls.services import live as live_service
from gridcare.halls.tests.appointments_helpers import Clock
from gridcare.halls.tests.helpers import device_browser, issue, paired
from gridcare.org.access import scope_for

BOARD = "/halls/H1/board/"
FLOOR = "/halls/H1/floor/"


def refresh(client: Client, url: str) -> bytes:
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    # A console's forms carry the session's security token, masked afresh on every rendering.
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", bytes(response.content))


def fresh(client: Client, url: str) -> bytes:
    caches["live"].clear()
    return refresh(client, url)


def screens(town: City) -> dict[str, tuple[Client, str]]:
    return {
        "console": (signed_in(town.clerk), f"/halls/counter/{town.counters[1].pk}/"),
        "board": (device_browser(paired(town, DeviceKind.BOARD)[1]), BOARD),
        "floor": (signed_in(town.manager), FLOOR),
    }


def changes(town: City) -> list[tuple[str, Callable[[], object]]]:
    """Every kind of change a board or floor view shows, in an order each of them can happen."""
    clerk, manager, guide = town.clerk, town.manager, town.guide
    counter = town.counters[1]  # quick business: payment among it
    held: dict[str, Ticket] = {}

    def call() -> None:
        held["t"] = tickets.counter_call_next(scope=scope_for(clerk), actor=clerk, counter=counter)

    def ticket() -> Ticket:
        held["t"].refresh_from_db()
        return held["t"]

    payment = BusinessType.objects.get(hall=town.hall, kind=Kind.PAYMENT)
    return [
        ("issue", lambda: issue(town, "payment", phone="13800000001")),
        ("call", call),
        ("recall", lambda: tickets.ticket_recall(scope=scope_for(clerk), actor=clerk, ticket=ticket())),
        (
            "transfer",
            lambda: tickets.ticket_transfer(scope=scope_for(clerk), actor=clerk, ticket=ticket(), kind="invoice"),
        ),
        ("call again", call),
        ("no show", lambda: tickets.ticket_no_show(scope=scope_for(clerk), actor=clerk, ticket=ticket())),
        ("issue another", lambda: issue(town, "payment", phone="13800000002")),
        ("call it", call),
        (
            "finish",
            lambda: tickets.ticket_finish(scope=scope_for(clerk), actor=clerk, ticket=ticket(), outcome="已缴费"),
        ),
        ("rating", lambda: evaluations.evaluation_by_holder(ticket=ticket(), phone="13800000002", rating="satisfied")),
        (
            "pause",
            lambda: tickets.counter_set_status(scope=scope_for(clerk), actor=clerk, counter=counter, status="paused"),
        ),
        (
            "resume",
            lambda: tickets.counter_set_status(scope=scope_for(clerk), actor=clerk, counter=counter, status="open"),
        ),
        (
            "close",
            lambda: tickets.counter_set_status(scope=scope_for(clerk), actor=clerk, counter=counter, status="closed"),
        ),
        (
            "business renamed",
            lambda: setup.business_type_update(
                scope=scope_for(manager),
                business_type=payment,
                name="电费缴纳",
                prefix="A",
                expected_minutes=9,
                active=True,
            ),
        ),
        (
            "counter set up",
            lambda: setup.counter_configure(counter=counter, kinds=["payment"], scope=scope_for(manager)),
        ),
        (
            "diversion",
            lambda: terminals.diversion_record(scope=scope_for(guide), actor=guide, hall=town.hall, kind="payment"),
        ),
    ]


@pytest.mark.django_db
def test_after_every_change_the_cached_screen_equals_a_fresh_one(hall_town: City, clock: Clock) -> None:
    terminals.terminal_register(hall=hall_town.hall, code="T-H1-1", kind="payment", name="自助缴费机 1")
    shown = screens(hall_town)
    start = HallLive.objects.get(hall=hall_town.hall).version
    seen = {name: [refresh(client, url)] for name, (client, url) in shown.items()}
    for what, change in changes(hall_town):
        change()
        for name, (client, url) in shown.items():
            cached = refresh(client, url)
            assert cached == fresh(client, url), (what, name)
            seen[name].append(cached)
    # Each change showed somewhere (the test is not comparing two unchanged screens).
    unseen = [
        what
        for i, (what, _change) in enumerate(changes(hall_town))
        if all(seen[name][i + 1] == seen[name][i] for name in shown)
    ]
    assert unseen == []
    # Sixteen changes, and the first call also signed the clerk in at the counter.
    assert HallLive.objects.get(hall=hall_town.hall).version - start == 17


@pytest.mark.django_db
def test_a_change_that_did_not_raise_the_version_would_be_served_stale(
    hall_town: City, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, url = screens(hall_town)["board"]
    before = refresh(client, url)
    monkeypatch.setattr(tickets, "hall_changed", lambda hall_id: None)
    issue(hall_town, "payment")
    assert refresh(client, url) == before  # what the version protects against
    assert fresh(client, url) != before


@pytest.mark.django_db
def test_the_etag_answers_304_until_the_hall_changes(hall_town: City, clock: Clock) -> None:
    client, url = screens(hall_town)["board"]
    first = client.get(url, HTTP_HX_REQUEST="true")
    etag = first["ETag"]
    assert (first["Cache-Control"], etag.startswith('"board-')) == ("private, no-cache", True)
    again = client.get(url, HTTP_HX_REQUEST="true", HTTP_IF_NONE_MATCH=etag)
    assert (again.status_code, again.content, again["ETag"]) == (304, b"", etag)
    issue(hall_town, "payment")
    changed = client.get(url, HTTP_HX_REQUEST="true", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


@pytest.mark.django_db
def test_a_new_minute_renders_again_and_other_languages_apart(hall_town: City, clock: Clock) -> None:
    client, url = screens(hall_town)["floor"]
    first = client.get(url, HTTP_HX_REQUEST="true")["ETag"]
    clock.advance(minutes=1)
    assert client.get(url, HTTP_HX_REQUEST="true")["ETag"] != first
    client.cookies["django_language"] = "en"
    english = client.get(url, HTTP_HX_REQUEST="true")
    assert english["ETag"].endswith('-en"') and b"Waiting" in english.content


@pytest.mark.django_db
def test_two_changes_of_one_hall_raise_its_version_twice_and_leave_the_other_hall(hall_town: City) -> None:
    def versions() -> tuple[int, ...]:
        return tuple(HallLive.objects.get(hall=h).version for h in (hall_town.hall, hall_town.other_hall))

    start = versions()  # the counters' set-up raised them
    live_service.hall_changed(hall_town.hall.pk)
    live_service.hall_changed(hall_town.hall.pk)
    assert versions() == (start[0] + 2, start[1])
