"""Security review item 13: a rating comes only from the customer, on the evaluation pad of the
ticket's counter (its device credential). No staff session or token may rate, the clerk of the
ticket least of all; refused ratings write nothing."""

from __future__ import annotations

import pytest

from gridcare.core.testing import City, api_client, signed_in
from gridcare.halls.models import Evaluation, Ticket
from gridcare.halls.services import tickets
from gridcare.halls.services.devices import device_revoke
from gridcare.halls.tests.conftest import post
from gridcare.halls.tests.helpers import device_api, device_browser, issue, paired
from gridcare.org.access import scope_for

STAFF_ANSWER = {
    "clerk": 403,  # the clerk who served the ticket
    "guide": 403,
    "manager": 403,
    "admin": 403,
    "supervisor": 403,
    "agent": 404,
    "other_manager": 404,
    "outsider": 404,
}


def _finished(town: City) -> Ticket:
    """Invoice ticket E001 served and finished by the clerk at counter 2."""
    issue(town, "invoice")
    scope = scope_for(town.clerk)
    ticket = tickets.counter_call_next(scope=scope, actor=town.clerk, counter=town.counters[1])
    assert ticket is not None
    return tickets.ticket_finish(scope=scope, actor=town.clerk, ticket=ticket)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(STAFF_ANSWER))
def test_no_staff_token_or_session_submits_a_rating(hall_town: City, persona: str) -> None:
    ticket = _finished(hall_town)
    url = f"/api/v1/tickets/{ticket.pk}/evaluation"
    response = post(api_client(hall_town.users[persona]), url, {"rating": "very_satisfied"})
    assert response.status_code == STAFF_ANSWER[persona]
    if response.status_code == 403:
        assert response.json()["detail"] == "服务评价只能由客户在窗口的评价器上提交。"
    session = signed_in(hall_town.users[persona])
    assert post(session, url, {"rating": "very_satisfied"}).status_code in (401, 403, 404)
    page = session.post(f"/halls/pad/{hall_town.counters[1].pk}/", {"ticket": ticket.pk, "rating": "very_satisfied"})
    assert page.status_code in (403, 404)
    assert Evaluation.objects.count() == 0


@pytest.mark.django_db
def test_the_counters_own_pad_rates_its_ticket_once(hall_town: City) -> None:
    ticket = _finished(hall_town)
    pad = device_api(paired(hall_town, "pad", counter=hall_town.counters[1])[1])
    response = post(pad, f"/api/v1/tickets/{ticket.pk}/evaluation", {"rating": "satisfied"})
    assert (response.status_code, response.json()["counter_number"]) == (201, 2)
    evaluation = Evaluation.objects.get()
    assert (evaluation.ticket, evaluation.clerk, evaluation.counter) == (ticket, hall_town.clerk, hall_town.counters[1])


@pytest.mark.django_db
def test_a_pad_of_another_counter_another_hall_another_kind_or_revoked_rates_nothing(hall_town: City) -> None:
    ticket = _finished(hall_town)
    url = f"/api/v1/tickets/{ticket.pk}/evaluation"
    other_counter = device_api(paired(hall_town, "pad", counter=hall_town.counters[0])[1])
    response = post(other_counter, url, {"rating": "very_satisfied"})
    assert (response.status_code, response.json()["detail"]) == (
        403,
        "该号不是在本评价器所在窗口办理的，不能在此评价。",
    )
    other_hall = device_api(
        paired(hall_town, "pad", counter=hall_town.other_hall.counters.get(), hall=hall_town.other_hall)[1]
    )
    assert post(other_hall, url, {"rating": "very_satisfied"}).status_code == 404
    kiosk = device_api(paired(hall_town, "kiosk")[1])
    assert post(kiosk, url, {"rating": "very_satisfied"}).status_code == 401
    device, credential = paired(hall_town, "pad", counter=hall_town.counters[1])
    device_revoke(scope=scope_for(hall_town.manager), actor=hall_town.manager, device=device)
    assert post(device_api(credential), url, {"rating": "very_satisfied"}).status_code == 401
    assert device_browser(credential).get(f"/halls/pad/{hall_town.counters[1].pk}/").status_code == 302
    assert Evaluation.objects.count() == 0


@pytest.mark.django_db
def test_the_pad_rates_only_the_ticket_just_finished_at_its_counter(hall_town: City) -> None:
    first = _finished(hall_town)
    second = _finished(hall_town)
    pad = device_api(paired(hall_town, "pad", counter=hall_town.counters[1])[1])
    response = post(pad, f"/api/v1/tickets/{first.pk}/evaluation", {"rating": "dissatisfied"})
    assert (response.status_code, response.json()["detail"]) == (409, "只能评价本窗口刚办结的号。")
    assert Evaluation.objects.count() == 0
    assert post(pad, f"/api/v1/tickets/{second.pk}/evaluation", {"rating": "satisfied"}).status_code == 201


@pytest.mark.django_db
def test_the_pad_page_of_another_counter_is_the_sign_in_page_and_rates_nothing(hall_town: City) -> None:
    ticket = _finished(hall_town)
    browser = device_browser(paired(hall_town, "pad", counter=hall_town.counters[0])[1])
    response = browser.post(f"/halls/pad/{hall_town.counters[1].pk}/", {"ticket": ticket.pk, "rating": "satisfied"})
    assert (response.status_code, response["Location"].split("?")[0]) == (302, "/login/")
    page = browser.post(f"/halls/pad/{hall_town.counters[0].pk}/", {"ticket": ticket.pk, "rating": "satisfied"})
    assert "该号不是在本评价器所在窗口办理的，不能在此评价。" in page.content.decode()
    assert Evaluation.objects.count() == 0
