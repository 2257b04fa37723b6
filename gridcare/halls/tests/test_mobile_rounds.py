"""The mobile service rounds (流动服务车, WO-9): a unit keeps its timetable (supervisors their unit,
administrators every unit), drafts and publishes stops for a 台区 of the unit; the day before a
published stop its 台区's customers are reminded once per stop and phone, never those who opted
out of reminders, and never for a draft or another day's stop."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gridcare.core.exceptions import Conflict, Forbidden, InvalidInput
from gridcare.core.testing import City, make_account
from gridcare.customers.models import Contact
from gridcare.halls.models import MobileRoundStop, RoundStatus
from gridcare.halls.services.mobile_rounds import (
    StopData,
    mobile_round_reminders,
    round_stop_save,
    round_stop_transition,
)
from gridcare.halls.tests.appointments_helpers import MONDAY, TUESDAY, Clock
from gridcare.notices.models import Notice
from gridcare.org.access import scope_for


def _data(town: City, **changes: object) -> StopData:
    values: dict[str, object] = {
        "unit": "U1",
        "area": town.area.code,
        "village": "城东村",
        "day": TUESDAY,
        "start": "09:00",
        "end": "11:30",
        "place": "村委会门口",
    }
    return StopData(**(values | changes))  # type: ignore[arg-type]


def _stop(town: City, publish: bool = True, **changes: object) -> MobileRoundStop:
    return round_stop_save(
        scope=scope_for(town.supervisor), actor=town.supervisor, data=_data(town, **changes), publish=publish
    )


def test_the_reminder_goes_once_per_stop_and_phone_and_skips_opted_out(hall_town: City, clock: Clock) -> None:
    # Three more accounts behind 台区 T1: one opted out, one sharing 张三's phone.
    make_account(11, hall_town.unit, hall_town.hall, "赵六", phone="13900003333", transformer_area=hall_town.area)
    make_account(12, hall_town.unit, hall_town.hall, "钱七", phone="13900004444", transformer_area=hall_town.area)
    Contact.objects.filter(phone="13900004444").update(opted_out=True)
    make_account(13, hall_town.unit, hall_town.hall, "张三", phone="13812345678", transformer_area=hall_town.area)
    stop = _stop(hall_town)
    _stop(hall_town, publish=False, village="草稿村")  # a draft: nobody told
    _stop(hall_town, day=TUESDAY + timedelta(days=1), village="后天村")  # another day
    assert mobile_round_reminders(today=MONDAY) == 2
    assert mobile_round_reminders(today=MONDAY) == 0
    sent = Notice.objects.filter(template_code="mobile_round_reminder").order_by("recipient")
    assert [n.recipient for n in sent] == ["13812345678", "13900003333"]
    assert {n.dedupe_key for n in sent} == {
        f"mobile_round:{stop.pk}:13812345678",
        f"mobile_round:{stop.pk}:13900003333",
    }
    assert "流动服务车将于11月24日09:00-11:30到城东村（村委会门口）" in sent[0].body
    assert {n.category for n in sent} == {"service"}  # a reminder: the sender holds it back for opted-out phones


def test_a_supervisor_keeps_only_their_units_timetable(hall_town: City, clock: Clock) -> None:
    other = scope_for(hall_town.other_supervisor)
    with pytest.raises(InvalidInput) as refused:
        round_stop_save(scope=other, actor=hall_town.other_supervisor, data=_data(hall_town))
    assert refused.value.errors == {"unit": "请选择您所在的供电所。", "area": "请选择该供电所的台区。"}
    with pytest.raises(InvalidInput) as area:
        round_stop_save(scope=other, actor=hall_town.other_supervisor, data=_data(hall_town, unit="U2"))
    assert area.value.errors == {"area": "请选择该供电所的台区。"}
    for who in ("manager", "clerk", "agent", "planner"):
        with pytest.raises(Forbidden):
            round_stop_save(scope=scope_for(hall_town.users[who]), actor=None, data=_data(hall_town))
    assert MobileRoundStop.objects.count() == 0
    admin_stop = round_stop_save(scope=scope_for(hall_town.admin), actor=hall_town.admin, data=_data(hall_town))
    assert admin_stop.status == RoundStatus.DRAFT


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"village": ""}, "village"),
        ({"village": "村\x00"}, "village"),
        ({"place": "地" * 101}, "place"),
        ({"day": "2026-13-01"}, "day"),
        ({"day": MONDAY - timedelta(days=1)}, "day"),
        ({"day": MONDAY + timedelta(days=91)}, "day"),
        ({"start": "9点"}, "start"),
        ({"end": "08:00"}, "end"),
    ],
)
def test_bad_stops_are_refused_on_their_field(hall_town: City, clock: Clock, changes: dict, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        _stop(hall_town, **changes)
    assert set(refused.value.errors) == {field}
    assert MobileRoundStop.objects.count() == 0


def test_a_cancelled_stop_is_neither_published_nor_reminded(hall_town: City, clock: Clock) -> None:
    stop = _stop(hall_town, publish=False)
    scope = scope_for(hall_town.supervisor)
    round_stop_transition(scope=scope, actor=None, stop=stop, to=RoundStatus.CANCELLED)
    with pytest.raises(Conflict):
        round_stop_transition(scope=scope, actor=None, stop=stop, to=RoundStatus.PUBLISHED)
    assert mobile_round_reminders(today=MONDAY) == 0
