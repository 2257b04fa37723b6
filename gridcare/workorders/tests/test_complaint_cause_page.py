"""投诉原因 page (COMPLAINT_CAUSE_EDIT, administrators): add, rename, deactivate (asked first),
reactivate and delete an unused cause; a used cause is never deleted; other posts are refused and
nothing changes."""

from __future__ import annotations

from typing import Any

import pytest

from gridcare.core.testing import City, signed_in
from gridcare.workorders.models import CauseEvent, ComplaintCause
from gridcare.workorders.tests.conftest import Clock, take


def _taxonomy() -> list[dict[str, Any]]:
    return list(ComplaintCause.objects.order_by("id").values())


def test_an_administrator_adds_a_cause_last_in_its_class(town: City) -> None:
    client = signed_in(town.admin)
    assert client.get("/workorders/causes/").status_code == 200
    response = client.post("/workorders/causes/", {"complaint_class": "service", "name": "  服务承诺兑现  "})
    assert response.status_code == 302
    cause = ComplaintCause.objects.get(name="服务承诺兑现")
    assert (cause.code, cause.complaint_class, cause.position, cause.active) == ("service_1", "service", 60, True)
    assert CauseEvent.objects.get().parameters == {"name": "服务承诺兑现", "code": "service_1"}
    page = client.get("/workorders/causes/").content.decode()
    assert "已新增投诉原因“服务承诺兑现”。" in page and "admin 新增投诉原因“服务承诺兑现”" in page


def test_a_name_already_in_the_class_is_refused_on_its_field(town: City) -> None:
    before = _taxonomy()
    response = signed_in(town.admin).post("/workorders/causes/", {"complaint_class": "service", "name": "服务态度"})
    assert response.status_code == 200
    assert "该分类下已有“服务态度”。" in response.content.decode()
    assert _taxonomy() == before and not CauseEvent.objects.exists()


def test_renaming_keeps_the_orders_on_the_cause(town: City, clock: Clock) -> None:
    order = take(town.agent, complaint_class="service", complaint_cause="service_attitude")
    cause = ComplaintCause.objects.get(code="service_attitude")
    response = signed_in(town.admin).post(f"/workorders/causes/{cause.pk}/", {"name": "服务态度问题", "position": 5})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.complaint_cause is not None and (order.complaint_cause.name, order.complaint_cause.position) == (
        "服务态度问题",
        5,
    )
    assert CauseEvent.objects.get().parameters == {"old": "服务态度", "name": "服务态度问题", "position": 5}


def test_deactivating_asks_first_and_keeps_the_cause_on_its_orders(town: City, clock: Clock) -> None:
    order = take(town.agent, complaint_class="service", complaint_cause="service_attitude")
    cause = ComplaintCause.objects.get(code="service_attitude")
    client = signed_in(town.admin)
    asked = client.post(f"/workorders/causes/{cause.pk}/deactivate/")
    assert asked.status_code == 200
    assert "已使用它的 1 张工单保留该原因" in asked.content.decode()
    cause.refresh_from_db()
    assert cause.active is True
    assert client.post(f"/workorders/causes/{cause.pk}/deactivate/", {"confirmed": "1"}).status_code == 302
    cause.refresh_from_db()
    order.refresh_from_db()
    assert cause.active is False and order.complaint_cause_id == cause.pk
    assert client.post(f"/workorders/causes/{cause.pk}/activate/", {"confirmed": "1"}).status_code == 302
    cause.refresh_from_db()
    assert cause.active is True
    assert list(CauseEvent.objects.order_by("id").values_list("type", flat=True)) == ["deactivated", "activated"]


def test_a_used_cause_is_never_deleted(town: City, clock: Clock) -> None:
    take(town.agent, complaint_class="service", complaint_cause="service_attitude")
    cause = ComplaintCause.objects.get(code="service_attitude")
    before = _taxonomy()
    client = signed_in(town.admin)
    response = client.post(f"/workorders/causes/{cause.pk}/delete/", {"confirmed": "1"}, follow=True)
    assert "已有 1 张工单使用投诉原因“服务态度”，不能删除；如不再使用，请停用。" in response.content.decode()
    assert _taxonomy() == before and not CauseEvent.objects.exists()


def test_an_unused_cause_is_deleted_once_confirmed(town: City) -> None:
    cause = ComplaintCause.objects.get(code="grid_other")
    client = signed_in(town.admin)
    assert "删除后不能恢复" in client.post(f"/workorders/causes/{cause.pk}/delete/").content.decode()
    assert ComplaintCause.objects.filter(pk=cause.pk).exists()
    assert client.post(f"/workorders/causes/{cause.pk}/delete/", {"confirmed": "1"}).status_code == 302
    assert not ComplaintCause.objects.filter(pk=cause.pk).exists()
    event = CauseEvent.objects.get()
    assert (event.type, event.cause_id, event.parameters["name"]) == ("deleted", None, "其他电网建设问题")


@pytest.mark.parametrize("who", ["supervisor", "planner", "agent", "clerk"])
def test_other_posts_are_refused_and_nothing_changes(town: City, who: str) -> None:
    cause = ComplaintCause.objects.get(code="service_attitude")
    before = _taxonomy()
    client = signed_in(town.users[who])
    assert client.get("/workorders/causes/").status_code == 403
    assert client.post("/workorders/causes/", {"complaint_class": "service", "name": "新原因"}).status_code == 403
    assert client.post(f"/workorders/causes/{cause.pk}/", {"name": "改名", "position": 1}).status_code == 403
    for action in ("deactivate", "delete"):
        assert client.post(f"/workorders/causes/{cause.pk}/{action}/", {"confirmed": "1"}).status_code == 403
    assert _taxonomy() == before and not CauseEvent.objects.exists()
