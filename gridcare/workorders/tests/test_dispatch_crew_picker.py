"""Convention 3 for the repair crew: the dispatch form picks one of the active crews of the unit the
order goes to (a select grouped by unit, "单位 · 班组"), and a crew that is not an active crew of
the target unit is refused by the form, the service and the API alike, with nothing written. No
crew at all stays allowed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gridcare.core.testing import City, api_client, signed_in
from gridcare.core.tests.test_pick_dont_type import options
from gridcare.notices.models import Notice
from gridcare.org.access import scope_for
from gridcare.org.models import Crew
from gridcare.org.services import crew_create, crew_deactivate, crew_rename
from gridcare.workorders import services
from gridcare.workorders.exceptions import UnknownCrew
from gridcare.workorders.models import OrderEvent, Status, WorkOrder
from gridcare.workorders.tests.conftest import Clock, add_crew, post_json


@pytest.fixture
def crews(town: City) -> City:
    """U1: 抢修一班, 抢修二班 and the deactivated 配电运维班; U2: 乡镇抢修班; the other company's X1: 邻市抢修班."""
    add_crew(town, "抢修二班")
    add_crew(town, "抢修一班", leader="陈建国")
    resting = add_crew(town, "配电运维班")
    crew_deactivate(scope=scope_for(town.admin), actor=town.admin, crew_id=resting.pk)
    add_crew(town, "乡镇抢修班", unit="U2")
    crew_create(scope=scope_for(town.admin), actor=town.admin, unit="X1", name="邻市抢修班")
    return town


def _state() -> tuple[Any, ...]:
    return list(WorkOrder.objects.order_by("pk").values()), OrderEvent.objects.count(), Notice.objects.count()


def _accepted(fault: WorkOrder, town: City) -> WorkOrder:
    return services.workorder_transition(scope=scope_for(town.agent), actor=town.agent, order=fault, to=Status.ACCEPTED)


def test_the_dispatch_picker_offers_the_active_crews_of_the_companys_units_grouped_by_unit(
    crews: City, fault: WorkOrder
) -> None:
    page = signed_in(crews.agent).get(f"/workorders/{fault.number}/").content.decode()
    assert options(page, "crew") == [
        ("", "—"),
        ("U1/抢修一班", "城区供电所 · 抢修一班"),
        ("U1/抢修二班", "城区供电所 · 抢修二班"),
        ("U2/乡镇抢修班", "乡镇供电所 · 乡镇抢修班"),
    ]
    assert '<optgroup label="城区供电所（U1）">' in page and '<optgroup label="乡镇供电所（U2）">' in page
    assert "配电运维班" not in page and "邻市抢修班" not in page  # deactivated; another company's
    assert '<label for="id_dispatch_crew">抢修班组:</label>' in page


def test_a_crew_picked_on_the_page_is_dispatched_to_with_its_unit(crews: City, fault: WorkOrder) -> None:
    _accepted(fault, crews)
    client = signed_in(crews.agent)
    answer = client.post(f"/workorders/{fault.number}/act/dispatch/", {"crew": "U2/乡镇抢修班", "note": "就近派单"})
    assert answer.status_code == 302
    assert [str(m) for m in client.get(answer["Location"]).context["messages"]] == ["已办理。"]
    fault.refresh_from_db()
    assert (fault.status, fault.supply_unit.code if fault.supply_unit else None, fault.crew) == (
        Status.DISPATCHED,
        "U2",
        "乡镇抢修班",
    )
    event = fault.events.filter(type=OrderEvent.Type.TRANSITION).latest("id")
    assert (event.parameters["crew"], event.parameters["note"]) == ("乡镇抢修班", "就近派单")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"crew": "U1/抢修三班"}, "班组不存在或已停用，请从列表中选择。"),
        ({"crew": "U1/配电运维班"}, "班组不存在或已停用，请从列表中选择。"),  # deactivated
        ({"crew": "X1/邻市抢修班"}, "班组不存在或已停用，请从列表中选择。"),  # not the company's
        ({"crew": "抢修一班"}, "班组不存在或已停用，请从列表中选择。"),  # a name typed, not picked
        ({"unit": "U1", "crew": "U2/乡镇抢修班"}, "所选班组不属于派往的供电单位，请选择该单位的班组。"),
        # The hall's unit (U2) has no 抢修一班: the service's refusal, beside the field too.
        ({"hall": "H2", "crew": "U1/抢修一班"}, "“抢修一班”不是乡镇供电所在用的抢修班组，请从班组列表中选择。"),
    ],
)
def test_a_crew_that_is_not_the_target_units_is_refused_on_the_page_and_nothing_is_written(
    crews: City, fault: WorkOrder, body: dict[str, str], message: str
) -> None:
    _accepted(fault, crews)
    before = _state()
    answer = signed_in(crews.agent).post(f"/workorders/{fault.number}/act/dispatch/", {**body, "note": "派单"})
    assert answer.status_code == 200
    html = answer.content.decode()
    assert '<div class="field has-error"><label for="id_dispatch_crew">' in html
    assert f'<span class="error">{message}</span>' in html
    assert 'name="note" value="派单"' in html
    assert _state() == before


def test_the_service_refuses_a_crew_that_is_not_an_active_crew_of_the_target_unit(
    crews: City, fault: WorkOrder
) -> None:
    order = _accepted(fault, crews)
    scope = scope_for(crews.agent)
    before = _state()
    for target, unit in (
        (services.DispatchTarget(unit="U1", crew="配电运维班"), "城区供电所"),
        (services.DispatchTarget(unit="U1", crew="乡镇抢修班"), "城区供电所"),
        (services.DispatchTarget(unit="U2", crew="抢修一班"), "乡镇供电所"),
        (services.DispatchTarget(crew="不存在的班组"), "城区供电所"),  # the order's own unit
    ):
        with pytest.raises(UnknownCrew) as refused:
            services.workorder_transition(
                scope=scope, actor=crews.agent, order=order, to=Status.DISPATCHED, target=target
            )
        said = f"“{target.crew}”不是{unit}在用的抢修班组，请从班组列表中选择。"
        assert (str(refused.value.message), refused.value.errors, refused.value.status_code) == (
            said,
            {"crew": said},
            422,
        )
    assert _state() == before
    done = services.workorder_transition(
        scope=scope, actor=crews.agent, order=order, to=Status.DISPATCHED, target=services.DispatchTarget(unit="U1")
    )
    assert (done.status, done.crew) == (Status.DISPATCHED, "")  # no crew named: allowed


def test_the_api_refuses_an_unknown_crew_with_422_and_takes_an_active_one(crews: City, fault: WorkOrder) -> None:
    _accepted(fault, crews)
    client = api_client(crews.agent)
    url = f"/api/v1/workorders/{fault.number}/dispatch"
    before = _state()
    for crew in ("城区抢修三班", "配电运维班", "字" * 10_000):
        answer = post_json(client, url, {"unit": "U1", "crew": crew})
        assert answer.status_code == 422, answer.content
        said = f"“{crew[:50]}”不是城区供电所在用的抢修班组，请从班组列表中选择。"
        assert json.loads(answer.content) == {"detail": said, "errors": {"crew": said}}
    answer = post_json(client, url, {"unit": "U1", "crew": "抢修\x00一班"})  # refused at the edge
    assert json.loads(answer.content) == {"detail": "提交的数据有误。", "errors": {"crew": "不能包含空字符（NUL）。"}}
    assert _state() == before
    answer = post_json(client, url, {"unit": "U1", "crew": " 抢修一班 "})
    assert answer.status_code == 200
    fault.refresh_from_db()
    assert (fault.status, fault.crew) == (Status.DISPATCHED, "抢修一班")


def test_an_order_dispatched_to_a_crew_keeps_its_name_when_the_crew_is_renamed(
    crews: City, fault: WorkOrder, clock: Clock
) -> None:
    order = _accepted(fault, crews)
    target = services.DispatchTarget(unit="U1", crew="抢修一班")
    services.workorder_transition(
        scope=scope_for(crews.agent), actor=crews.agent, order=order, to=Status.DISPATCHED, target=target
    )
    crew = Crew.objects.get(unit=crews.unit, name="抢修一班")
    crew_rename(scope=scope_for(crews.admin), actor=crews.admin, crew_id=crew.pk, name="城区抢修一班")
    fault.refresh_from_db()
    assert fault.crew == "抢修一班"
