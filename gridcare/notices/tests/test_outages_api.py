from __future__ import annotations

import json
from datetime import timedelta

import pytest

from gridcare.core import timezone as tz
from gridcare.core.testing import City, api_client
from gridcare.notices.models import Notice, Outage


def payload(**changes: object) -> str:
    start = tz.now() + timedelta(days=8)
    data: dict[str, object] = {
        "kind": "planned",
        "reason": "线路检修",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=6)).isoformat(),
        "areas": ["T1"],
    }
    return json.dumps({**data, **changes})


def test_a_planner_registers_an_outage_through_the_api_and_restores_it(town: City) -> None:
    client = api_client(town.planner)
    response = client.post("/api/v1/outages", payload(), content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["status"], body["areas"], body["affected_accounts"], body["notices_queued"]) == (
        "planned",
        "announced",
        ["T1"],
        1,
        1,
    )
    assert [o["id"] for o in client.get("/api/v1/outages").json()] == [body["id"]]
    assert api_client(town.agent).get(f"/api/v1/outages/{body['id']}").status_code == 200
    assert api_client(town.foreign_clerk).get(f"/api/v1/outages/{body['id']}").status_code == 404


def test_a_short_notice_outage_is_refused_with_the_reason_and_nothing_is_written(town: City) -> None:
    start = tz.now() + timedelta(days=2)
    response = api_client(town.planner).post(
        "/api/v1/outages",
        payload(starts_at=start.isoformat(), ends_at=(start + timedelta(hours=2)).isoformat()),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": "停电未登记。",
        "errors": {"starts_at": "计划停电须提前7天通知；不足7天请登记为临时检修或紧急停电。"},
    }
    assert (Outage.objects.count(), Notice.objects.count()) == (0, 0)


@pytest.mark.parametrize("persona", ["clerk", "agent", "supervisor", "foreign_clerk"])
def test_other_roles_may_not_register_outages(town: City, persona: str) -> None:
    response = api_client(town.users[persona]).post("/api/v1/outages", payload(), content_type="application/json")
    assert response.status_code == 403
    assert (Outage.objects.count(), Notice.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_the_outage_api_needs_a_signed_in_caller() -> None:
    from django.test import Client

    assert Client().post("/api/v1/outages", payload(), content_type="application/json").status_code == 401
    assert Outage.objects.count() == 0
