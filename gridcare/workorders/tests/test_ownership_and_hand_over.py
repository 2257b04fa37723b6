"""First-ask responsibility (WO-2): the first taker owns the order until a recorded hand-over."""

from __future__ import annotations

from gridcare.core.testing import City, api_client
from gridcare.workorders.models import OrderEvent, Status, WorkOrder
from gridcare.workorders.tests.conftest import Clock, take


def test_the_intake_person_owns_the_order(town: City, clock: Clock) -> None:
    order = take(town.clerk)
    assert order.owner is not None and order.owner.user == town.clerk
    assert order.hall == town.hall


def test_the_first_person_to_accept_a_portal_order_owns_it_and_the_next_cannot(town: City, clock: Clock) -> None:
    order = take(town.agent, channel="app", text="建议营业厅周末也开放")
    first = api_client(town.agent).post(
        f"/api/v1/workorders/{order.number}/accept", {}, content_type="application/json"
    )
    assert first.status_code == 200
    assert first.json()["owner"]["name"] == "agent"


def test_someone_else_cannot_accept_an_owned_order_and_nothing_changes(town: City, clock: Clock) -> None:
    order = take(town.clerk)
    before = list(WorkOrder.objects.values())
    response = api_client(town.agent).post(
        f"/api/v1/workorders/{order.number}/accept", {}, content_type="application/json"
    )
    assert response.status_code == 409
    assert list(WorkOrder.objects.values()) == before


def test_the_owner_hands_over_with_a_reason_and_the_history_shows_it(town: City, clock: Clock) -> None:
    order = take(town.agent)
    response = api_client(town.agent).post(
        f"/api/v1/workorders/{order.number}/hand-over",
        {"to": "T0006", "reason": "属城区供电所处理"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["owner"] == {"employee_no": "T0006", "name": "supervisor"}
    event = order.events.get(type=OrderEvent.Type.HANDED_OVER)
    assert event.parameters == {"previous": "agent", "to": "supervisor", "reason": "属城区供电所处理"}
    assert event.actor == town.agent


def test_a_hand_over_without_a_reason_is_refused_and_nothing_changes(town: City, clock: Clock) -> None:
    order = take(town.agent)
    response = api_client(town.agent).post(
        f"/api/v1/workorders/{order.number}/hand-over", {"to": "T0006", "reason": " "}, content_type="application/json"
    )
    assert response.status_code == 422
    order.refresh_from_db()
    assert order.owner is not None and order.owner.user == town.agent
    assert not order.events.filter(type=OrderEvent.Type.HANDED_OVER).exists()


def test_only_the_owner_or_a_supervisor_hands_over(town: City, clock: Clock) -> None:
    order = take(town.clerk)  # owned by the clerk, hall H1, unit U1
    response = api_client(town.agent).post(
        f"/api/v1/workorders/{order.number}/hand-over",
        {"to": "T0005", "reason": "我来"},
        content_type="application/json",
    )
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.owner is not None and order.owner.user == town.clerk
    by_supervisor = api_client(town.supervisor).post(
        f"/api/v1/workorders/{order.number}/hand-over",
        {"to": "T0005", "reason": "请95598跟进"},
        content_type="application/json",
    )
    assert by_supervisor.status_code == 200


def test_a_closed_order_is_not_handed_over(town: City, clock: Clock) -> None:
    order = take(town.agent, text="请问电费怎么交", type="inquiry")
    client = api_client(town.agent)
    for action in ("reply", "close"):
        assert (
            client.post(f"/api/v1/workorders/{order.number}/{action}", {}, content_type="application/json").status_code
            == 200
        )
    response = client.post(
        f"/api/v1/workorders/{order.number}/hand-over", {"to": "T0006", "reason": "x"}, content_type="application/json"
    )
    assert response.status_code == 409
    order.refresh_from_db()
    assert order.status == Status.CLOSED and order.owner is not None and order.owner.user == town.agent
