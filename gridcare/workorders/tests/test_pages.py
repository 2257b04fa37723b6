"""The pages: fast intake, lists of overdue and soon-due orders, detail with history and actions."""

from __future__ import annotations

from gridcare.core.testing import PHONE, City, signed_in
from gridcare.workorders.models import OrderEvent, Status, TriageOverride, WorkOrder
from gridcare.workorders.tests.conftest import Clock, take


def test_an_agent_takes_a_call_on_the_fast_form(town: City, clock: Clock) -> None:
    client = signed_in(town.agent)
    assert client.get("/workorders/new/").status_code == 200
    response = client.post(
        "/workorders/new/",
        {"channel": "phone_95598", "lookup": PHONE, "text": "我家停电了，电线冒烟", "type": "", "complaint_class": ""},
    )
    order = WorkOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/workorders/{order.number}/"
    assert (order.type, order.urgency, order.account) == ("fault", "high", town.account)


def test_the_agents_override_on_the_form_is_kept(town: City, clock: Clock) -> None:
    signed_in(town.agent).post(
        "/workorders/new/",
        {"channel": "phone_95598", "text": "我家停电了", "type": "complaint", "complaint_class": "outage"},
    )
    assert TriageOverride.objects.get().chosen_class == "outage"


def test_the_suggestion_fragment_prefills_type_and_class(town: City, clock: Clock) -> None:
    response = signed_in(town.agent).post("/workorders/suggest/", {"text": "这个月电费突然多了八百元，肯定是抄错表了"})
    assert response.status_code == 200
    assert 'data-type="complaint"' in response.content.decode()
    assert 'data-class="business"' in response.content.decode()


def test_overdue_and_soon_due_lists_show_the_right_orders(town: City, clock: Clock) -> None:
    fault = take(town.agent, type="fault", text="停电了", account_no=town.account.account_no)
    complaint = take(town.agent)
    clock.advance(minutes=40)
    client = signed_in(town.supervisor)
    soon = client.get("/workorders/?view=soon").content.decode()
    assert fault.number in soon and complaint.number not in soon
    clock.advance(minutes=10)
    overdue = client.get("/workorders/?view=overdue").content.decode()
    assert fault.number in overdue and complaint.number not in overdue


def test_the_detail_page_shows_history_and_acting_moves_the_order(town: City, clock: Clock) -> None:
    order = take(town.agent, account_no=town.account.account_no)
    client = signed_in(town.agent)
    page = client.get(f"/workorders/{order.number}/").content.decode()
    assert "受理" in page and order.text in page
    response = client.post(f"/workorders/{order.number}/act/reply/", {"note": "已处理"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Status.REPLIED
    assert order.events.filter(type=OrderEvent.Type.TRANSITION).get().parameters["note"] == "已处理"


def test_a_refused_action_on_the_page_changes_nothing(town: City, clock: Clock) -> None:
    order = take(town.agent)
    response = signed_in(town.agent).post(f"/workorders/{order.number}/act/close/", {})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Status.RECEIVED


def test_pages_are_404_for_orders_out_of_scope_and_for_outsiders(town: City, clock: Clock) -> None:
    order = take(town.agent, account_no=town.account.account_no)
    assert signed_in(town.other_manager).get(f"/workorders/{order.number}/").status_code == 404
    assert signed_in(town.outsider).get("/workorders/").status_code == 404
    assert signed_in(town.outsider).post(f"/workorders/{order.number}/act/reply/").status_code == 404
    order.refresh_from_db()
    assert order.status == Status.RECEIVED


def test_the_home_page_shows_the_work_order_tiles(town: City, clock: Clock) -> None:
    page = signed_in(town.agent).get("/").content.decode()
    assert "/workorders/new/" in page and "/workorders/figures/" in page
    assert "/workorders/figures/" not in signed_in(town.clerk).get("/").content.decode()
