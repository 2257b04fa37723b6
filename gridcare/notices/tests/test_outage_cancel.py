"""Calling a planned outage off: queued notices are withdrawn, phones already told get a
cancellation through the outbox, exactly once."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from gridcare.core.exceptions import Conflict, Forbidden
from gridcare.core.testing import City, api_client, make_account
from gridcare.notices.models import Notice, NoticeStatus, Outage, OutageEvent
from gridcare.notices.services.outages import NewOutage, outage_cancel, outage_register
from gridcare.notices.testing import LocalSmsGateway
from gridcare.notices.tests.conftest import MORNING
from gridcare.notices.tests.helpers import send
from gridcare.org.access import scope_for

CANCELLED = "【国网示范市供电公司】原定12月2日10:00至12月2日16:00城一线1号台区的停电已取消，届时将正常供电，特此告知。"


def planned(town: City) -> Outage:
    data = NewOutage(
        kind="planned",
        reason="线路检修",
        starts_at=MORNING + timedelta(days=8),
        ends_at=MORNING + timedelta(days=8, hours=6),
        areas=["T1"],
    )
    return outage_register(scope=scope_for(town.planner), actor=town.planner, data=data, now=MORNING)


def cancel(town: City, outage: Outage) -> Outage:
    return outage_cancel(scope=scope_for(town.planner), actor=town.planner, outage=outage, now=MORNING)


def statuses() -> list[tuple[str, str, str]]:
    return list(
        Notice.objects.order_by("template_code", "recipient").values_list("template_code", "recipient", "status")
    )


def test_cancelled_before_the_notices_left_withdraws_them_and_tells_nobody(town: City) -> None:
    make_account(10, town.unit, town.hall, "赵六", phone="13911112222", transformer_area=town.area)
    outage = cancel(town, planned(town))
    assert outage.status == "cancelled"
    assert statuses() == [
        ("planned_outage", "13812345678", "withdrawn"),
        ("planned_outage", "13911112222", "withdrawn"),
    ]
    assert list(OutageEvent.objects.filter(outage=outage).values_list("type", "parameters")) == [
        ("registered", {"affected_accounts": 2, "notices": 2}),
        ("cancelled", {"withdrawn": 2, "notices": 0}),
    ]


def test_phones_already_told_get_a_cancellation_and_the_rest_are_withdrawn(
    town: City, gateway: LocalSmsGateway
) -> None:
    make_account(10, town.unit, town.hall, "赵六", phone="13911112222", transformer_area=town.area)
    make_account(11, town.unit, town.hall, "钱七", phone="13911113333", transformer_area=town.area)
    outage = planned(town)
    assert outage.notices_queued == 3
    # Two notices went out; the third is still waiting when the outage is called off.
    held = Notice.objects.get(recipient="13911113333")
    Notice.objects.filter(pk=held.pk).update(not_before=MORNING + timedelta(hours=1))
    assert send(MORNING).sent == 2
    Notice.objects.filter(recipient="13911112222").update(status=NoticeStatus.DELIVERED)
    outage = cancel(town, outage)
    assert statuses() == [
        ("outage_cancelled", "13812345678", "queued"),
        ("outage_cancelled", "13911112222", "queued"),
        ("planned_outage", "13812345678", "sent"),
        ("planned_outage", "13911112222", "delivered"),
        ("planned_outage", "13911113333", "withdrawn"),
    ]
    cancellations = Notice.objects.filter(template_code="outage_cancelled").order_by("recipient")
    assert [(n.content, n.outage_id, n.priority, n.not_before) for n in cancellations] == [
        (CANCELLED, outage.pk, 1, None),
        (CANCELLED, outage.pk, 1, None),
    ]
    assert [n.account_id for n in cancellations] == list(
        Notice.objects.filter(template_code="planned_outage", status__in=["sent", "delivered"])
        .order_by("recipient")
        .values_list("account_id", flat=True)
    )
    assert OutageEvent.objects.get(outage=outage, type="cancelled").parameters == {"withdrawn": 1, "notices": 2}
    # The cancellations go out through the same gateway; the withdrawn notice never does.
    assert send(MORNING + timedelta(hours=2)).sent == 2
    assert sorted(phone for _mid, phone in gateway.state.accepted.values()) == [
        "13812345678",
        "13812345678",
        "13911112222",
        "13911112222",
    ]


def test_a_second_cancellation_is_refused_and_tells_nobody_twice(town: City, gateway: LocalSmsGateway) -> None:
    outage = planned(town)
    send(MORNING)
    stale = Outage.objects.get(pk=outage.pk)
    cancel(town, outage)
    before = statuses()
    with pytest.raises(Conflict):
        cancel(town, stale)
    with pytest.raises(Conflict):
        cancel(town, Outage.objects.get(pk=outage.pk))
    assert (
        statuses()
        == before
        == [
            ("outage_cancelled", "13812345678", "queued"),
            ("planned_outage", "13812345678", "sent"),
        ]
    )
    assert OutageEvent.objects.filter(outage=outage, type="cancelled").count() == 1


def test_a_planned_outage_called_off_at_night_is_told_in_the_morning(town: City, gateway: LocalSmsGateway) -> None:
    outage = planned(town)
    send(MORNING)
    night = MORNING.replace(hour=23)
    outage_cancel(scope=scope_for(town.planner), actor=town.planner, outage=outage, now=night)
    notice = Notice.objects.get(template_code="outage_cancelled")
    assert notice.not_before == (night + timedelta(days=1)).replace(hour=8)


def test_only_planners_and_administrators_cancel_and_a_refusal_changes_nothing(town: City) -> None:
    outage = planned(town)
    before = statuses()
    with pytest.raises(Forbidden):
        outage_cancel(scope=scope_for(town.agent), actor=town.agent, outage=outage, now=MORNING)
    assert Outage.objects.get(pk=outage.pk).status == "announced"
    assert statuses() == before == [("planned_outage", "13812345678", "queued")]


def test_cancel_through_the_api(town: City) -> None:
    outage = planned(town)
    response = api_client(town.planner).post(
        f"/api/v1/outages/{outage.pk}/cancel", "{}", content_type="application/json"
    )
    assert response.status_code == 200
    assert json.loads(response.content)["status"] == "cancelled"
    assert api_client(town.agent).post(f"/api/v1/outages/{outage.pk}/cancel").status_code == 403
    assert api_client(town.foreign_clerk).post(f"/api/v1/outages/{outage.pk}/cancel").status_code == 404
    assert api_client(town.planner).post(f"/api/v1/outages/{outage.pk}/cancel").status_code == 409
    assert statuses() == [("planned_outage", "13812345678", "withdrawn")]
