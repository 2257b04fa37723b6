"""Every hall page renders for the people who use it and for nobody outside the hall."""

from __future__ import annotations

import pytest

from gridcare.core.testing import City, signed_in
from gridcare.halls.tests.helpers import issue


def _urls(town: City) -> dict[str, str]:
    counter = town.counters[0].pk
    return {
        "index": "/halls/",
        "kiosk": "/halls/H1/kiosk/",
        "guide": "/halls/H1/guide/",
        "board": "/halls/H1/board/",
        "floor": "/halls/H1/floor/",
        "setup": "/halls/H1/setup/",
        "devices": "/halls/H1/devices/",
        "terminals": "/halls/H1/terminals/",
        "figures": "/halls/H1/figures/",
        "figures_month": "/halls/H1/figures/?month=2026-11",
        "export": "/halls/H1/figures.xlsx?month=2026-11",
        "console": f"/halls/counter/{counter}/",
        "pad": f"/halls/pad/{counter}/",
    }


# persona → pages answering 200; the others answer as listed in REFUSED. The kiosk, board and
# pads are the hall's devices (test_hall_devices.py); of the staff only the hall manager previews
# them. Figures and the floor view: hall manager and the unit's supervisors (README).
ALLOWED = {
    "clerk": {"index", "guide", "terminals", "console"},
    "manager": {
        "index",
        "kiosk",
        "guide",
        "board",
        "floor",
        "setup",
        "devices",
        "terminals",
        "figures",
        "figures_month",
        "export",
        "console",
        "pad",
    },
    "guide": {"index", "guide", "terminals"},
    "supervisor": {"index", "floor", "terminals", "figures", "figures_month", "export"},
    "other_manager": {"index"},
    "agent": set(),  # no hall work: the index is forbidden, every hall not found
}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(ALLOWED))
def test_each_persona_sees_exactly_its_hall_pages(hall_town: City, persona: str) -> None:
    issue(hall_town, "payment")
    client = signed_in(hall_town.users[persona])
    hall_visible = persona not in ("other_manager", "agent")
    for name, url in _urls(hall_town).items():
        status = client.get(url).status_code
        if name in ALLOWED[persona]:
            assert status == 200, (name, status)
        else:
            assert status == (403 if hall_visible or name == "index" else 404), (name, status)


@pytest.mark.django_db
def test_an_outsider_is_sent_to_sign_in_or_sees_nothing(hall_town: City) -> None:
    from django.test import Client

    assert Client().get("/halls/H1/board/").status_code == 302
    assert signed_in(hall_town.outsider).get("/halls/H1/board/").status_code == 404


@pytest.mark.django_db
def test_the_index_lists_only_the_callers_halls(hall_town: City) -> None:
    body = signed_in(hall_town.clerk).get("/halls/").content.decode()
    assert "城区营业厅" in body
    assert "乡镇营业厅" not in body


@pytest.mark.django_db
def test_a_counters_pages_are_found_by_the_number_on_the_desk(hall_town: City) -> None:
    client = signed_in(hall_town.clerk)
    counter = hall_town.counters[2]
    assert client.get("/halls/H1/counter/3/").url == f"/halls/counter/{counter.pk}/"
    assert client.get("/halls/H1/pad/3/").url == f"/halls/pad/{counter.pk}/"
    assert client.get("/halls/H1/counter/9/").status_code == 404
    assert client.get("/halls/H2/counter/1/").status_code == 404
