from __future__ import annotations

import pytest

from gridcare.core.testing import City, api_client
from gridcare.halls.models import CounterSetup, Ticket, TicketEvent
from gridcare.halls.tests.conftest import post
from gridcare.halls.tests.helpers import issue


def _snapshot() -> tuple[list[tuple[int, str, int | None]], int, list[tuple[int, str]]]:
    tickets = list(Ticket.objects.order_by("id").values_list("id", "status", "counter_id"))
    setups = list(CounterSetup.objects.order_by("counter_id").values_list("counter_id", "status"))
    return tickets, TicketEvent.objects.count(), setups


@pytest.mark.django_db
def test_a_paused_counter_cannot_call_and_nothing_changes(hall_town: City) -> None:
    issue(hall_town, "payment")
    counter = hall_town.counters[1]
    client = api_client(hall_town.clerk)
    assert post(client, f"/api/v1/counters/{counter.pk}/pause").json()["status"] == "paused"
    before = _snapshot()
    response = post(client, f"/api/v1/counters/{counter.pk}/call-next")
    assert response.status_code == 409
    assert response.json()["detail"] == "窗口当前为“暂停”，不能叫号。"
    assert _snapshot() == before
    assert post(client, f"/api/v1/counters/{counter.pk}/resume").json()["status"] == "open"
    assert post(client, f"/api/v1/counters/{counter.pk}/call-next").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "waiting", "detail"),
    [
        pytest.param("pause", 0, "窗口当前为“暂停”，不能改为“暂停”。", id="pausing_a_paused_counter"),
        pytest.param("call-next", 2, "请先办结或过号当前的A001号。", id="calling_with_a_called_ticket"),
    ],
)
def test_doing_the_same_counter_action_twice_is_refused_and_nothing_changes(
    hall_town: City, action: str, waiting: int, detail: str
) -> None:
    for _ in range(waiting):
        issue(hall_town, "payment")
    counter = hall_town.counters[1]
    client = api_client(hall_town.clerk)
    post(client, f"/api/v1/counters/{counter.pk}/{action}")
    before = _snapshot()
    response = post(client, f"/api/v1/counters/{counter.pk}/{action}")
    assert response.status_code == 409
    assert response.json()["detail"] == detail
    assert _snapshot() == before


@pytest.mark.django_db
def test_a_counter_of_another_hall_is_not_found_and_nothing_changes(hall_town: City) -> None:
    issue(hall_town, "payment", hall="H2")
    other_counter = hall_town.other_hall.counters.get()
    before = _snapshot()
    response = post(api_client(hall_town.clerk), f"/api/v1/counters/{other_counter.pk}/call-next")
    assert response.status_code == 404
    assert _snapshot() == before


@pytest.mark.django_db
def test_a_counter_never_set_up_cannot_call(hall_town: City) -> None:
    CounterSetup.objects.filter(counter=hall_town.counters[2]).delete()
    issue(hall_town, "payment")
    before = _snapshot()
    response = post(api_client(hall_town.clerk), f"/api/v1/counters/{hall_town.counters[2].pk}/call-next")
    assert response.status_code == 409
    assert response.json()["detail"] == "该窗口尚未设置办理业务。"
    assert _snapshot() == before
