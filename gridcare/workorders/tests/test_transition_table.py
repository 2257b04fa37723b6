"""One transition table: legal moves pass, illegal ones are refused with 409 and change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gridcare.core.testing import City, api_client
from gridcare.workorders.models import OrderEvent, Status, WorkOrder
from gridcare.workorders.rules import TRANSITIONS, can_transition
from gridcare.workorders.tests.conftest import Clock, take


def test_fault_orders_go_through_arrival_and_restoration_others_are_replied() -> None:
    assert can_transition("fault", "dispatched", "arrived")
    assert not can_transition("fault", "dispatched", "replied")
    assert can_transition("complaint", "dispatched", "replied")
    assert not can_transition("complaint", "dispatched", "arrived")
    assert not can_transition("complaint", "replied", "restored")


@pytest.mark.parametrize("current", list(Status))
def test_nothing_jumps_straight_to_called_back_except_a_closed_order(current: Status) -> None:
    assert can_transition("complaint", current, Status.CALLED_BACK) is (current == Status.CLOSED)
    assert set(TRANSITIONS) == set(Status)


def test_the_whole_life_of_a_complaint_through_the_api(town: City, clock: Clock) -> None:
    order = take(town.agent, account_no=town.account.account_no)
    client = api_client(town.agent)
    close = {"complaint_cause": "service_attitude"}
    steps = [("accept", {}), ("dispatch", {"unit": "U1", "crew": ""}), ("reply", {"note": "已道歉"}), ("close", close)]
    for action, body in steps:
        clock.advance(minutes=10)
        response = client.post(f"/api/v1/workorders/{order.number}/{action}", body, content_type="application/json")
        assert response.status_code == 200, response.json()
    order.refresh_from_db()
    assert order.status == Status.CLOSED
    assert order.replied_at == order.closed_at - timedelta(minutes=10)
    transitions = order.events.filter(type=OrderEvent.Type.TRANSITION)
    assert [(e.parameters["from"], e.parameters["to"]) for e in transitions] == [
        ("received", "accepted"),
        ("accepted", "dispatched"),
        ("dispatched", "replied"),
        ("replied", "closed"),
    ]
    assert set(transitions.values_list("actor__username", flat=True)) == {"agent"}
    assert list(order.deadlines.values_list("kind", "met_at")) == [
        ("contact", order.replied_at),
        ("reply", order.replied_at),
    ]


@pytest.mark.parametrize("action", ["arrive", "restore", "close", "call-back"])
def test_an_illegal_move_is_409_and_nothing_changes(town: City, clock: Clock, action: str) -> None:
    order = take(town.agent)
    before = list(WorkOrder.objects.values())
    events = order.events.count()
    body = {"reached": True, "satisfied": True} if action == "call-back" else {}
    response = api_client(town.agent).post(
        f"/api/v1/workorders/{order.number}/{action}", body, content_type="application/json"
    )
    assert response.status_code == 409
    assert "detail" in response.json()
    assert list(WorkOrder.objects.values()) == before
    assert order.events.count() == events


def test_a_fault_cannot_be_replied_to_instead_of_restored(town: City, clock: Clock) -> None:
    order = take(town.agent, type="fault", text="停电了")
    response = api_client(town.agent).post(
        f"/api/v1/workorders/{order.number}/reply", {}, content_type="application/json"
    )
    assert response.status_code == 409
    order.refresh_from_db()
    assert order.status == Status.RECEIVED
