"""Urging (催办, issue 18): an urging order names the original, raises its urge count, says so in
its history and alerts its owner (inbox and the staff app); a closed order is not urged. At
intake, a caller's open orders are shown so the agent urges instead of taking a duplicate."""

from __future__ import annotations

import pytest

from gridcare.core.exceptions import InvalidInput
from gridcare.core.testing import City, api_client, signed_in
from gridcare.notices.models import Notice
from gridcare.org.access import scope_for
from gridcare.workorders import services
from gridcare.workorders.models import InboxItem, OrderEvent, Status, WorkOrder
from gridcare.workorders.tests.conftest import Clock, take


def _urge(town: City, order: WorkOrder, text: str = "客户再次来电，问什么时候处理") -> WorkOrder:
    made, _s = services.workorder_intake(
        scope=scope_for(town.agent),
        actor=town.agent,
        data=services.NewOrder(channel="phone_95598", text=text, urges=order.number),
    )
    return made


def test_an_urging_order_is_linked_counted_and_its_owner_alerted(town: City, clock: Clock) -> None:
    original = take(town.clerk, account_no=town.account.account_no, phone="13900001111")  # the clerk owns it
    first = _urge(town, original)
    clock.advance(minutes=30)
    second = _urge(town, original, "第三次来电催办")
    original.refresh_from_db()
    assert original.urge_count == 2
    assert (first.type, first.urges_id, first.account_id, first.phone) == (
        "urging",
        original.pk,
        original.account_id,
        "13900001111",
    )
    assert list(original.urgings.order_by("id")) == [first, second]
    urged = list(original.events.filter(type=OrderEvent.Type.URGED).values_list("parameters", flat=True))
    assert urged == [{"urging": first.number, "count": 1}, {"urging": second.number, "count": 2}]
    item = InboxItem.objects.get(staff=town.clerk.staff, order=original)
    assert (item.reason, item.times, item.note) == ("urged", 2, "第三次来电催办")
    alerts = Notice.objects.filter(template_code="work_order_staff_alert").order_by("id")
    assert [(n.recipient, n.channel, n.body) for n in alerts] == [
        (
            f"staff:{town.clerk.staff.employee_no}",
            "push",
            f"【95598工单】您负责的工单{original.number}被客户催办，请及时处理。",
        )
    ] * 2


def test_a_closed_order_is_not_urged_and_nothing_changes(town: City, clock: Clock) -> None:
    order = take(town.agent)
    order.status = Status.CLOSED
    order.save(update_fields=["status"])
    count = WorkOrder.objects.count()
    with pytest.raises(InvalidInput) as refused:
        _urge(town, order)
    assert "urges" in refused.value.errors
    order.refresh_from_db()
    assert (order.urge_count, WorkOrder.objects.count(), InboxItem.objects.count()) == (0, count, 0)


def test_the_api_urges_and_answers_the_urging_order(town: City, clock: Clock) -> None:
    original = take(town.agent)
    answer = api_client(town.agent).post(
        f"/api/v1/workorders/{original.number}/urge", {"text": "催一下"}, content_type="application/json"
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["type"] == "urging"
    original.refresh_from_db()
    assert original.urge_count == 1


def test_intake_shows_the_callers_open_orders_by_phone_or_account(town: City, clock: Clock) -> None:
    open_one = take(town.agent, account_no=town.account.account_no, phone="13900001111")
    closed = take(town.agent, account_no=town.account.account_no, phone="13900001111")
    closed.status = Status.CLOSED
    closed.save(update_fields=["status"])
    client = signed_in(town.agent)
    by_phone = client.get("/workorders/open-orders/?lookup=13900001111")
    assert [o.number for o in by_phone.context["orders"]] == [open_one.number]
    by_account = client.get(f"/workorders/open-orders/?lookup={town.account.account_no}")
    assert [o.number for o in by_account.context["orders"]] == [open_one.number]
    assert "该客户有 1 张在办工单" in by_account.content.decode()
    assert client.get("/workorders/open-orders/?lookup=139000").context["orders"] == []
    asked = client.post(
        f"/workorders/{open_one.number}/urge/", {"channel": "phone_95598", "text": ""}, HTTP_HX_REQUEST="true"
    )
    assert asked.status_code == 200 and "催办次数由 0 次变为 1 次" in asked.content.decode()
    assert WorkOrder.objects.get(pk=open_one.pk).urge_count == 0  # asked only
    urged = client.post(
        f"/workorders/{open_one.number}/urge/",
        {"channel": "phone_95598", "text": "", "confirmed": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert (urged.status_code, urged["HX-Redirect"]) == (204, f"/workorders/{open_one.number}/")
    open_one.refresh_from_db()
    assert open_one.urge_count == 1
    assert open_one.urgings.get().text == "客户来电催办"
