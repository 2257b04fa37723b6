"""The app's requests (SELF-2, WO-1, WO-5; issue 15): POST /api/v1/portal/requests, GET
/portal/requests[/{number}], POST /portal/requests/{number}/callback and /rating. Bad input is 422
on its field, a second answer or rating 409, another customer's order 404, staff credentials 401 —
each with nothing written."""

from __future__ import annotations

from django.test import Client

from gridcare.core.testing import City, api_client
from gridcare.portal.tests.conftest import PHONE, Customer
from gridcare.portal.tests.visit_helpers import clock, close, halls, post_json, written
from gridcare.workorders.models import CallBack, OrderRating, WorkOrder

__all__ = ["clock", "halls"]

URL = "/api/v1/portal/requests"


def _file(customer: Customer, town: City, **body: str) -> object:
    data = {"type": "inquiry", "account_no": town.account.account_no, "text": "阶梯电价怎么算？"} | body
    return post_json(customer.api(), URL, data)


def test_a_request_from_the_app_and_its_progress(halls: City, zhang: Customer) -> None:
    made = _file(zhang, halls, type="fault", text="楼道里没电了", location="3单元楼道")
    assert made.status_code == 201, made.content  # type: ignore[attr-defined]
    order = WorkOrder.objects.get()
    body = made.json()  # type: ignore[attr-defined]
    assert body | {"received_at": ""} == {
        "number": order.number,
        "type": "fault",
        "type_label": "故障报修",
        "status": "received",
        "status_label": "已受理",
        "text": "楼道里没电了",
        "location": "3单元楼道",
        "account_no": halls.account.account_no,
        "area": "城一线1号台区",
        "received_at": "",
        "closed_at": None,
        "can_call_back": False,
        "can_rate": False,
        "rating_score": None,
        "rating_comment": "",
    }
    assert (order.channel, order.phone, order.owner) == ("app", PHONE, None)
    listed = zhang.api().get(URL)
    assert ([o["number"] for o in listed.json()], listed["X-Total-Count"]) == ([order.number], "1")
    detail = zhang.api().get(f"{URL}/{order.number}").json()
    assert [s["sentence"] for s in detail["steps"]] == [f"您的诉求已受理，工单编号 {order.number}。"]
    assert {d["kind"] for d in detail["deadlines"]} >= {"arrival"}
    assert all(d["state"] == "open" for d in detail["deadlines"])


def test_bad_input_is_422_on_its_field_with_nothing_written(halls: City, zhang: Customer, li: Customer) -> None:
    before = written()
    bad = _file(zhang, halls, type="praise", text="  ")
    assert bad.status_code == 422  # type: ignore[attr-defined]
    assert bad.json()["errors"] == {"type": "请选择报修、投诉、咨询或建议。", "text": "请填写您的诉求。"}  # type: ignore[attr-defined]
    theirs = _file(zhang, halls, account_no=li.user.bindings.get().account.account_no)
    assert theirs.json()["errors"] == {"account_no": "请选择您已绑定的户号。"}  # type: ignore[attr-defined]
    missing = post_json(zhang.api(), URL, {"type": "fault"})
    assert missing.status_code == 422 and {"account_no", "text"} <= set(missing.json()["errors"])
    assert written() == before


def test_the_call_back_is_answered_once_and_the_order_rated_once(halls: City, zhang: Customer) -> None:
    number = _file(zhang, halls).json()["number"]  # type: ignore[attr-defined]
    before = written()
    early = post_json(zhang.api(), f"{URL}/{number}/callback", {"satisfied": True})
    assert (early.status_code, early.json()["detail"]) == (409, "工单办结后才能答复回访，当前为“已受理”。")
    unrated = post_json(zhang.api(), f"{URL}/{number}/rating", {"score": 5})
    assert (unrated.status_code, unrated.json()["detail"]) == (409, "工单办结后才能评价，当前为“已受理”。")
    assert written() == before
    close(halls, number)
    assert zhang.api().get(f"{URL}/{number}").json()["can_call_back"] is True
    answered = post_json(zhang.api(), f"{URL}/{number}/callback", {"satisfied": True, "comment": "满意"})
    assert (answered.status_code, answered.json()["status"], answered.json()["can_call_back"]) == (
        200,
        "called_back",
        False,
    )
    before = written()
    again = post_json(zhang.api(), f"{URL}/{number}/callback", {"satisfied": False})
    assert (again.status_code, again.json()["detail"]) == (409, "该工单已完成回访，不能重复答复。")
    out_of_range = post_json(zhang.api(), f"{URL}/{number}/rating", {"score": 6})
    assert (out_of_range.status_code, out_of_range.json()["errors"]) == (422, {"score": "请选择1到5星。"})
    assert written() == before
    rated = post_json(zhang.api(), f"{URL}/{number}/rating", {"score": 4, "comment": "还行"})
    assert (rated.status_code, rated.json()) == (201, {"number": number, "score": 4, "comment": "还行"})
    before = written()
    twice = post_json(zhang.api(), f"{URL}/{number}/rating", {"score": 5})
    assert (twice.status_code, twice.json()["detail"]) == (409, "该工单已评价过，每个工单只能评价一次。")
    assert written() == before
    assert list(CallBack.objects.values_list("source", "note")) == [("customer", "满意")]
    assert list(OrderRating.objects.values_list("score", "channel")) == [(4, "app")]
    steps = [s["sentence"] for s in zhang.api().get(f"{URL}/{number}").json()["steps"]]
    assert steps[-2:] == ["回访：您对处理结果表示满意。", "您评价了本次服务：4 星。"]


def test_another_customers_order_is_not_found(halls: City, zhang: Customer, li: Customer) -> None:
    number = _file(zhang, halls).json()["number"]  # type: ignore[attr-defined]
    close(halls, number)
    before = written()
    app = li.api()
    assert app.get(f"{URL}/{number}").status_code == 404
    assert post_json(app, f"{URL}/{number}/callback", {"satisfied": True}).status_code == 404
    assert post_json(app, f"{URL}/{number}/rating", {"score": 5}).status_code == 404
    assert app.get(URL).json() == []
    assert app.get(f"{URL}/{'9' * 200}").status_code == 404
    assert written() == before


def test_staff_credentials_and_nobody_are_refused(halls: City, zhang: Customer) -> None:
    number = _file(zhang, halls).json()["number"]  # type: ignore[attr-defined]
    before = written()
    callers = [Client(), api_client(halls.agent), api_client(halls.admin), Client(HTTP_AUTHORIZATION="Bearer gcp_x")]
    for caller in callers:
        answers = [
            post_json(
                caller, URL, {"type": "fault", "account_no": halls.account.account_no, "text": "停电"}
            ).status_code,
            caller.get(URL).status_code,
            caller.get(f"{URL}/{number}").status_code,
            post_json(caller, f"{URL}/{number}/callback", {"satisfied": True}).status_code,
            post_json(caller, f"{URL}/{number}/rating", {"score": 5}).status_code,
        ]
        assert answers == [401] * 5
    assert written() == before
