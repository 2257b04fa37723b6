"""Security review item 13: a counter is operated only by the clerk signed in at it, or by the hall
manager (administrators too). Every counter action, on the API and on the console page, refuses
anyone else with 403 (or the page's message) and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from gridcare.core.testing import City, api_client, signed_in
from gridcare.halls.models import CounterSetup, Ticket, TicketEvent
from gridcare.halls.services import tickets
from gridcare.halls.tests.conftest import post
from gridcare.halls.tests.helpers import device_api, issue, paired
from gridcare.org.access import scope_for

HX = {"HTTP_HX_REQUEST": "true"}


def _snapshot() -> tuple[Any, ...]:
    return (
        list(
            Ticket.objects.order_by("id").values_list(
                "id", "status", "counter_id", "clerk_id", "recalls", "target_counter_id"
            )
        ),
        TicketEvent.objects.count(),
        list(CounterSetup.objects.order_by("counter_id").values_list("counter_id", "status", "clerk_id")),
    )


@pytest.fixture
def seated(hall_town: City, second_clerk: User) -> City:
    """The clerk signed in at counter 2 (opened it) with a called payment ticket A001; clerk2
    signed in at counter 3; a second payment ticket waits."""
    counter = hall_town.counters[1]
    CounterSetup.objects.filter(counter=hall_town.counters[1]).update(status="closed", clerk=None)
    tickets.counter_set_status(scope=scope_for(hall_town.clerk), actor=hall_town.clerk, counter=counter, status="open")
    CounterSetup.objects.filter(counter=hall_town.counters[2]).update(status="closed", clerk=None)
    tickets.counter_set_status(
        scope=scope_for(second_clerk), actor=second_clerk, counter=hall_town.counters[2], status="open"
    )
    issue(hall_town, "payment")
    issue(hall_town, "payment")
    called = tickets.counter_call_next(scope=scope_for(hall_town.clerk), actor=hall_town.clerk, counter=counter)
    assert called is not None and called.number == "A001"
    return hall_town


def _actions(town: City) -> list[tuple[str, dict[str, Any]]]:
    counter = town.counters[1]
    ticket = Ticket.objects.get(number="A001")
    return [
        (f"/api/v1/counters/{counter.pk}/call-next", {}),
        (f"/api/v1/counters/{counter.pk}/pause", {}),
        (f"/api/v1/counters/{counter.pk}/resume", {}),
        (f"/api/v1/counters/{counter.pk}/close", {}),
        (f"/api/v1/tickets/{ticket.pk}/recall", {}),
        (f"/api/v1/tickets/{ticket.pk}/no-show", {}),
        (f"/api/v1/tickets/{ticket.pk}/finish", {"outcome": "x"}),
        (f"/api/v1/tickets/{ticket.pk}/transfer", {"business_type": "invoice"}),
    ]


# Each post on clerk's counter 2 (by API): the answer to every action that is refused.
REFUSED = {
    "clerk2": 403,  # the clerk signed in at counter 3
    "guide": 403,
    "supervisor": 403,
    "kam": 403,
    "other_manager": 404,
    "agent": 404,
    "outsider": 404,
    "foreign_clerk": 404,
}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(REFUSED))
def test_nobody_but_the_signed_in_clerk_and_the_manager_works_a_counter(seated: City, persona: str) -> None:
    client = api_client(seated.users[persona])
    before = _snapshot()
    for url, body in _actions(seated):
        response = post(client, url, body)
        assert response.status_code == REFUSED[persona], (url, response.content)
        assert set(response.json()) == {"detail", "errors"}
    assert _snapshot() == before


@pytest.mark.django_db
def test_another_clerk_is_told_whose_counter_it_is(seated: City) -> None:
    response = post(api_client(seated.users["clerk2"]), f"/api/v1/counters/{seated.counters[1].pk}/call-next")
    assert response.json()["detail"] == "2号窗口已由其他营业员登录，您不能操作该窗口。"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["clerk", "manager", "admin"])
def test_the_signed_in_clerk_the_manager_and_administrators_work_the_counter(seated: City, persona: str) -> None:
    client = api_client(seated.users[persona])
    ticket = Ticket.objects.get(number="A001")
    assert post(client, f"/api/v1/tickets/{ticket.pk}/recall").status_code == 200
    assert post(client, f"/api/v1/tickets/{ticket.pk}/finish").status_code == 200
    called = post(client, f"/api/v1/counters/{seated.counters[1].pk}/call-next")
    assert (called.status_code, called.json()["ticket"]["number"]) == (200, "A002")
    assert post(client, f"/api/v1/tickets/{called.json()['ticket']['id']}/no-show").status_code == 200
    assert post(client, f"/api/v1/counters/{seated.counters[1].pk}/pause").json()["status"] == "paused"
    # The manager working the counter does not take it over from its clerk.
    assert CounterSetup.objects.get(counter=seated.counters[1]).clerk == seated.clerk
    assert Ticket.objects.get(number="A002").clerk == seated.users[persona]


@pytest.mark.django_db
def test_a_device_token_is_no_counter_operator(seated: City) -> None:
    before = _snapshot()
    for kind, counter in (("kiosk", None), ("board", None), ("pad", seated.counters[1])):
        client = device_api(paired(seated, kind, counter=counter)[1])
        for url, body in _actions(seated):
            assert post(client, url, body).status_code == 401, (kind, url)
    assert _snapshot() == before


@pytest.mark.django_db
def test_closing_signs_the_clerk_out_and_another_clerk_may_then_sign_in(seated: City, second_clerk: User) -> None:
    clerk = api_client(seated.clerk)
    ticket = Ticket.objects.get(number="A001")
    post(clerk, f"/api/v1/tickets/{ticket.pk}/finish")
    assert post(clerk, f"/api/v1/counters/{seated.counters[1].pk}/close").json()["status"] == "closed"
    assert CounterSetup.objects.get(counter=seated.counters[1]).clerk is None
    # clerk2 is still signed in at counter 3: refused until they close it.
    other = api_client(second_clerk)
    before = _snapshot()
    response = post(other, f"/api/v1/counters/{seated.counters[1].pk}/resume")
    assert (response.status_code, response.json()["detail"]) == (
        403,
        "您已在3号窗口登录，请先在该窗口关闭服务，再使用2号窗口。",
    )
    assert _snapshot() == before
    post(other, f"/api/v1/counters/{seated.counters[2].pk}/close")
    assert post(other, f"/api/v1/counters/{seated.counters[1].pk}/resume").json()["status"] == "open"
    assert CounterSetup.objects.get(counter=seated.counters[1]).clerk == second_clerk
    # … and now the first clerk is the stranger there.
    assert post(clerk, f"/api/v1/counters/{seated.counters[1].pk}/call-next").status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["call", "pause", "resume", "close", "recall", "no_show", "finish", "transfer"])
def test_the_console_page_refuses_another_clerk_with_its_reason_and_changes_nothing(
    seated: City, second_clerk: User, action: str
) -> None:
    ticket = Ticket.objects.get(number="A001")
    before = _snapshot()
    page = signed_in(second_clerk).post(
        f"/halls/counter/{seated.counters[1].pk}/{action}/", {"ticket": ticket.pk, "target": "type:invoice"}, **HX
    )
    assert page.status_code == 200
    assert "2号窗口已由其他营业员登录，您不能操作该窗口。" in page.content.decode()
    assert _snapshot() == before


@pytest.mark.django_db
def test_the_console_of_ones_own_counter_does_not_reach_a_ticket_of_another_counter(
    seated: City, second_clerk: User
) -> None:
    ticket = Ticket.objects.get(number="A001")  # called at counter 2
    before = _snapshot()
    page = signed_in(second_clerk).post(f"/halls/counter/{seated.counters[2].pk}/finish/", {"ticket": ticket.pk}, **HX)
    assert "A001号不在本窗口办理。" in page.content.decode()
    assert _snapshot() == before


@pytest.mark.django_db
def test_the_console_page_refuses_the_guide_with_403(seated: City) -> None:
    before = _snapshot()
    for action in ("call", "pause", "finish"):
        assert (
            signed_in(seated.guide).post(f"/halls/counter/{seated.counters[1].pk}/{action}/", **HX).status_code == 403
        )
    assert _snapshot() == before


@pytest.mark.django_db
def test_a_clerk_at_a_free_counter_signs_in_by_working_it(hall_town: City) -> None:
    issue(hall_town, "payment")
    assert CounterSetup.objects.get(counter=hall_town.counters[1]).clerk is None
    client: Client = api_client(hall_town.clerk)
    assert post(client, f"/api/v1/counters/{hall_town.counters[1].pk}/call-next").status_code == 200
    assert CounterSetup.objects.get(counter=hall_town.counters[1]).clerk == hall_town.clerk
