"""The staff inbox (issue 18): each person's exact count of what waits for them — handed over,
warned before a breach, escalated, call-back due, urged — in the page, the API and the top
bar's fragment; an item stops waiting when the order moves on or the person marks it done."""

from __future__ import annotations

from gridcare.core.testing import City, api_client, signed_in
from gridcare.org.access import scope_for
from gridcare.workorders import selectors_desk, services
from gridcare.workorders.models import Status
from gridcare.workorders.tests.conftest import Clock, take


def _count(user: object) -> int:
    return selectors_desk.inbox_count(scope_for(user))  # type: ignore[arg-type]


def test_each_person_counts_exactly_what_waits_for_them(town: City, clock: Clock) -> None:
    agent, supervisor, clerk = town.agent, town.supervisor, town.clerk
    handed = take(agent)
    services.workorder_hand_over(
        scope=scope_for(agent), actor=agent, order=handed, to_employee_no=clerk.staff.employee_no, reason="属营业厅办理"
    )
    urged = take(agent)
    services.workorder_intake(
        scope=scope_for(agent),
        actor=agent,
        data=services.NewOrder(channel="phone_95598", text="催办", urges=urged.number),
    )
    # a complaint's 24-hour contact deadline: warned at 18 h (25 % left), escalated past 24 h
    late = take(agent, account_no=town.account.account_no)
    clock.advance(hours=19)
    assert services.deadlines_check().warned >= 1
    clock.advance(hours=6)
    assert services.deadlines_check().escalated >= 1
    clerk_counts = selectors_desk.inbox_counts(scope_for(clerk))
    assert clerk_counts == {"handed_over": 1, "warned": 1, "escalated": 0, "callback_due": 0, "urged": 0}
    agent_counts = selectors_desk.inbox_counts(scope_for(agent))
    assert agent_counts["urged"] == 1
    # the agent's two complaints' 24-hour contact deadlines (the urging's reply is due Monday)
    assert agent_counts["warned"] == 2
    assert selectors_desk.inbox_counts(scope_for(supervisor))["escalated"] >= 1
    assert _count(clerk) == 2
    assert _count(town.planner) == 0
    fragment = signed_in(clerk).get("/workorders/inbox/count/").content.decode()
    assert '<span class="badge high">2</span>' in fragment
    assert 'hx-trigger="every 60s"' in fragment
    listed = api_client(clerk).get("/api/v1/workorders/inbox")
    assert (listed["X-Total-Count"], [i["order"] for i in listed.json()]) == ("2", [handed.number] * 2)
    assert late.number  # the escalated order is the supervisor's, not the agent's, to act on


def test_an_item_stops_waiting_when_done_or_when_the_order_moves_on(town: City, clock: Clock) -> None:
    agent, clerk = town.agent, town.clerk
    order = take(agent)
    services.workorder_hand_over(
        scope=scope_for(agent), actor=agent, order=order, to_employee_no=clerk.staff.employee_no, reason="转交"
    )
    assert _count(clerk) == 1
    services.workorder_hand_over(
        scope=scope_for(clerk), actor=clerk, order=order, to_employee_no=agent.staff.employee_no, reason="退回"
    )
    assert (_count(clerk), _count(agent)) == (0, 1)  # no longer the clerk's order
    item = selectors_desk.inbox_items(scope_for(agent)).get()
    assert signed_in(clerk).post(f"/workorders/inbox/{item.pk}/done/").status_code == 404  # not the clerk's item
    assert _count(agent) == 1
    assert signed_in(agent).post(f"/workorders/inbox/{item.pk}/done/").status_code == 302
    assert _count(agent) == 0


def test_a_closed_order_waits_for_its_call_back_until_called_back(town: City, clock: Clock) -> None:
    agent = town.agent
    order = take(agent, type="inquiry", text="峰谷电价怎么申请")
    for to in (Status.REPLIED, Status.CLOSED):
        services.workorder_transition(scope=scope_for(agent), actor=agent, order=order, to=to)
    assert selectors_desk.inbox_counts(scope_for(agent))["callback_due"] == 1
    clock.advance(minutes=10)
    services.workorder_call_back(scope=scope_for(agent), actor=agent, order=order, reached=True, satisfied=True)
    assert selectors_desk.inbox_counts(scope_for(agent))["callback_due"] == 0


def test_the_inbox_page_is_for_the_posts_that_handle_orders(town: City, clock: Clock) -> None:
    assert signed_in(town.agent).get("/workorders/inbox/").status_code == 200
    assert signed_in(town.agent).get("/workorders/inbox/?tab=mine").status_code == 200
    assert signed_in(town.planner).get("/workorders/inbox/").status_code == 403
    assert signed_in(town.planner).get("/workorders/inbox/count/").status_code == 403
    home = signed_in(town.agent).get("/workorders/").content.decode()
    assert 'hx-get="/workorders/inbox/count/" hx-trigger="load, every 60s"' in home
    assert "inbox/count" not in signed_in(town.planner).get("/workorders/").content.decode()
