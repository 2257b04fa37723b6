"""POST /api/v1/workorders takes an order from any channel with number, deadlines and owner."""

from __future__ import annotations

from datetime import datetime

from gridcare.core.testing import PHONE, City, api_client
from gridcare.core.timezone import SHANGHAI
from gridcare.notices.models import Notice
from gridcare.workorders.models import OrderEvent, WorkOrder
from gridcare.workorders.tests.conftest import Clock


def test_a_phone_complaint_gets_number_deadlines_owner_and_suggestion(town: City, clock: Clock) -> None:
    response = api_client(town.agent).post(
        "/api/v1/workorders",
        {
            "channel": "phone_95598",
            "text": "营业厅工作人员态度很差，问两句就不耐烦",
            "account_no": town.account.account_no,
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    order = WorkOrder.objects.get()
    assert body["number"] == f"20250926{order.pk:08d}"
    assert body["type"] == "complaint"
    assert body["complaint_class"] == "service"
    assert body["owner"] == {"employee_no": "T0005", "name": "agent"}
    assert [(d["kind"], d["due_at"]) for d in body["deadlines"]] == [
        ("contact", "2025-09-27T10:00:00+08:00"),
        ("reply", "2025-10-10T10:00:00+08:00"),  # 5 working days: 9/28 (调休), 9/29, 9/30, 10/9, 10/10
    ]
    assert body["suggestion"]["type"] == "complaint"
    assert 0 < body["suggestion"]["confidence"] <= 1
    assert body["status"] == "received"
    assert order.supply_unit == town.unit
    assert order.phone == PHONE
    assert list(order.events.values_list("type", flat=True)) == [OrderEvent.Type.RECEIVED]
    assert Notice.objects.get().dedupe_key == f"wo:{order.pk}:received:0"


def test_a_rural_fault_without_account_gets_arrival_and_restoration_deadlines(town: City, clock: Clock) -> None:
    response = api_client(town.agent).post(
        "/api/v1/workorders",
        {"channel": "hotline_12345", "type": "fault", "text": "村里停电了", "area_type": "rural", "feeder": "F1"},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert [(d["kind"], d["due_at"]) for d in body["deadlines"]] == [
        ("arrival", "2025-09-26T11:30:00+08:00"),
        ("restoration", "2025-09-26T15:30:00+08:00"),
    ]
    assert body["supply_unit"] == "U1"
    assert body["incident"] is not None


def test_the_agent_override_is_kept_and_the_order_uses_the_agents_choice(town: City, clock: Clock) -> None:
    response = api_client(town.agent).post(
        "/api/v1/workorders",
        {"channel": "phone_95598", "type": "report", "text": "请问怎么查询我家这个月的电费"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["type"] == "report"
    assert response.json()["suggestion"]["type"] == "inquiry"
    from gridcare.workorders.models import TriageOverride

    override = TriageOverride.objects.get()
    assert (override.suggested_type, override.chosen_type) == ("inquiry", "report")


def test_a_portal_order_has_no_owner_until_someone_accepts_it(town: City, clock: Clock) -> None:
    response = api_client(town.agent).post(
        "/api/v1/workorders", {"channel": "app", "text": "建议营业厅周末也开放"}, content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["owner"] is None
    assert response.json()["type"] == "suggestion"


def test_an_account_found_by_phone_is_linked(town: City, clock: Clock) -> None:
    response = api_client(town.agent).post(
        "/api/v1/workorders",
        {"channel": "phone_95598", "text": "请问电费可以通过哪些方式交", "phone": PHONE},
        content_type="application/json",
    )
    assert response.json()["account_no"] == town.account.account_no


def test_bad_input_is_refused_with_field_errors_and_nothing_is_stored(town: City, clock: Clock) -> None:
    response = api_client(town.agent).post(
        "/api/v1/workorders",
        {"channel": "fax", "text": " ", "type": "praise", "complaint_class": "service"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"channel", "text", "complaint_class"}
    assert WorkOrder.objects.count() == 0
    assert Notice.objects.count() == 0


def test_an_account_of_another_company_is_not_found_and_nothing_is_stored(town: City, clock: Clock) -> None:
    response = api_client(town.agent).post(
        "/api/v1/workorders",
        {"channel": "phone_95598", "text": "停电了", "account_no": town.foreign_account.account_no},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert WorkOrder.objects.count() == 0


def test_an_outsider_cannot_take_orders(town: City, clock: Clock) -> None:
    response = api_client(town.outsider).post(
        "/api/v1/workorders", {"channel": "phone_95598", "text": "停电了"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert WorkOrder.objects.count() == 0


def test_numbers_follow_the_shanghai_date(town: City, clock: Clock) -> None:
    clock.set(datetime(2025, 9, 26, 23, 30, tzinfo=SHANGHAI))
    response = api_client(town.agent).post(
        "/api/v1/workorders", {"channel": "phone_95598", "text": "停电了"}, content_type="application/json"
    )
    assert response.json()["number"].startswith("20250926")
