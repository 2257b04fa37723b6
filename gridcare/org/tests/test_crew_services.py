"""The repair crews (抢修班组) are data: created, renamed, deactivated and reactivated through
org.services, each with its history row; a duplicate name in the unit, a unit or crew outside the
caller's scope, and a post without CREW_EDIT are refused and change nothing."""

from __future__ import annotations

from typing import Any

import pytest

from gridcare.core.exceptions import Conflict, Forbidden, InvalidInput, NotFound
from gridcare.core.history import sentence_of
from gridcare.core.testing import City
from gridcare.org.access import Capability, holders, scope_for
from gridcare.org.models import Crew, CrewEvent, Role
from gridcare.org.selectors import crew_choices, crew_named
from gridcare.org.services import crew_create, crew_deactivate, crew_reactivate, crew_rename


def _state() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    return list(Crew.objects.order_by("pk").values()), list(CrewEvent.objects.order_by("pk").values())


def _events(crew: Crew) -> list[tuple[str, dict[str, Any]]]:
    return [(e.type, e.parameters) for e in crew.events.order_by("id")]


def test_the_administrator_creates_renames_deactivates_and_reactivates_a_crew_with_its_history(town: City) -> None:
    scope = scope_for(town.admin)
    crew = crew_create(scope=scope, actor=town.admin, unit="U1", name=" 抢修一班 ", leader="陈建国")
    assert (crew.unit.code, crew.name, crew.leader, crew.active) == ("U1", "抢修一班", "陈建国", True)
    crew = crew_rename(scope=scope, actor=town.admin, crew_id=crew.pk, name="城区抢修一班")
    crew = crew_rename(scope=scope, actor=town.admin, crew_id=crew.pk, name="城区抢修一班", leader="林志强")
    crew = crew_deactivate(scope=scope, actor=town.admin, crew_id=crew.pk)
    assert crew.active is False and crew_named(town.unit, "城区抢修一班") is None
    crew = crew_reactivate(scope=scope, actor=town.admin, crew_id=crew.pk)
    assert crew.active is True and crew_named(town.unit, "城区抢修一班") == crew
    assert _events(crew) == [
        ("created", {"unit": "U1", "name": "抢修一班", "leader": "陈建国"}),
        ("renamed", {"name": "城区抢修一班", "old_name": "抢修一班", "new_name": "城区抢修一班"}),
        ("renamed", {"name": "城区抢修一班", "leader": "林志强"}),
        ("deactivated", {"name": "城区抢修一班"}),
        ("reactivated", {"name": "城区抢修一班"}),
    ]
    assert {e.actor for e in crew.events.all()} == {town.admin}
    assert [sentence_of(e) for e in crew.events.order_by("id")] == [
        "admin 为城区供电所新建班组 抢修一班，班组长 陈建国",
        "admin 将班组 抢修一班 更名为 城区抢修一班",
        "admin 将班组 城区抢修一班 的班组长改为 林志强",
        "admin 停用班组 城区抢修一班，派单时不再可选",
        "admin 恢复班组 城区抢修一班",
    ]


def test_a_unit_supervisor_keeps_the_crews_of_their_own_unit(town: City) -> None:
    assert holders(Capability.CREW_EDIT) == {Role.SUPERVISOR, Role.ADMINISTRATOR}
    crew = crew_create(scope=scope_for(town.supervisor), actor=town.supervisor, unit="U1", name="抢修二班")
    assert crew.unit == town.unit and _events(crew)[0][0] == "created"


def test_a_name_already_used_in_the_unit_is_refused_and_nothing_changes(town: City) -> None:
    scope = scope_for(town.admin)
    first = crew_create(scope=scope, actor=town.admin, unit="U1", name="抢修一班")
    second = crew_create(scope=scope, actor=town.admin, unit="U1", name="抢修二班")
    crew_deactivate(scope=scope, actor=town.admin, crew_id=second.pk)
    before = _state()
    with pytest.raises(InvalidInput) as taken:
        crew_create(scope=scope, actor=town.admin, unit="U1", name="抢修一班")
    assert taken.value.errors == {"name": "城区供电所已有名为“抢修一班”的班组。"}
    with pytest.raises(InvalidInput) as resting:
        crew_rename(scope=scope, actor=town.admin, crew_id=first.pk, name="抢修二班")
    assert resting.value.errors == {"name": "城区供电所已有名为“抢修二班”的班组（已停用），可将其恢复。"}
    with pytest.raises(InvalidInput) as same:
        crew_rename(scope=scope, actor=town.admin, crew_id=first.pk, name="抢修一班", leader="")
    assert same.value.errors == {"name": "名称和班组长都没有改变。"}
    with pytest.raises(Conflict, match="已停用"):
        crew_deactivate(scope=scope, actor=town.admin, crew_id=second.pk)
    assert _state() == before
    # The same name in another unit is another crew.
    assert crew_create(scope=scope, actor=town.admin, unit="U2", name="抢修一班").unit == town.other_unit


@pytest.mark.parametrize(
    ("name", "leader", "errors"),
    [
        ("", "", {"name": "请填写班组名称。"}),
        ("   ", "", {"name": "请填写班组名称。"}),
        ("班" * 51, "", {"name": "班组名称须为不超过 50 个字的文字。"}),
        ("抢修\x00班", "", {"name": "班组名称须为不超过 50 个字的文字。"}),
        ("抢修一班", "王" * 51, {"leader": "班组长姓名须为不超过 50 个字的文字。"}),
    ],
)
def test_a_bad_name_or_leader_is_refused_on_its_field(town: City, name: str, leader: str, errors: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        crew_create(scope=scope_for(town.admin), actor=town.admin, unit="U1", name=name, leader=leader)
    assert refused.value.errors == errors
    assert _state() == ([], [])


def test_another_units_crews_are_out_of_a_unit_supervisors_reach_and_nothing_changes(town: City) -> None:
    theirs = crew_create(scope=scope_for(town.admin), actor=town.admin, unit="U2", name="乡镇抢修班")
    supervisor = scope_for(town.supervisor)  # of U1
    before = _state()
    with pytest.raises(InvalidInput) as elsewhere:
        crew_create(scope=supervisor, actor=town.supervisor, unit="U2", name="抢修三班")
    assert elsewhere.value.errors == {"unit": "供电单位不存在。"}
    for change in (
        lambda: crew_rename(scope=supervisor, actor=town.supervisor, crew_id=theirs.pk, name="改名"),
        lambda: crew_deactivate(scope=supervisor, actor=town.supervisor, crew_id=theirs.pk),
        lambda: crew_reactivate(scope=supervisor, actor=town.supervisor, crew_id=theirs.pk),
    ):
        with pytest.raises(NotFound):  # as if it did not exist
            change()
    with pytest.raises(InvalidInput):
        crew_create(scope=supervisor, actor=town.supervisor, unit="X1", name="邻市抢修班")
    assert _state() == before
    assert crew_choices(supervisor) == []  # U1 has no crew; U2's is not offered


@pytest.mark.parametrize("persona", ["clerk", "guide", "manager", "agent", "kam", "community", "planner"])
def test_posts_without_the_capability_are_refused_and_nothing_changes(town: City, persona: str) -> None:
    crew = crew_create(scope=scope_for(town.admin), actor=town.admin, unit="U1", name="抢修一班")
    user = town.users[persona]
    scope = scope_for(user)
    before = _state()
    for change in (
        lambda: crew_create(scope=scope, actor=user, unit="U1", name="抢修二班"),
        lambda: crew_rename(scope=scope, actor=user, crew_id=crew.pk, name="改名"),
        lambda: crew_deactivate(scope=scope, actor=user, crew_id=crew.pk),
    ):
        with pytest.raises(Forbidden):
            change()
    assert _state() == before


def test_the_choices_are_the_active_crews_grouped_by_unit_and_named_with_their_unit(town: City) -> None:
    scope = scope_for(town.admin)
    crew_create(scope=scope, actor=town.admin, unit="U2", name="乡镇抢修班")
    crew_create(scope=scope, actor=town.admin, unit="U1", name="抢修二班")
    crew_create(scope=scope, actor=town.admin, unit="U1", name="抢修一班")
    resting = crew_create(scope=scope, actor=town.admin, unit="U1", name="配电运维班")
    crew_deactivate(scope=scope, actor=town.admin, crew_id=resting.pk)
    assert crew_choices(scope) == [
        ("城区供电所（U1）", [("U1/抢修一班", "城区供电所 · 抢修一班"), ("U1/抢修二班", "城区供电所 · 抢修二班")]),
        ("乡镇供电所（U2）", [("U2/乡镇抢修班", "乡镇供电所 · 乡镇抢修班")]),
    ]
    assert crew_choices(scope, unit="U2") == [("乡镇供电所（U2）", [("U2/乡镇抢修班", "乡镇供电所 · 乡镇抢修班")])]
    assert crew_named(town.unit.pk, "抢修一班") is not None
    assert crew_named(town.other_unit, "抢修一班") is None
