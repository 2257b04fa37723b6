from __future__ import annotations

import pytest

from gridcare.core.testing import City, api_client
from gridcare.halls.models import Ticket, TicketEvent
from gridcare.halls.tests.conftest import post
from gridcare.halls.tests.helpers import issue


def _called(town: City, kind: str = "payment", counter: int = 1) -> Ticket:
    ticket = issue(town, kind)
    response = post(api_client(town.clerk), f"/api/v1/counters/{town.counters[counter].pk}/call-next")
    assert response.json()["ticket"]["id"] == ticket.pk
    ticket.refresh_from_db()
    return ticket


def _state(ticket: Ticket) -> tuple[str, int | None, int, str, int, int | None]:
    ticket.refresh_from_db()
    return (
        ticket.status,
        ticket.counter_id,
        ticket.recalls,
        ticket.business_type.kind,
        ticket.events.count(),
        ticket.target_counter_id,
    )


@pytest.mark.django_db
def test_finish_ends_a_called_ticket_with_its_outcome(hall_town: City) -> None:
    ticket = _called(hall_town)
    response = post(api_client(hall_town.clerk), f"/api/v1/tickets/{ticket.pk}/finish", {"outcome": "已缴费128.50元"})
    assert response.status_code == 200
    assert response.json()["status"] == "finished"
    ticket.refresh_from_db()
    assert (ticket.status, ticket.outcome) == ("finished", "已缴费128.50元")
    assert ticket.finished_at is not None
    assert list(ticket.events.order_by("id").values_list("type", flat=True)) == ["issued", "called", "finished"]


@pytest.mark.django_db
def test_finishing_a_ticket_never_called_is_refused_and_nothing_changes(hall_town: City) -> None:
    ticket = issue(hall_town, "payment")
    before = _state(ticket)
    response = post(api_client(hall_town.clerk), f"/api/v1/tickets/{ticket.pk}/finish")
    assert response.status_code == 409
    assert response.json()["detail"] == "只能办结已叫到的号，该号当前为“等候中”。"
    assert _state(ticket) == before


@pytest.mark.django_db
def test_recall_counts_up_to_the_limit_then_asks_for_no_show(hall_town: City) -> None:
    ticket = _called(hall_town)
    client = api_client(hall_town.clerk)
    assert post(client, f"/api/v1/tickets/{ticket.pk}/recall").status_code == 200
    assert post(client, f"/api/v1/tickets/{ticket.pk}/recall").status_code == 200
    before = _state(ticket)
    response = post(client, f"/api/v1/tickets/{ticket.pk}/recall")
    assert response.status_code == 409
    assert response.json()["detail"] == "已重呼2次，请按过号处理。"
    assert _state(ticket) == before
    assert before[2] == 2
    assert ticket.events.filter(type=TicketEvent.Type.RECALLED).count() == 2


@pytest.mark.django_db
def test_no_show_ends_a_called_ticket_and_frees_the_counter(hall_town: City) -> None:
    ticket = _called(hall_town)
    issue(hall_town, "payment")
    client = api_client(hall_town.clerk)
    assert post(client, f"/api/v1/tickets/{ticket.pk}/no-show").json()["status"] == "no_show"
    response = post(client, f"/api/v1/counters/{hall_town.counters[1].pk}/call-next")
    assert response.json()["ticket"]["number"] == "A002"


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["recall", "no-show", "finish"])
def test_no_action_applies_to_a_ticket_already_finished(hall_town: City, action: str) -> None:
    ticket = _called(hall_town)
    client = api_client(hall_town.clerk)
    post(client, f"/api/v1/tickets/{ticket.pk}/finish")
    before = _state(ticket)
    response = post(client, f"/api/v1/tickets/{ticket.pk}/{action}")
    assert response.status_code == 409
    assert _state(ticket) == before


@pytest.mark.django_db
def test_transfer_to_another_type_keeps_the_number_and_waits_for_that_types_counters(hall_town: City) -> None:
    ticket = _called(hall_town, "payment", counter=1)
    client = api_client(hall_town.clerk)
    response = post(client, f"/api/v1/tickets/{ticket.pk}/transfer", {"business_type": "new_connection"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["number"], response.json()["business_type"]) == (
        "waiting",
        "A001",
        "new_connection",
    )
    # Counter 2 does not serve new connections; counter 1 does.
    assert post(client, f"/api/v1/counters/{hall_town.counters[1].pk}/call-next").status_code == 204
    # The clerk is signed in at counter 2; the hall manager works counter 1.
    called = post(api_client(hall_town.manager), f"/api/v1/counters/{hall_town.counters[0].pk}/call-next").json()
    assert called["ticket"]["number"] == "A001"
    ticket.refresh_from_db()
    assert ticket.events.get(type="transferred").parameters == {"business_type": "new_connection"}


@pytest.mark.django_db
def test_transfer_to_a_counter_is_called_by_that_counter_only(hall_town: City) -> None:
    ticket = _called(hall_town, "payment", counter=1)
    client = api_client(hall_town.clerk)
    target = hall_town.counters[0]
    post(client, f"/api/v1/tickets/{ticket.pk}/transfer", {"counter_id": target.pk})
    manager = api_client(hall_town.manager)  # the clerk is signed in at counter 2; the manager works the others
    assert post(manager, f"/api/v1/counters/{hall_town.counters[2].pk}/call-next").status_code == 204
    assert post(manager, f"/api/v1/counters/{target.pk}/call-next").json()["ticket"]["number"] == "A001"


@pytest.mark.django_db
def test_transfer_to_a_counter_of_another_hall_is_not_found_and_nothing_changes(hall_town: City) -> None:
    ticket = _called(hall_town)
    before = _state(ticket)
    other = hall_town.other_hall.counters.get()
    response = post(api_client(hall_town.clerk), f"/api/v1/tickets/{ticket.pk}/transfer", {"counter_id": other.pk})
    assert response.status_code == 404
    assert _state(ticket) == before


@pytest.mark.django_db
def test_transfer_needs_exactly_one_target(hall_town: City) -> None:
    ticket = _called(hall_town)
    before = _state(ticket)
    client = api_client(hall_town.clerk)
    both = {"business_type": "invoice", "counter_id": hall_town.counters[0].pk}
    assert post(client, f"/api/v1/tickets/{ticket.pk}/transfer", both).status_code == 422
    assert post(client, f"/api/v1/tickets/{ticket.pk}/transfer", {}).status_code == 422
    assert _state(ticket) == before


@pytest.mark.django_db
def test_transferring_a_waiting_ticket_is_refused(hall_town: City) -> None:
    ticket = issue(hall_town, "payment")
    before = _state(ticket)
    response = post(api_client(hall_town.clerk), f"/api/v1/tickets/{ticket.pk}/transfer", {"business_type": "invoice"})
    assert response.status_code == 409
    assert _state(ticket) == before


@pytest.mark.django_db
def test_finish_needs_no_body_and_a_malformed_one_is_refused(hall_town: City) -> None:
    ticket = _called(hall_town)
    client = api_client(hall_town.clerk)
    before = _state(ticket)
    response = client.post(f"/api/v1/tickets/{ticket.pk}/finish", data="[1", content_type="application/json")
    assert response.status_code == 422
    assert _state(ticket) == before
    response = client.post(f"/api/v1/tickets/{ticket.pk}/finish")
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert (ticket.status, ticket.outcome) == ("finished", "")
