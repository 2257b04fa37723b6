"""A fault outage notifies when it starts and again when power is restored."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gridcare.core.exceptions import Conflict, InvalidInput
from gridcare.core.testing import City, make_account
from gridcare.notices.models import Notice, Outage
from gridcare.notices.services.outages import NewOutage, outage_register, outage_restore
from gridcare.notices.tests.conftest import MORNING
from gridcare.org.access import scope_for


def fault(town: City) -> Outage:
    data = NewOutage(
        kind="fault", reason="10kV线路故障", starts_at=MORNING, ends_at=MORNING + timedelta(hours=3), areas=["T1"]
    )
    return outage_register(scope=scope_for(town.planner), actor=town.planner, data=data, now=MORNING)


def test_a_fault_notifies_at_once_and_again_when_power_is_restored(town: City) -> None:
    make_account(10, town.unit, town.hall, "赵六", phone="13911112222", transformer_area=town.area)
    outage = fault(town)
    assert (outage.status, outage.notices_queued) == ("ongoing", 2)
    assert set(Notice.objects.values_list("text__body", flat=True)) == {
        "【国网示范市供电公司】城一线1号台区因故障停电，抢修人员正在处理，预计11月24日13:00恢复供电。"
    }
    restored_at = MORNING + timedelta(hours=2, minutes=15)
    outage = outage_restore(
        scope=scope_for(town.planner),
        actor=town.planner,
        outage=outage,
        restored_at=restored_at,
        now=MORNING + timedelta(hours=3),
    )
    assert (outage.status, outage.restored_at) == ("restored", restored_at)
    restored = list(
        Notice.objects.filter(template_code="power_restored")
        .order_by("recipient")
        .values_list("recipient", "text__body")
    )
    text = "【国网示范市供电公司】城一线1号台区已于11月24日12:15恢复供电，感谢您的耐心等待。"
    assert restored == [("13812345678", text), ("13911112222", text)]
    assert list(outage.events.values_list("type", flat=True)) == ["registered", "restored"]


def test_power_cannot_be_restored_twice_or_before_the_outage_began(town: City) -> None:
    outage = fault(town)
    scope = scope_for(town.planner)
    with pytest.raises(InvalidInput):
        outage_restore(
            scope=scope, actor=town.planner, outage=outage, restored_at=MORNING, now=MORNING + timedelta(hours=1)
        )
    outage_restore(scope=scope, actor=town.planner, outage=outage, now=MORNING + timedelta(hours=1))
    count = Notice.objects.count()
    with pytest.raises(Conflict):
        outage_restore(scope=scope, actor=town.planner, outage=outage, now=MORNING + timedelta(hours=2))
    outage.refresh_from_db()
    assert (outage.restored_at, Notice.objects.count()) == (MORNING + timedelta(hours=1), count)
