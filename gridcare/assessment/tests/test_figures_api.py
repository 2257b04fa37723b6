"""/api/v1/assessment/figures: the page's figures and access rules as JSON."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gridcare.assessment.selectors import figure_rows
from gridcare.assessment.services.rollup import rollup_day
from gridcare.assessment.tests.conftest import Made
from gridcare.core.testing import City, api_client
from gridcare.org.access import scope_for
from gridcare.org.models import Staff


@pytest.fixture
def rolled(town: City, tickets: Made) -> Made:
    day = tickets.first
    while day <= tickets.last:
        rollup_day(day)
        day += timedelta(days=1)
    return tickets


def test_the_api_gives_the_halls_figures_with_the_total_in_headers(town: City, rolled: Made) -> None:
    answer = api_client(town.supervisor).get(
        f"/api/v1/assessment/figures?level=hall&start={rolled.first}&end={rolled.last}"
    )
    assert answer.status_code == 200 and answer["X-Total-Count"] == "1"
    (row,) = answer.json()
    expected = figure_rows(scope=scope_for(town.admin), start=rolled.first, end=rolled.last, level="hall")
    ours = next(r for r in expected if r.key == town.hall.pk)
    assert (row["level"], row["key"], row["name"], row["start"], row["end"]) == (
        "hall",
        town.hall.pk,
        town.hall.name,
        f"{rolled.first}",
        f"{rolled.last}",
    )
    assert row["figures"]["served"] == ours.figures.served
    assert row["figures"]["wait_p90"] == ours.figures.wait_p90


def test_a_clerk_gets_only_their_own_row_and_a_404_for_anyone_elses(town: City, rolled: Made) -> None:
    client = api_client(town.clerk)
    me = Staff.objects.get(user=town.clerk)
    rows = client.get(f"/api/v1/assessment/figures?level=unit&start={rolled.first}&end={rolled.last}").json()
    assert [(r["level"], r["key"]) for r in rows] == [("person", me.pk)]
    other = Staff.objects.get(user=town.manager)
    assert (
        client.get(f"/api/v1/assessment/figures/person/{other.pk}?start={rolled.first}&end={rolled.last}").status_code
        == 404
    )
    assert (
        client.get(f"/api/v1/assessment/figures/hall/{town.hall.pk}?start={rolled.first}&end={rolled.last}").status_code
        == 404
    )
    mine = client.get(f"/api/v1/assessment/figures/person/{me.pk}?start={rolled.first}&end={rolled.last}")
    assert mine.status_code == 200 and mine.json()["key"] == me.pk


def test_a_wrong_period_or_level_is_a_422_in_chinese(town: City, rolled: Made) -> None:
    client = api_client(town.admin)
    answer = client.get("/api/v1/assessment/figures?start=2026-11-05&end=2026-11-01")
    assert answer.status_code == 422
    assert answer.json() == {"detail": "统计期间有误。", "errors": {"end": "结束日期不能早于开始日期。"}}
    assert client.get("/api/v1/assessment/figures?level=planet").status_code == 422
