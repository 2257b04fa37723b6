"""A customer's own orders (SELF-2, WO-1, WO-5): a request filed through the one intake (channel
web/app, the bound account's unit, hall and 台区, the customer's phone, no staff owner), answering
the call-back once, rating a closed order once; the customer's orders are their accounts' or their
phone's; the history they read has one sentence per step that concerns them, never an internal
one or a staff name."""

from __future__ import annotations

from typing import Any

import pytest

from gridcare.core.exceptions import Conflict, InvalidInput, NotFound
from gridcare.core.history import history_lines
from gridcare.core.testing import City, api_client
from gridcare.workorders import customer_selectors as mine
from gridcare.workorders.models import CallBack, Channel, OrderEvent, OrderRating, Status, WorkOrder
from gridcare.workorders.services.customer import customer_intake, workorder_call_back_answer, workorder_rate
from gridcare.workorders.tests.conftest import Clock, take

PHONE = "13612340000"


def _state() -> tuple[Any, ...]:
    return (
        list(WorkOrder.objects.order_by("pk").values_list("pk", "status", "reopen_count", "escalated_at")),
        OrderEvent.objects.count(),
        list(CallBack.objects.values_list("order_id", "satisfied", "source")),
        list(OrderRating.objects.values_list("order_id", "score")),
    )


def _filed(town: City, type: str = "inquiry", text: str = "请问峰谷电价怎么申请？") -> WorkOrder:
    order, _suggestion = customer_intake(account=town.account, phone=PHONE, type=type, text=text, channel="web")
    return order


def _closed(town: City) -> WorkOrder:
    order = _filed(town)
    client = api_client(town.agent)
    for action in ("accept", "reply", "close"):
        answer = client.post(f"/api/v1/workorders/{order.number}/{action}", {}, content_type="application/json")
        assert answer.status_code == 200, answer.content
    order.refresh_from_db()
    return order


def test_a_fault_report_is_an_order_of_the_accounts_place_with_the_customers_phone(town: City, clock: Clock) -> None:
    order, _suggestion = customer_intake(
        account=town.account, phone=PHONE, type="fault", text="家里没电了", location="1幢101室门口", channel="app"
    )
    assert (order.channel, order.type, order.status, order.phone, order.account) == (
        Channel.APP,
        "fault",
        Status.RECEIVED,
        PHONE,
        town.account,
    )
    assert (order.transformer_area, order.supply_unit, order.hall, order.company) == (
        town.area,
        town.unit,
        town.hall,
        town.company,
    )
    assert (order.owner, order.created_by, order.location) == (None, None, "1幢101室门口")
    assert order.deadlines.count() >= 1
    assert order.incident is not None


def test_bad_requests_are_refused_on_their_fields_and_nothing_is_written(town: City, clock: Clock) -> None:
    before = _state()
    with pytest.raises(InvalidInput) as bad:
        customer_intake(account=town.account, phone=PHONE, type="praise", text=" ", channel="phone_95598")
    assert bad.value.errors == {
        "type": "请选择报修、投诉、咨询或建议。",
        "text": "请填写您的诉求。",
        "channel": "受理渠道不在允许范围内。",
    }
    with pytest.raises(InvalidInput) as long:
        customer_intake(account=town.account, phone=PHONE, type="inquiry", text="问" * 501, channel="web")
    assert long.value.errors == {"text": "最多500个字。"}
    with pytest.raises(InvalidInput) as control:
        customer_intake(
            account=town.account, phone=PHONE, type="fault", text="停\x00电", location="\x07", channel="web"
        )
    assert control.value.errors == {"text": "含有无效字符。", "location": "含有无效字符。"}
    with pytest.raises(InvalidInput) as where:
        customer_intake(account=town.account, phone=PHONE, type="fault", text="停电", location="x" * 201, channel="web")
    assert list(where.value.errors) == ["location"]
    assert _state() == before


def test_the_customer_sees_their_accounts_and_their_phones_orders_only(town: City, clock: Clock) -> None:
    filed = _filed(town)
    by_phone = take(town.agent, text="路灯不亮了", phone=PHONE)
    other = take(town.agent, text="电费太贵", account_no=town.other_unit_account.account_no)
    rows = list(mine.customer_orders(account_ids=[town.account.pk], phone=PHONE))
    assert rows == [by_phone, filed]
    assert mine.customer_order(account_ids=[town.account.pk], phone=PHONE, number=filed.number) == filed
    for number in (other.number, "x" * 40, "20250926'--", ""):
        with pytest.raises(NotFound):
            mine.customer_order(account_ids=[town.account.pk], phone=PHONE, number=number)
    assert list(mine.customer_orders(account_ids=[], phone="")) == []


def test_a_satisfied_answer_ends_the_order_once(town: City, clock: Clock) -> None:
    order = _closed(town)
    done = workorder_call_back_answer(order=order, satisfied=True, comment="很及时", channel="web")
    assert done.status == Status.CALLED_BACK
    assert list(CallBack.objects.values_list("reached", "satisfied", "note", "source")) == [
        (True, True, "很及时", "customer")
    ]
    assert CallBack.objects.filter(actor__isnull=True).count() == 1
    event = order.events.get(type=OrderEvent.Type.CALLED_BACK)
    staff_line = [line.sentence for line in history_lines([event])]
    assert staff_line == ["客户经网站答复回访：客户满意，意见：很及时"]
    before = _state()
    with pytest.raises(Conflict) as again:
        workorder_call_back_answer(order=order, satisfied=False, channel="web")
    assert str(again.value.message) == "该工单已完成回访，不能重复答复。"
    assert _state() == before


def test_a_dissatisfied_answer_reopens_and_escalates(town: City, clock: Clock) -> None:
    order = _closed(town)
    workorder_call_back_answer(order=order, satisfied=False, comment="没说清楚", channel="app")
    order.refresh_from_db()
    assert (order.status, order.reopen_count, order.escalated_at) == (Status.ACCEPTED, 1, clock.at)
    before = _state()
    with pytest.raises(Conflict) as reopened:
        workorder_call_back_answer(order=order, satisfied=True, channel="app")
    assert str(reopened.value.message) == "工单办结后才能答复回访，当前为“已接单”。"
    assert _state() == before


def test_an_open_order_takes_no_answer_and_a_bad_note_nothing(town: City, clock: Clock) -> None:
    order = _filed(town)
    before = _state()
    with pytest.raises(Conflict):
        workorder_call_back_answer(order=order, satisfied=True, channel="web")
    closed = _closed(town)
    before = _state()
    with pytest.raises(InvalidInput) as bad:
        workorder_call_back_answer(order=closed, satisfied=True, comment="长" * 501, channel="web")
    assert bad.value.errors == {"comment": "最多500个字。"}
    assert _state() == before


def test_a_closed_order_is_rated_once(town: City, clock: Clock) -> None:
    order = _closed(town)
    rating = workorder_rate(order=order, score=4, comment="  还不错 ", channel="web")
    assert (rating.score, rating.comment, rating.channel) == (4, "还不错", "web")
    event = order.events.get(type=OrderEvent.Type.RATED)
    assert [line.sentence for line in history_lines([event])] == ["客户经网站评价本次服务 4 星，评价：还不错"]
    before = _state()
    with pytest.raises(Conflict) as twice:
        workorder_rate(order=order, score=5, channel="app")
    assert str(twice.value.message) == "该工单已评价过，每个工单只能评价一次。"
    assert _state() == before


def test_ratings_out_of_range_or_of_an_open_order_change_nothing(town: City, clock: Clock) -> None:
    order = _filed(town)
    before = _state()
    with pytest.raises(Conflict) as open_order:
        workorder_rate(order=order, score=5, channel="web")
    assert str(open_order.value.message) == "工单办结后才能评价，当前为“已受理”。"
    closed = _closed(town)
    before = _state()
    with pytest.raises(InvalidInput) as nul:
        workorder_rate(order=closed, score=5, comment="好\x00", channel="web")
    assert nul.value.errors == {"comment": "含有无效字符。"}
    with pytest.raises(InvalidInput) as nul_answer:
        workorder_call_back_answer(order=closed, satisfied=True, comment="\x00", channel="web")
    assert nul_answer.value.errors == {"comment": "含有无效字符。"}
    assert _state() == before
    for score in (0, 6, True, "5"):
        with pytest.raises(InvalidInput) as bad:
            workorder_rate(order=order, score=score, channel="web")  # type: ignore[arg-type]  # what a client may send
        assert bad.value.errors == {"score": "请选择1到5星。"}
    assert _state() == before


def test_the_customers_history_has_a_sentence_per_step_and_nothing_internal(town: City, clock: Clock) -> None:
    order = _closed(town)
    workorder_call_back_answer(order=order, satisfied=True, channel="web")
    workorder_rate(order=order, score=5, channel="web")
    steps = [s.sentence for s in mine.customer_steps(order)]
    assert steps == [
        f"您的诉求已受理，工单编号 {order.number}。",
        "工作人员已接单，正在处理。",
        "工作人员已答复您。",
        "工单已办结。",
        "回访：您对处理结果表示满意。",
        "您评价了本次服务：5 星。",
    ]
    assert not any("agent" in s or "T00" in s for s in steps)
    assert [d.state for d in mine.customer_deadlines(order)] == ["met"]


def test_every_order_event_type_is_said_to_the_customer_or_kept_internal() -> None:
    assert sorted(mine.CUSTOMER_SENTENCES) == sorted(OrderEvent.Type.values)
