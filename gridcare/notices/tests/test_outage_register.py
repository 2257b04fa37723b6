"""Planned, temporary and emergency outages: notice periods, fan-out, records, who may."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from gridcare.core.exceptions import Forbidden, InvalidInput
from gridcare.core.testing import City, make_account
from gridcare.customers.models import TransformerArea
from gridcare.notices.models import Notice, Outage, OutageAccount, OutageEvent
from gridcare.notices.services.outages import NewOutage, OutagePreview, outage_preview, outage_register
from gridcare.notices.tests.conftest import MORNING
from gridcare.org.access import scope_for


def planned(**changes: Any) -> NewOutage:
    fields: dict[str, Any] = {
        "kind": "planned",
        "reason": "线路检修",
        "starts_at": MORNING + timedelta(days=8),
        "ends_at": MORNING + timedelta(days=8, hours=6),
        "areas": ["T1"],
    }
    return NewOutage(**{**fields, **changes})


def register(town: City, data: NewOutage) -> Outage:
    return outage_register(scope=scope_for(town.planner), actor=town.planner, data=data, now=MORNING)


def test_every_customer_behind_the_area_gets_one_notice_and_the_outage_records_them(town: City) -> None:
    second = make_account(10, town.unit, town.hall, "赵六", phone="13911112222", transformer_area=town.area)
    make_account(11, town.unit, town.hall, "无号码", transformer_area=town.area)
    outage = register(town, planned())
    assert (outage.status, outage.affected_accounts, outage.notices_queued) == ("announced", 3, 2)
    assert OutageAccount.objects.filter(outage=outage).count() == 3
    notices = list(
        Notice.objects.order_by("recipient").values_list("recipient", "account_id", "category", "text__body")
    )
    body = "【国网示范市供电公司】因线路检修，城一线1号台区将于12月2日10:00至12月2日16:00停电，给您带来不便敬请谅解。"
    assert notices == [
        ("13812345678", town.account.pk, "outage", body),
        ("13911112222", second.pk, "outage", body),
    ]
    first = Notice.objects.order_by("recipient").first()
    assert first is not None
    assert (first.outage_id, first.template_code, first.template_version, first.segments, first.priority) == (
        outage.pk,
        "planned_outage",
        0,
        1,
        1,
    )
    # The text is stored once per 台区 and shared; the message row itself stays narrow.
    assert (first.body, first.variables, first.content) == ("", {}, body)
    assert first.content_variables == {
        "reason": "线路检修",
        "start": "12月2日10:00",
        "end": "12月2日16:00",
        "area": "城一线1号台区",
    }
    assert list(OutageEvent.objects.values_list("type", "parameters")) == [
        ("registered", {"affected_accounts": 3, "notices": 2})
    ]


def test_a_feeder_outage_reaches_every_area_of_the_feeder_and_one_phone_gets_one_message(town: City) -> None:
    other_area = TransformerArea.objects.create(feeder=town.feeder, code="T2", name="城一线2号台区")
    make_account(12, town.unit, town.hall, "张三", phone="13812345678", transformer_area=other_area)
    make_account(13, town.unit, town.hall, "钱七", phone="13911113333", transformer_area=other_area)
    outage = register(town, planned(areas=[], feeders=["F1"]))
    assert (outage.affected_accounts, outage.notices_queued) == (3, 2)
    assert sorted(Notice.objects.values_list("recipient", flat=True)) == ["13812345678", "13911113333"]


@pytest.mark.parametrize(
    ("kind", "ahead", "field", "message"),
    [
        (
            "planned",
            timedelta(days=7) - timedelta(minutes=1),
            "starts_at",
            "计划停电须提前7天通知；不足7天请登记为临时检修或紧急停电。",
        ),
        ("temporary", timedelta(hours=23, minutes=59), "starts_at", "临时检修停电须提前24小时通知重要客户。"),
    ],
)
def test_an_outage_announced_too_late_is_refused_and_nothing_is_written(
    town: City, kind: str, ahead: timedelta, field: str, message: str
) -> None:
    start = MORNING + ahead
    with pytest.raises(InvalidInput) as exc:
        register(town, planned(kind=kind, starts_at=start, ends_at=start + timedelta(hours=4)))
    assert exc.value.errors == {field: message}
    assert (Outage.objects.count(), OutageAccount.objects.count(), Notice.objects.count()) == (0, 0, 0)


@pytest.mark.parametrize(
    ("kind", "ahead"),
    [("planned", timedelta(days=7)), ("temporary", timedelta(hours=24)), ("emergency", timedelta(minutes=0))],
)
def test_outages_announced_in_time_are_registered(town: City, kind: str, ahead: timedelta) -> None:
    start = MORNING + ahead
    outage = register(town, planned(kind=kind, starts_at=start, ends_at=start + timedelta(hours=2)))
    assert (outage.kind, outage.affected_accounts, outage.notices_queued) == (kind, 1, 1)


def test_bad_input_is_refused_with_a_message_per_field(town: City) -> None:
    with pytest.raises(InvalidInput) as exc:
        register(town, planned(reason=" ", areas=["NOPE"], ends_at=MORNING + timedelta(days=8)))
    assert exc.value.errors == {
        "areas": "台区不存在或不在您的管辖范围：NOPE。",
        "reason": "请填写停电原因。",
        "ends_at": "恢复送电时间应晚于停电开始时间。",
    }
    with pytest.raises(InvalidInput) as exc:
        register(town, planned(areas=[]))
    assert exc.value.errors == {"areas": "请选择停电的线路或台区。"}
    assert Outage.objects.count() == 0


@pytest.mark.parametrize("persona", ["clerk", "manager", "agent", "supervisor", "kam", "community", "outsider"])
def test_only_planners_and_administrators_register_outages(town: City, persona: str) -> None:
    user = town.users[persona]
    with pytest.raises(Forbidden):
        outage_register(scope=scope_for(user), actor=user, data=planned(), now=MORNING)
    assert (Outage.objects.count(), Notice.objects.count()) == (0, 0)


def test_an_administrator_registers_outages_too(town: City) -> None:
    outage = outage_register(scope=scope_for(town.admin), actor=town.admin, data=planned(), now=MORNING)
    assert outage.created_by == town.admin


def test_a_planned_outage_registered_at_night_is_told_in_the_morning_and_a_fault_at_once(town: City) -> None:
    night = MORNING.replace(hour=23, minute=30)
    start = night + timedelta(days=8)
    outage_register(
        scope=scope_for(town.planner),
        actor=town.planner,
        data=planned(starts_at=start, ends_at=start + timedelta(hours=2)),
        now=night,
    )
    fault = NewOutage(kind="fault", reason="故障", starts_at=night, ends_at=night + timedelta(hours=2), areas=["T1"])
    outage_register(scope=scope_for(town.planner), actor=town.planner, data=fault, now=night)
    assert list(Notice.objects.order_by("pk").values_list("template_code", "not_before")) == [
        ("planned_outage", MORNING.replace(day=25, hour=8, minute=0)),
        ("fault_outage", None),
    ]


def test_the_preview_counts_whom_the_outage_would_tell_and_writes_nothing(town: City) -> None:
    make_account(10, town.unit, town.hall, "赵六", phone="13911112222", transformer_area=town.area)
    make_account(11, town.unit, town.hall, "无号码", transformer_area=town.area)
    preview = outage_preview(scope=scope_for(town.planner), data=planned(), now=MORNING)
    assert preview == OutagePreview(accounts=3, areas=1)
    assert (Outage.objects.count(), Notice.objects.count(), OutageEvent.objects.count()) == (0, 0, 0)
    assert register(town, planned()).affected_accounts == preview.accounts  # what it said it would do


def test_the_preview_refuses_as_registering_does(town: City) -> None:
    with pytest.raises(InvalidInput) as refused:
        outage_preview(scope=scope_for(town.planner), data=planned(areas=["NOPE"]), now=MORNING)
    assert refused.value.errors == {"areas": "台区不存在或不在您的管辖范围：NOPE。"}
    with pytest.raises(Forbidden):
        outage_preview(scope=scope_for(town.clerk), data=planned(), now=MORNING)
    assert Outage.objects.count() == 0
