"""Security review item 13: the hall figures (page and Excel) and the live floor view are for the
posts the README names: the hall manager, the unit's supervisors and administrators. Counter
clerks and guides (they keep their own pages) and everyone else are refused."""

from __future__ import annotations

import pytest

from gridcare.core.testing import City, signed_in
from gridcare.halls.tests.helpers import device_browser, paired

URLS = (
    "/halls/H1/figures/",
    "/halls/H1/figures/?month=2026-11",
    "/halls/H1/figures.xlsx?day=2026-11-23",
    "/halls/H1/floor/",
)
ANSWER = {
    "manager": 200,
    "supervisor": 200,
    "admin": 200,
    "clerk": 403,
    "guide": 403,
    "kam": 403,
    "community": 403,
    "planner": 403,
    "other_manager": 404,
    "other_supervisor": 404,
    "agent": 404,
    "outsider": 404,
}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(ANSWER))
def test_figures_and_floor_view_answer_each_post_as_the_readme_says(hall_town: City, persona: str) -> None:
    client = signed_in(hall_town.users[persona])
    for url in URLS:
        assert client.get(url).status_code == ANSWER[persona], url
    assert (client.get("/halls/H1/floor/", HTTP_HX_REQUEST="true").status_code) == ANSWER[persona]


@pytest.mark.django_db
def test_the_guide_keeps_the_guide_page(hall_town: City) -> None:
    assert signed_in(hall_town.guide).get("/halls/H1/guide/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["kiosk", "board", "pad"])
def test_no_device_opens_the_figures(hall_town: City, kind: str) -> None:
    counter = hall_town.counters[0] if kind == "pad" else None
    browser = device_browser(paired(hall_town, kind, counter=counter)[1])
    for url in URLS:
        assert browser.get(url).status_code == 302, url
