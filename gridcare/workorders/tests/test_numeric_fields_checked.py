"""Security review finding 17 (work orders): numbers, phones and lengths are checked against their
columns on every path (page, API, service) with a Chinese message, 422 on the API and nothing
written; a bad capacity already in the database never breaks the new-connection lists."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from gridcare.core.exceptions import InvalidInput
from gridcare.core.testing import City, api_client, signed_in
from gridcare.org.access import scope_for
from gridcare.workorders import selectors, services
from gridcare.workorders.models import NewConnection, WorkOrder
from gridcare.workorders.tests.conftest import Clock, post_json

APPLICATION = {"applicant": "钱七", "address": "上城区望江路9号", "category": "residential", "supply_unit": "U1"}

BAD_CAPACITIES = [
    ("1e300", "申请容量不能超过999999 kVA。"),
    ("1000000", "申请容量不能超过999999 kVA。"),
    ("999999999.9", "申请容量不能超过999999 kVA。"),
    ("-5", "申请容量不能为负数。"),
    ("12.25", "申请容量最多保留1位小数。"),
    ("abc", "申请容量应为数字（kVA），例如 8 或 315.5。"),
]


@pytest.mark.parametrize(("raw", "message"), BAD_CAPACITIES)
def test_a_bad_capacity_is_refused_by_the_api_with_its_reason(town: City, clock: Clock, raw: str, message: str) -> None:
    response = post_json(api_client(town.kam), "/api/v1/new-connections", {**APPLICATION, "capacity_kva": raw})
    assert response.status_code == 422
    if raw == "abc":  # not a number at all: the schema says so before the service is asked
        assert response.json() == {"detail": "提交的数据有误。", "errors": {"capacity_kva": "应为数字。"}}
    else:
        assert response.json() == {"detail": "报装信息有误。", "errors": {"capacity_kva": message}}
    assert NewConnection.objects.count() == 0


@pytest.mark.parametrize(("raw", "message"), BAD_CAPACITIES)
def test_a_bad_capacity_is_shown_on_the_page_field(town: City, clock: Clock, raw: str, message: str) -> None:
    response = signed_in(town.kam).post("/workorders/connections/", {**APPLICATION, "capacity_kva": raw})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert NewConnection.objects.count() == 0


@pytest.mark.parametrize("raw", [Decimal("1e300"), Decimal("NaN"), Decimal("-1"), True])
def test_the_service_itself_refuses_a_bad_capacity(town: City, clock: Clock, raw: Any) -> None:
    data = services.NewApplication(**APPLICATION, capacity_kva=raw)
    with pytest.raises(InvalidInput) as refused:
        services.new_connection_apply(scope=scope_for(town.kam), actor=town.kam, data=data)
    assert set(refused.value.errors) == {"capacity_kva"}
    assert NewConnection.objects.count() == 0


def test_a_capacity_up_to_the_configured_maximum_is_kept_exactly(town: City, clock: Clock, settings: Any) -> None:
    created = post_json(api_client(town.kam), "/api/v1/new-connections", {**APPLICATION, "capacity_kva": "999999"})
    assert created.status_code == 201
    assert NewConnection.objects.values_list("capacity_kva", flat=True).get() == Decimal("999999.0")
    settings.GRIDCARE_WORKORDERS = {**settings.GRIDCARE_WORKORDERS, "NEW_CONNECTION_MAX_KVA": Decimal("5000")}
    refused = post_json(api_client(town.kam), "/api/v1/new-connections", {**APPLICATION, "capacity_kva": "5000.1"})
    assert refused.json()["errors"] == {"capacity_kva": "申请容量不能超过5000 kVA。"}
    assert NewConnection.objects.count() == 1


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("1" * 30, "手机号码应为11位，当前为30位。"),
        ("abc", "手机号码只能包含数字。"),
        ("12800001111", "手机号码应以13至19开头。"),
    ],
)
def test_a_bad_applicant_phone_is_refused_on_the_api_and_the_page(
    town: City, clock: Clock, phone: str, message: str
) -> None:
    response = post_json(api_client(town.kam), "/api/v1/new-connections", {**APPLICATION, "phone": phone})
    assert (response.status_code, response.json()["errors"]) == (422, {"phone": message})
    page = signed_in(town.kam).post("/workorders/connections/", {**APPLICATION, "phone": phone[:20]})
    assert page.status_code == 200 and "手机号码" in page.content.decode()
    assert NewConnection.objects.count() == 0


def test_a_phone_is_stored_normalised_and_names_no_longer_than_their_columns(town: City, clock: Clock) -> None:
    client = api_client(town.kam)
    too_long = post_json(
        client, "/api/v1/new-connections", {**APPLICATION, "applicant": "钱" * 101, "address": "路" * 201}
    )
    assert too_long.json()["errors"] == {"applicant": "最多100个字。", "address": "最多200个字。"}
    assert NewConnection.objects.count() == 0
    assert (
        post_json(client, "/api/v1/new-connections", {**APPLICATION, "phone": "+86 136-0000-1111"}).status_code == 201
    )
    assert NewConnection.objects.values_list("phone", flat=True).get() == "13600001111"


def _legacy_capacity(row: NewConnection) -> str:
    """Write a capacity the service would refuse straight into the table: on SQLite one the
    column type cannot even read back, on PostgreSQL the largest numeric(10,1) holds."""
    value = "1e300" if connection.vendor == "sqlite" else "999999999.9"
    with connection.cursor() as cursor:
        cursor.execute("UPDATE workorders_newconnection SET capacity_kva = %s WHERE id = %s", [value, row.pk])
    return value


def test_a_bad_capacity_already_stored_breaks_no_list(town: City, clock: Clock) -> None:
    data = services.NewApplication(**APPLICATION, capacity_kva="8")
    row = services.new_connection_apply(scope=scope_for(town.kam), actor=town.kam, data=data)
    stored = _legacy_capacity(row)
    for user in (town.kam, town.supervisor, town.admin):
        page = signed_in(user).get("/workorders/connections/")
        assert page.status_code == 200 and row.number in page.content.decode()
    listed = api_client(town.kam).get("/api/v1/new-connections")
    assert listed.status_code == 200 and [c["number"] for c in listed.json()] == [row.number]
    clock.advance(hours=1)
    signed_in(town.kam).post(f"/workorders/connections/{row.number}/advance/", {"note": "资料齐全"})
    assert NewConnection.objects.values_list("stage", flat=True).get() == "site_survey"
    assert Decimal(selectors.connection_capacity_text(row)) == Decimal(stored)
    admin = signed_in(town.admin)
    assert admin.get("/admin/workorders/newconnection/").status_code == 200
    assert admin.get(f"/admin/workorders/newconnection/{row.pk}/change/").status_code == 200


@pytest.mark.parametrize(
    ("phone", "message"), [("1" * 30, "手机号码应为11位，当前为30位。"), ("abc", "手机号码只能包含数字。")]
)
def test_a_work_order_with_a_bad_phone_is_refused_and_nothing_is_written(
    town: City, clock: Clock, phone: str, message: str
) -> None:
    response = post_json(
        api_client(town.agent), "/api/v1/workorders", {"channel": "web", "text": "停电了", "phone": phone}
    )
    assert response.status_code == 422
    assert response.json() == {"detail": "工单信息有误。", "errors": {"phone": message}}
    assert WorkOrder.objects.count() == 0


def test_a_work_orders_phone_is_stored_normalised_and_its_place_no_longer_than_its_column(
    town: City, clock: Clock
) -> None:
    client = api_client(town.agent)
    body = {"channel": "web", "text": "停电了", "location": "路" * 201}
    assert post_json(client, "/api/v1/workorders", body).json()["errors"] == {"location": "最多200个字。"}
    assert WorkOrder.objects.count() == 0
    body = {"channel": "web", "text": "停电了", "phone": "+86 139-0000-2222"}
    assert post_json(client, "/api/v1/workorders", body).status_code == 201
    assert WorkOrder.objects.values_list("phone", flat=True).get() == "13900002222"
