"""Call-back after closing (WO-5): satisfied ends it; dissatisfied reopens and escalates."""

from __future__ import annotations

from gridcare.core.testing import City, api_client
from gridcare.workorders.models import CallBack, Deadline, OrderEvent, Status, WorkOrder
from gridcare.workorders.tests.conftest import Clock, take


def _closed(town: City) -> WorkOrder:
    order = take(town.agent, account_no=town.account.account_no, complaint_cause="service_attitude")
    client = api_client(town.agent)
    for action in ("reply", "close"):
        assert (
            client.post(f"/api/v1/workorders/{order.number}/{action}", {}, content_type="application/json").status_code
            == 200
        )
    return order


def test_a_satisfied_customer_ends_the_order(town: City, clock: Clock) -> None:
    order = _closed(town)
    response = api_client(town.agent).post(
        f"/api/v1/workorders/{order.number}/call-back",
        {"reached": True, "satisfied": True},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "called_back"
    assert list(CallBack.objects.values_list("reached", "satisfied")) == [(True, True)]


def test_a_dissatisfied_customer_reopens_and_escalates_the_order(town: City, clock: Clock) -> None:
    order = _closed(town)
    clock.advance(days=1)
    response = api_client(town.agent).post(
        f"/api/v1/workorders/{order.number}/call-back",
        {"reached": True, "satisfied": False, "note": "问题没解决"},
        content_type="application/json",
    )
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == Status.ACCEPTED
    assert order.reopen_count == 1
    assert order.escalated_at == clock.at
    assert order.closed_at is None
    assert order.deadlines.filter(kind=Deadline.Kind.REPLY, met_at__isnull=True).count() == 1
    assert list(order.events.filter(type__in=["reopened", "escalated"]).values_list("type", flat=True)) == [
        OrderEvent.Type.REOPENED,
        OrderEvent.Type.ESCALATED,
    ]


def test_an_unreached_customer_leaves_the_order_closed_for_another_call(town: City, clock: Clock) -> None:
    order = _closed(town)
    client = api_client(town.agent)
    response = client.post(
        f"/api/v1/workorders/{order.number}/call-back", {"reached": False}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "closed"
    again = client.post(
        f"/api/v1/workorders/{order.number}/call-back",
        {"reached": True, "satisfied": True},
        content_type="application/json",
    )
    assert again.json()["status"] == "called_back"
    assert CallBack.objects.count() == 2


def test_a_hall_clerk_cannot_record_a_call_back_and_nothing_changes(town: City, clock: Clock) -> None:
    order = take(town.clerk, complaint_cause="service_attitude")
    for action in ("reply", "close"):
        api_client(town.clerk).post(f"/api/v1/workorders/{order.number}/{action}", {}, content_type="application/json")
    response = api_client(town.clerk).post(
        f"/api/v1/workorders/{order.number}/call-back",
        {"reached": True, "satisfied": True},
        content_type="application/json",
    )
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == Status.CLOSED
    assert CallBack.objects.count() == 0


def test_reopen_needs_a_closed_order_and_a_reason(town: City, clock: Clock) -> None:
    order = take(town.agent)
    client = api_client(town.agent)
    assert (
        client.post(
            f"/api/v1/workorders/{order.number}/reopen", {"reason": "客户再次来电"}, content_type="application/json"
        ).status_code
        == 409
    )
    order.refresh_from_db()
    assert (order.status, order.reopen_count) == (Status.RECEIVED, 0)
    closed = _closed(town)
    response = client.post(
        f"/api/v1/workorders/{closed.number}/reopen", {"reason": "客户再次来电"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
