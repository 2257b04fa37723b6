"""Waiting for the customer stops the clock; resuming moves open deadlines by the time waited
(clock time for hour commitments, working-day time for replies due in working days)."""

from __future__ import annotations

from datetime import datetime, timedelta

from gridcare.core.testing import City, api_client
from gridcare.core.timezone import SHANGHAI
from gridcare.workorders.models import Deadline, OrderEvent, Status
from gridcare.workorders.services import deadlines_check
from gridcare.workorders.tests.conftest import Clock, take


def test_resuming_moves_every_open_deadline_by_the_waiting_time(town: City, clock: Clock) -> None:
    order = take(town.agent)
    before = dict(order.deadlines.values_list("kind", "due_at"))
    client = api_client(town.agent)
    assert (
        client.post(
            f"/api/v1/workorders/{order.number}/pause",
            {"reason": "客户出差，约定下周联系"},
            content_type="application/json",
        ).status_code
        == 200
    )
    clock.advance(hours=30)
    response = client.post(f"/api/v1/workorders/{order.number}/resume", content_type="application/json")
    assert response.status_code == 200
    after = dict(order.deadlines.values_list("kind", "due_at"))
    # Paused Friday 26 Sep 2025 10:00, resumed Saturday 16:00 (a rest day): the 24-hour contact
    # commitment moves by the 30 clock hours; the 5-working-day reply (Friday 10 Oct 10:00, after
    # the National Day holiday) moves by the 14 working hours of that Friday only.
    assert before == {
        "contact": datetime(2025, 9, 27, 10, 0, tzinfo=SHANGHAI),
        "reply": datetime(2025, 10, 10, 10, 0, tzinfo=SHANGHAI),
    }
    assert after == {
        "contact": before["contact"] + timedelta(hours=30),
        "reply": datetime(2025, 10, 11, 0, 0, tzinfo=SHANGHAI),
    }
    assert order.events.get(type=OrderEvent.Type.RESUMED).parameters == {"waited_minutes": 1800}


def test_a_kept_deadline_does_not_move(town: City, clock: Clock) -> None:
    order = take(town.agent)
    client = api_client(town.agent)
    client.post(f"/api/v1/workorders/{order.number}/contact", {"note": "已电话联系"}, content_type="application/json")
    contact = order.deadlines.get(kind=Deadline.Kind.CONTACT)
    client.post(
        f"/api/v1/workorders/{order.number}/pause", {"reason": "等客户提供照片"}, content_type="application/json"
    )
    clock.advance(hours=5)
    client.post(f"/api/v1/workorders/{order.number}/resume", content_type="application/json")
    assert order.deadlines.get(kind=Deadline.Kind.CONTACT).due_at == contact.due_at


def test_a_paused_order_is_neither_escalated_nor_moved(town: City, clock: Clock) -> None:
    order = take(town.agent)
    client = api_client(town.agent)
    client.post(f"/api/v1/workorders/{order.number}/pause", {"reason": "等待客户"}, content_type="application/json")
    clock.advance(days=3)
    assert deadlines_check().escalated == 0
    response = client.post(f"/api/v1/workorders/{order.number}/reply", {}, content_type="application/json")
    assert response.status_code == 409
    order.refresh_from_db()
    assert order.status == Status.RECEIVED and order.escalated_at is None


def test_pausing_twice_or_resuming_a_running_order_is_refused(town: City, clock: Clock) -> None:
    order = take(town.agent)
    client = api_client(town.agent)
    assert client.post(f"/api/v1/workorders/{order.number}/resume", content_type="application/json").status_code == 409
    client.post(f"/api/v1/workorders/{order.number}/pause", {"reason": "等待客户"}, content_type="application/json")
    paused_at = clock.at
    clock.advance(minutes=5)
    assert (
        client.post(
            f"/api/v1/workorders/{order.number}/pause", {"reason": "再等"}, content_type="application/json"
        ).status_code
        == 409
    )
    order.refresh_from_db()
    assert order.paused_at == paused_at
    assert order.events.filter(type=OrderEvent.Type.PAUSED).count() == 1
