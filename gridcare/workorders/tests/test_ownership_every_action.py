"""First-ask responsibility (WO-2) holds for every owner's step: only the owner replies, closes,
pauses and resumes; anyone else gets 403, on the page and in the API, and nothing changes. A
supervisor steps in by a recorded hand-over first. The crew's steps stay shared."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from gridcare.core.testing import City, api_client, signed_in
from gridcare.notices.models import Notice
from gridcare.workorders.models import Deadline, OrderEvent, Status, WorkOrder
from gridcare.workorders.tests.conftest import Clock, add_crew, take

ACTIONS = ("reply", "close", "pause", "resume")


def _snapshot(order: WorkOrder) -> tuple[Any, ...]:
    return (
        list(WorkOrder.objects.filter(pk=order.pk).values()),
        list(Deadline.objects.filter(order=order).order_by("id").values()),
        list(OrderEvent.objects.filter(order=order).order_by("id").values()),
        Notice.objects.count(),
    )


def _ready_for(action: str, town: City, clock: Clock) -> WorkOrder:
    """An order owned by the counter clerk of H1, in the state where ``action`` is allowed."""
    order = take(town.clerk, text="营业厅工作人员态度很差", complaint_cause="service_attitude")
    owner = api_client(town.clerk)
    if action == "close":
        assert owner.post(f"/api/v1/workorders/{order.number}/reply", {}, "application/json").status_code == 200
    if action == "resume":
        body = {"reason": "等客户提供录音"}
        assert owner.post(f"/api/v1/workorders/{order.number}/pause", body, "application/json").status_code == 200
    clock.advance(hours=2)
    return order


def _post(user: User, via: str, order: WorkOrder, action: str) -> int:
    body = {"reason": "等客户回电"} if action == "pause" else {}
    if via == "api":
        return int(
            api_client(user).post(f"/api/v1/workorders/{order.number}/{action}", body, "application/json").status_code
        )
    return int(signed_in(user).post(f"/workorders/{order.number}/act/{action}/", {"note": "等客户回电"}).status_code)


@pytest.mark.parametrize("via", ["api", "page"])
@pytest.mark.parametrize("who", ["agent", "manager", "supervisor"])
@pytest.mark.parametrize("action", ACTIONS)
def test_someone_other_than_the_owner_is_refused_and_nothing_changes(
    town: City, clock: Clock, action: str, who: str, via: str
) -> None:
    order = _ready_for(action, town, clock)
    before = _snapshot(order)
    assert _post(town.users[who], via, order, action) == 403
    assert _snapshot(order) == before


@pytest.mark.parametrize("action", ACTIONS)
def test_the_owner_may_do_each_step(town: City, clock: Clock, action: str) -> None:
    order = _ready_for(action, town, clock)
    assert _post(town.clerk, "api", order, action) == 200


def test_the_page_refusal_says_whose_order_it_is(town: City, clock: Clock) -> None:
    order = _ready_for("reply", town, clock)
    response = signed_in(town.agent).post(f"/workorders/{order.number}/act/reply/", {"note": "已处理"})
    assert response.status_code == 403
    assert "工单由clerk首问负责，只有负责人可以办理；如需接手，请先转交并说明原因。" in response.content.decode()


def test_an_unaccepted_portal_order_is_answered_only_after_someone_accepts_it(town: City, clock: Clock) -> None:
    order = take(town.agent, channel="app", text="建议营业厅周末也开放", type="suggestion")
    client = api_client(town.agent)
    before = _snapshot(order)
    response = client.post(f"/api/v1/workorders/{order.number}/reply", {}, "application/json")
    assert response.status_code == 403
    assert response.json()["detail"] == "工单尚未接单，请先接单，由首问负责人办理。"
    assert _snapshot(order) == before
    assert client.post(f"/api/v1/workorders/{order.number}/accept", {}, "application/json").status_code == 200
    assert client.post(f"/api/v1/workorders/{order.number}/reply", {}, "application/json").status_code == 200


def test_a_supervisor_steps_in_after_a_recorded_hand_over(town: City, clock: Clock) -> None:
    order = _ready_for("reply", town, clock)
    supervisor = api_client(town.supervisor)
    handed = supervisor.post(
        f"/api/v1/workorders/{order.number}/hand-over",
        {"to": "T0006", "reason": "柜员休假，由主管办理"},
        "application/json",
    )
    assert handed.status_code == 200
    assert supervisor.post(f"/api/v1/workorders/{order.number}/reply", {}, "application/json").status_code == 200
    # The former owner no longer may.
    assert _post(town.clerk, "api", order, "close") == 403
    order.refresh_from_db()
    assert order.status == Status.REPLIED


def test_the_crew_steps_stay_shared_by_everyone_who_sees_the_order(town: City, clock: Clock) -> None:
    order = take(town.agent, type="fault", text="家里停电了", account_no=town.account.account_no)
    add_crew(town, "抢修一班")
    unit = api_client(town.supervisor)  # not the owner: the unit works the fault
    assert (
        unit.post(f"/api/v1/workorders/{order.number}/dispatch", {"crew": "抢修一班"}, "application/json").status_code
        == 200
    )
    clock.advance(minutes=20)
    assert unit.post(f"/api/v1/workorders/{order.number}/arrive", {}, "application/json").status_code == 200
    clock.advance(minutes=40)
    assert unit.post(f"/api/v1/workorders/{order.number}/restore", {}, "application/json").status_code == 200
    order.refresh_from_db()
    assert (order.status, order.owner.user if order.owner else None) == (Status.RESTORED, town.agent)
    # Closing it is the owner's.
    assert _post(town.supervisor, "api", order, "close") == 403
    assert _post(town.agent, "api", order, "close") == 200
