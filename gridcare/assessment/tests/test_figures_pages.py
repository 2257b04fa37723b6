"""The assessment figures page, its export and drill-down, per post (issue 14): supervisors
their unit, hall managers their hall, administrators and planners the company, everyone else
their own figures only; a wrong period is refused on its field and the page still answers."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from gridcare.assessment.selectors import figure_rows
from gridcare.assessment.services.rollup import rollup_day
from gridcare.assessment.tests.conftest import Made
from gridcare.core.testing import City, signed_in
from gridcare.org.access import scope_for
from gridcare.org.models import Staff


@pytest.fixture
def rolled(town: City, tickets: Made) -> Made:
    day = tickets.first
    while day <= tickets.last:
        rollup_day(day)
        day += timedelta(days=1)
    return tickets


def _query(made: Made) -> str:
    return f"start={made.first:%Y-%m-%d}&end={made.last:%Y-%m-%d}"


def _names(response: object) -> list[str]:
    return [r.name for r in response.context["page"]]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("admin", ["城区营业厅", "乡镇营业厅"]),
        ("planner", ["城区营业厅", "乡镇营业厅"]),
        ("supervisor", ["城区营业厅"]),
        ("manager", ["城区营业厅"]),
        ("other_manager", ["乡镇营业厅"]),
    ],
)
def test_the_halls_each_post_sees(town: City, rolled: Made, persona: str, expected: list[str]) -> None:
    response = signed_in(getattr(town, persona)).get(f"/assessment/?level=hall&{_query(rolled)}")
    assert response.status_code == 200
    assert set(_names(response)) == {town.hall.name if n == "城区营业厅" else town.other_hall.name for n in expected}


@pytest.mark.parametrize("persona", ["clerk", "agent", "guide", "kam", "community"])
def test_a_post_without_the_capability_sees_only_its_own_row(town: City, rolled: Made, persona: str) -> None:
    user = getattr(town, persona)
    response = signed_in(user).get(f"/assessment/?level=hall&{_query(rolled)}")
    assert response.status_code == 200
    staff = Staff.objects.get(user=user)
    rows = list(response.context["page"])
    assert [r.key for r in rows] == ([staff.pk] if persona == "clerk" else [])
    assert all(r.level == "person" for r in rows)
    assert "统计对象" not in response.content.decode()


def test_the_clerks_own_row_equals_the_administrators_view_of_it(town: City, rolled: Made) -> None:
    staff = Staff.objects.get(user=town.clerk)
    mine = signed_in(town.clerk).get(f"/assessment/?{_query(rolled)}").context["page"]
    mine = list(mine)[0]
    everyone = figure_rows(scope=scope_for(town.admin), start=rolled.first, end=rolled.last, level="person")
    assert mine.figures == next(r.figures for r in everyone if r.key == staff.pk)


def test_drilling_down_lists_the_tickets_behind_the_figure_and_refuses_another_persons(
    town: City, rolled: Made
) -> None:
    staff = Staff.objects.get(user=town.clerk)
    client = signed_in(town.clerk)
    page = client.get(f"/assessment/person/{staff.pk}/?{_query(rolled)}")
    assert page.status_code == 200
    row = page.context["row"]
    assert page.context["page"].total == row.figures.tickets
    other = Staff.objects.get(user=town.manager)
    assert client.get(f"/assessment/person/{other.pk}/?{_query(rolled)}").status_code == 404
    assert client.get(f"/assessment/hall/{town.hall.pk}/?{_query(rolled)}").status_code == 404
    assert signed_in(town.manager).get(f"/assessment/hall/{town.other_hall.pk}/?{_query(rolled)}").status_code == 404
    assert signed_in(town.manager).get(f"/assessment/hall/{town.hall.pk}/?{_query(rolled)}").status_code == 200


def test_a_wrong_period_is_refused_on_its_field_and_the_page_still_answers(town: City, rolled: Made) -> None:
    client = signed_in(town.admin)
    for query, field, message in (
        ("month=2026-13", "month", "月份格式应为 2026-11。"),
        ("start=2026-11-05&end=2026-11-01", "end", "结束日期不能早于开始日期。"),
        ("start=2025-01-01&end=2026-11-01", "end", "统计期间最长 366 天。"),
        ("start=2026-11-01", "end", "请同时填写开始和结束日期。"),
        ("start=notadate&end=2026-11-01", "start", "开始日期格式应为 2026-11-01。"),
    ):
        response = client.get(f"/assessment/?{query}")
        assert response.status_code == 200
        assert response.context["errors"] == {field: message}
        assert message in response.content.decode()


def test_the_export_holds_the_rows_of_the_page_in_its_order(town: City, rolled: Made) -> None:
    client = signed_in(town.admin)
    query = f"level=hall&sort=-served&{_query(rolled)}"
    page = client.get(f"/assessment/?{query}")
    workbook = load_workbook(
        io.BytesIO(b"".join(client.get(f"/assessment/export/?{query}&format=xlsx").streaming_content))
    )
    sheet = workbook.active
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0][:3] == ("名称", "取号数", "办结数")
    assert [(line[0], line[2]) for line in lines[1:]] == [(r.name, r.figures.served) for r in page.context["page"]]
    served = [r.figures.served for r in page.context["page"]]
    assert served == sorted(served, reverse=True)
