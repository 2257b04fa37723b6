"""The order search (issue 18): each field narrows the list (number, full phone, account, words,
type, class, cause, status, unit, owner, the days received); a partial phone finds nothing and
says so; phones are shown masked. The API answers the same search."""

from __future__ import annotations

from datetime import timedelta

from gridcare.core.testing import City, api_client, signed_in
from gridcare.workorders.models import WorkOrder
from gridcare.workorders.tests.conftest import Clock, take


def _found(client: object, query: str) -> list[str]:
    answer = client.get(f"/workorders/?view=all&{query}")  # type: ignore[attr-defined]
    assert answer.status_code == 200
    return [o.number for o in answer.context["orders"]]


def test_each_field_narrows_the_list(town: City, clock: Clock) -> None:
    a = take(town.agent, text="路灯不亮", phone="13900001111", type="inquiry")
    clock.advance(days=2)
    b = take(town.agent, account_no=town.account.account_no, complaint_cause="service_attitude")
    c = take(town.clerk, text="电压偏低", type="fault", phone="13900002222")
    client = signed_in(town.agent)
    assert _found(client, f"number={a.number}") == [a.number]
    assert _found(client, "phone=139-0000-1111") == [a.number]
    assert _found(client, f"account_no={town.account.account_no}") == [c.number, b.number] or _found(
        client, f"account_no={town.account.account_no}"
    ) == [b.number]
    assert _found(client, "text=电压") == [c.number]
    assert _found(client, "type=complaint") == [b.number]
    assert _found(client, "complaint_class=service&type=complaint") == [b.number]
    assert _found(client, "cause=service_attitude") == [b.number]
    assert _found(client, "status=received&type=fault") == [c.number]
    assert _found(client, f"owner={town.clerk.staff.employee_no}") == [c.number]
    day = a.received_at.date()
    assert _found(client, f"received_from={day}&received_to={day}") == [a.number]
    assert _found(client, f"received_from={day + timedelta(days=1)}") == [c.number, b.number]
    assert _found(client, "unit=U1&type=inquiry") == (
        [a.number] if a.supply_unit and a.supply_unit.code == "U1" else []
    )


def test_a_partial_phone_finds_nothing_and_says_so(town: City, clock: Clock) -> None:
    take(town.agent, phone="13900001111")
    answer = signed_in(town.agent).get("/workorders/?view=all&phone=1390000")
    assert answer.context["orders"] == []
    assert "请输入完整的11位手机号码。" in answer.content.decode()
    api = api_client(town.agent).get("/api/v1/workorders/search?phone=1390000")
    assert (api.status_code, api.json()["errors"]) == (422, {"phone": "请输入完整的11位手机号码。"})


def test_results_show_the_phone_masked(town: City, clock: Clock) -> None:
    take(town.agent, phone="13900001111")
    page = signed_in(town.agent).get("/workorders/?view=all&phone=13900001111").content.decode()
    rows = page.split("<tbody>")[1].split("</tbody>")[0]
    assert "<td>139****1111</td>" in rows
    assert "13900001111" not in rows


def test_the_api_searches_by_the_same_fields(town: City, clock: Clock) -> None:
    a = take(town.agent, text="路灯不亮", type="inquiry")
    take(town.agent, text="电压偏低", type="fault")
    answer = api_client(town.agent).get("/api/v1/workorders/search?type=inquiry&text=路灯")
    assert (answer.status_code, [o["number"] for o in answer.json()]) == (200, [a.number])
    assert WorkOrder.objects.count() == 2
