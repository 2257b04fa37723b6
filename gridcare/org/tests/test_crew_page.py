"""抢修班组 (/crews/): the posts with CREW_EDIT keep the crews of their units there; a refused form
is shown again as typed with its message beside the field (convention 6); every other post is
refused with 403 and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest

from gridcare.core.testing import City, signed_in
from gridcare.core.tests.test_pick_dont_type import options
from gridcare.org.access import Capability, can, scope_for
from gridcare.org.models import Crew, CrewEvent
from gridcare.org.services import crew_create


def _state() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    return list(Crew.objects.order_by("pk").values()), list(CrewEvent.objects.order_by("pk").values())


def test_a_crew_is_created_renamed_and_deactivated_on_the_page_with_confirmations(town: City) -> None:
    client = signed_in(town.admin)
    page = client.get("/crews/").content.decode()
    assert options(page, "unit") == [("U1", "城区供电所（U1）"), ("U2", "乡镇供电所（U2）"), ("X1", "邻市供电所（X1）")]
    done = client.post("/crews/", {"unit": "U1", "name": "抢修一班", "leader": "陈建国"}, follow=True)
    assert "已新建班组：城区供电所 · 抢修一班。" in done.content.decode()
    crew = Crew.objects.get()
    done = client.post(f"/crews/{crew.pk}/", {"name": "城区抢修一班", "leader": "陈建国"}, follow=True)
    assert "已修改班组：城区供电所 · 城区抢修一班。" in done.content.decode()
    done = client.post(f"/crews/{crew.pk}/deactivate/", follow=True)
    html = done.content.decode()
    assert "已停用班组：城区供电所 · 城区抢修一班，派单时不再可选。" in html
    assert f'action="/crews/{crew.pk}/reactivate/?page=1"' in html and "已停用" in html
    assert "admin 停用班组 城区抢修一班，派单时不再可选" in html  # the history, as sentences
    crew.refresh_from_db()
    assert (crew.name, crew.leader, crew.active) == ("城区抢修一班", "陈建国", False)
    assert list(crew.events.order_by("id").values_list("type", flat=True)) == ["created", "renamed", "deactivated"]


def test_a_refused_new_crew_keeps_what_was_typed_and_marks_the_field(town: City) -> None:
    crew_create(scope=scope_for(town.admin), actor=town.admin, unit="U1", name="抢修一班")
    client = signed_in(town.admin)
    before = _state()
    answer = client.post("/crews/", {"unit": "U1", "name": "抢修一班", "leader": "林志强"})
    assert answer.status_code == 200
    html = answer.content.decode()
    assert '<div class="field has-error"><label for="id_name">' in html
    assert "城区供电所已有名为“抢修一班”的班组。" in html
    assert 'name="leader" value="林志强"' in html and '<option value="U1" selected>' in html
    answer = client.post("/crews/", {"unit": "X9", "name": "新班组"})
    assert answer.status_code == 200
    assert answer.context["form"].errors == {"unit": ["供电单位不存在。"]}
    assert _state() == before


def test_each_rows_form_has_its_own_ids_and_a_refused_rename_stays_on_its_row(town: City) -> None:
    scope = scope_for(town.admin)
    first = crew_create(scope=scope, actor=town.admin, unit="U1", name="抢修一班")
    second = crew_create(scope=scope, actor=town.admin, unit="U1", name="抢修二班")
    client = signed_in(town.admin)
    before = _state()
    answer = client.post(f"/crews/{second.pk}/", {"name": "抢修一班", "leader": "何晓东"})
    assert answer.status_code == 200
    html = answer.content.decode()
    assert f'<div class="field has-error"><label for="id_crew{second.pk}_name">' in html
    assert f'name="leader" value="何晓东" maxlength="50" id="id_crew{second.pk}_leader"' in html
    assert f'name="name" value="抢修一班" maxlength="50" id="id_crew{first.pk}_name"' in html
    assert f'<div class="field has-error"><label for="id_crew{first.pk}' not in html
    assert _state() == before


def test_a_supervisor_sees_and_keeps_only_their_units_crews(town: City) -> None:
    scope = scope_for(town.admin)
    theirs = crew_create(scope=scope, actor=town.admin, unit="U2", name="乡镇抢修班")
    crew_create(scope=scope, actor=town.admin, unit="U1", name="抢修一班")
    client = signed_in(town.supervisor)
    page = client.get("/crews/")
    assert [c.name for c, _form in page.context["rows"]] == ["抢修一班"]
    assert options(page.content.decode(), "unit") == [("U1", "城区供电所（U1）")]
    before = _state()
    assert client.post(f"/crews/{theirs.pk}/", {"name": "改名"}).status_code == 404
    assert client.post(f"/crews/{theirs.pk}/deactivate/").status_code == 404
    assert _state() == before


@pytest.mark.parametrize("persona", ["clerk", "guide", "manager", "other_manager", "agent", "kam", "community"])
def test_posts_without_the_capability_get_403_and_nothing_is_written(town: City, persona: str) -> None:
    user = town.users[persona]
    assert not can(scope_for(user), Capability.CREW_EDIT)
    crew = crew_create(scope=scope_for(town.admin), actor=town.admin, unit="U1", name="抢修一班")
    client = signed_in(user)
    before = _state()
    assert client.get("/crews/").status_code == 403
    assert client.post("/crews/", {"unit": "U1", "name": "抢修二班"}).status_code == 403
    assert client.post(f"/crews/{crew.pk}/", {"name": "改名"}).status_code == 403
    assert client.post(f"/crews/{crew.pk}/deactivate/").status_code == 403
    assert _state() == before
    assert "/crews/" not in client.get("/").content.decode()


def test_the_home_page_offers_the_crew_page_to_those_who_keep_it(town: City) -> None:
    assert 'href="/crews/"' in signed_in(town.supervisor).get("/").content.decode()
    assert signed_in(town.outsider).get("/crews/").status_code == 404
