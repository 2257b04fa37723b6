"""投诉原因 (ASSESS-6): a complaint is put down to a cause of its class, at intake or at the
latest when it is closed; a cause of another class, a deactivated or unknown one is refused on
its field and nothing changes."""

from __future__ import annotations

from typing import Any

import pytest

from gridcare.core.exceptions import InvalidInput
from gridcare.core.testing import City, api_client, signed_in
from gridcare.org.access import scope_for
from gridcare.workorders import services
from gridcare.workorders.models import ComplaintCause, ComplaintClass, OrderEvent, Status, WorkOrder
from gridcare.workorders.tests.conftest import Clock, post_json, take


def _snapshot(order: WorkOrder) -> tuple[Any, ...]:
    return (list(WorkOrder.objects.filter(pk=order.pk).values()), list(order.events.order_by("id").values()))


def test_every_class_is_seeded_with_its_causes(db: None) -> None:
    names = {
        k: list(ComplaintCause.objects.filter(complaint_class=k).values_list("name", flat=True))
        for k in ComplaintClass.values
    }
    assert names["service"][:3] == ["服务态度", "服务规范", "业务办理时限"]
    assert names["business"][:4] == ["电费电价", "抄表核算", "业扩报装", "计量"]
    assert names["outage"][:3] == ["停电信息告知", "频繁停电", "抢修时限"]
    assert names["supply_quality"][:2] == ["电压质量", "供电可靠性"]
    assert names["grid_construction"][:2] == ["施工影响", "线路设施"]


def test_a_cause_chosen_at_intake_is_kept_and_told(town: City, clock: Clock) -> None:
    response = post_json(
        api_client(town.agent),
        "/api/v1/workorders",
        {"channel": "phone_95598", "text": "电费比上月多了很多", "type": "complaint", "complaint_class": "business",
         "complaint_cause": "business_tariff"},
    )  # fmt: skip
    assert response.status_code == 201
    body = response.json()
    assert (body["complaint_cause"], body["complaint_cause_name"]) == ("business_tariff", "电费电价")
    order = WorkOrder.objects.get()
    assert order.complaint_cause is not None and order.complaint_cause.code == "business_tariff"
    assert order.events.get(type=OrderEvent.Type.RECEIVED).parameters["cause"] == "电费电价"


def test_a_cause_without_a_class_makes_a_complaint_of_the_causes_class(town: City, clock: Clock) -> None:
    order = take(town.agent, text="家里老是停电", complaint_cause="outage_frequent")
    assert (order.type, order.complaint_class, order.complaint_cause_id) == (
        "complaint",
        "outage",
        ComplaintCause.objects.get(code="outage_frequent").pk,
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"complaint_class": "service", "complaint_cause": "business_tariff"},
         "投诉原因“电费电价”属于“营业投诉”，不属于“服务投诉”，请选择该分类下的原因。"),
        ({"complaint_cause": "no_such_cause"}, "投诉原因不存在，请从列表中选择。"),
        ({"type": "inquiry", "complaint_cause": "service_attitude"}, "只有投诉工单有投诉原因。"),
        ({"complaint_cause": "x" * 31}, "投诉原因不存在，请从列表中选择。"),
    ],
)  # fmt: skip
def test_a_wrong_cause_at_intake_is_refused_on_its_field_and_nothing_is_taken(
    town: City, clock: Clock, data: dict[str, str], message: str
) -> None:
    response = post_json(
        api_client(town.agent), "/api/v1/workorders", {"channel": "phone_95598", "text": "态度差", **data}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"complaint_cause": message}
    assert WorkOrder.objects.count() == 0 and OrderEvent.objects.count() == 0


def test_a_deactivated_cause_is_no_longer_offered_or_taken(town: City, clock: Clock) -> None:
    cause = ComplaintCause.objects.get(code="service_conduct")
    services.cause_set_active(scope=scope_for(town.admin), actor=town.admin, cause=cause, active=False)
    with pytest.raises(InvalidInput) as refused:
        take(town.agent, complaint_class="service", complaint_cause="service_conduct")
    assert refused.value.errors == {"complaint_cause": "投诉原因“服务规范”已停用，请选择其他原因。"}
    page = signed_in(town.agent).get("/workorders/new/").content.decode()
    assert 'value="service_attitude"' in page and 'value="service_conduct"' not in page
    assert WorkOrder.objects.count() == 0


def _replied(town: City, **data: Any) -> WorkOrder:
    order = take(town.agent, account_no=town.account.account_no, **data)
    services.workorder_transition(scope=scope_for(town.agent), actor=town.agent, order=order, to=Status.REPLIED)
    order.refresh_from_db()
    return order


def test_closing_a_complaint_without_a_cause_is_refused_and_changes_nothing(town: City, clock: Clock) -> None:
    order = _replied(town)
    before = _snapshot(order)
    response = post_json(api_client(town.agent), f"/api/v1/workorders/{order.number}/close", {"note": "已解决"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"complaint_cause": "办结投诉工单须选择投诉原因。"}
    assert _snapshot(order) == before


def test_closing_with_a_cause_of_another_class_is_refused_and_changes_nothing(town: City, clock: Clock) -> None:
    order = _replied(town, complaint_class="service")
    before = _snapshot(order)
    body = {"complaint_cause": "outage_frequent"}
    response = post_json(api_client(town.agent), f"/api/v1/workorders/{order.number}/close", body)
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "complaint_cause": "投诉原因“频繁停电”属于“停送电投诉”，不属于“服务投诉”，请选择该分类下的原因。"
    }
    assert _snapshot(order) == before


def test_closing_puts_the_complaint_down_to_its_cause(town: City, clock: Clock) -> None:
    order = _replied(town, complaint_class="service")
    body = {"complaint_cause": "service_time_limit"}
    response = post_json(api_client(town.agent), f"/api/v1/workorders/{order.number}/close", body)
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["complaint_cause"]) == ("closed", "service_time_limit")
    assert order.events.filter(type=OrderEvent.Type.CAUSE_SET).get().parameters == {"cause": "业务办理时限"}


def test_a_cause_chosen_at_intake_is_enough_to_close(town: City, clock: Clock) -> None:
    order = _replied(town, complaint_class="service", complaint_cause="service_attitude")
    response = post_json(api_client(town.agent), f"/api/v1/workorders/{order.number}/close", {})
    assert response.status_code == 200
    assert response.json()["complaint_cause"] == "service_attitude"
    assert not order.events.filter(type=OrderEvent.Type.CAUSE_SET).exists()


def test_a_class_with_no_cause_offered_does_not_block_closing(town: City, clock: Clock) -> None:
    ComplaintCause.objects.filter(complaint_class="service").update(active=False)
    order = _replied(town, complaint_class="service")
    assert post_json(api_client(town.agent), f"/api/v1/workorders/{order.number}/close", {}).status_code == 200


def test_other_orders_close_without_a_cause_and_refuse_one(town: City, clock: Clock) -> None:
    order = _replied(town, type="inquiry", text="请问阶梯电价怎么算")
    before = _snapshot(order)
    client = api_client(town.agent)
    refused = post_json(client, f"/api/v1/workorders/{order.number}/close", {"complaint_cause": "service_attitude"})
    assert (refused.status_code, refused.json()["errors"]) == (422, {"complaint_cause": "只有投诉工单有投诉原因。"})
    assert _snapshot(order) == before
    assert post_json(client, f"/api/v1/workorders/{order.number}/close", {}).status_code == 200


def test_the_intake_page_takes_a_cause_and_refuses_another_classes_on_the_field(town: City, clock: Clock) -> None:
    client = signed_in(town.agent)
    form = {"channel": "phone_95598", "text": "营业厅工作人员态度很差", "type": "complaint"}
    refused = client.post(
        "/workorders/new/", {**form, "complaint_class": "business", "complaint_cause": "service_attitude"}
    )
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "投诉原因“服务态度”属于“服务投诉”，不属于“营业投诉”" in page and "营业厅工作人员态度很差" in page
    assert WorkOrder.objects.count() == 0
    taken = client.post(
        "/workorders/new/", {**form, "complaint_class": "service", "complaint_cause": "service_attitude"}
    )
    assert taken.status_code == 302
    assert WorkOrder.objects.get().complaint_cause == ComplaintCause.objects.get(code="service_attitude")


def test_the_order_pages_close_form_offers_the_classes_causes_and_needs_one(town: City, clock: Clock) -> None:
    order = _replied(town, complaint_class="outage", text="停电了也没人通知")
    client = signed_in(town.agent)
    page = client.get(f"/workorders/{order.number}/").content.decode()
    assert 'id="id_close_complaint_cause"' in page
    assert 'value="outage_notice"' in page and 'value="service_attitude"' not in page
    before = _snapshot(order)
    refused = client.post(f"/workorders/{order.number}/act/close/", {"note": "已答复"})
    assert refused.status_code == 200
    assert "办结投诉工单须选择投诉原因。" in refused.content.decode()
    assert _snapshot(order) == before
    done = client.post(f"/workorders/{order.number}/act/close/", {"complaint_cause": "outage_notice"})
    assert done.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.complaint_cause) == ("closed", ComplaintCause.objects.get(code="outage_notice"))
    assert "停电信息告知" in client.get(f"/workorders/{order.number}/").content.decode()


def test_the_api_lists_the_causes_offered(town: City) -> None:
    response = api_client(town.clerk).get("/api/v1/complaint-causes?complaint_class=supply_quality")
    assert response.status_code == 200
    assert [(c["code"], c["name"]) for c in response.json()] == [
        ("quality_voltage", "电压质量"),
        ("quality_reliability", "供电可靠性"),
        ("quality_other", "其他供电质量问题"),
    ]
