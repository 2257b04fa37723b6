from __future__ import annotations

import pytest
from django.test import Client

from gridcare.core.testing import City, api_client
from gridcare.halls.models import Evaluation, Ticket
from gridcare.halls.tests.conftest import post
from gridcare.halls.tests.helpers import device_api, issue, paired


def _pad(town: City) -> Client:
    """The evaluation pad of counter 2, where these tickets are served."""
    return device_api(paired(town, "pad", counter=town.counters[1])[1])


def _finished(town: City) -> Ticket:
    ticket = issue(town, "invoice")
    client = api_client(town.clerk)
    post(client, f"/api/v1/counters/{town.counters[1].pk}/call-next")
    post(client, f"/api/v1/tickets/{ticket.pk}/finish")
    ticket.refresh_from_db()
    return ticket


@pytest.mark.django_db
def test_a_finished_ticket_is_rated_once_with_clerk_counter_and_type(hall_town: City) -> None:
    ticket = _finished(hall_town)
    response = post(
        _pad(hall_town),
        f"/api/v1/tickets/{ticket.pk}/evaluation",
        {"rating": "dissatisfied", "reasons": ["long_wait", "unsolved"]},
    )
    assert response.status_code == 201
    assert response.json()["counter_number"] == 2
    evaluation = Evaluation.objects.get()
    assert (evaluation.ticket, evaluation.rating, evaluation.reasons) == (
        ticket,
        "dissatisfied",
        ["long_wait", "unsolved"],
    )
    assert (evaluation.clerk, evaluation.counter, evaluation.business_type.kind, evaluation.hall) == (
        hall_town.clerk,
        hall_town.counters[1],
        "invoice",
        hall_town.hall,
    )


@pytest.mark.django_db
def test_a_second_rating_of_the_same_ticket_is_a_conflict_and_the_first_stays(hall_town: City) -> None:
    ticket = _finished(hall_town)
    client = _pad(hall_town)
    post(client, f"/api/v1/tickets/{ticket.pk}/evaluation", {"rating": "very_satisfied"})
    response = post(client, f"/api/v1/tickets/{ticket.pk}/evaluation", {"rating": "dissatisfied"})
    assert response.status_code == 409
    assert response.json()["detail"] == "该号已评价过，每个号只能评价一次。"
    assert list(Evaluation.objects.values_list("rating", flat=True)) == ["very_satisfied"]


@pytest.mark.django_db
@pytest.mark.parametrize("stage", ["waiting", "called", "no_show"])
def test_a_ticket_not_finished_cannot_be_rated(hall_town: City, stage: str) -> None:
    ticket = issue(hall_town, "invoice")
    client = api_client(hall_town.clerk)
    if stage != "waiting":
        post(client, f"/api/v1/counters/{hall_town.counters[1].pk}/call-next")
    if stage == "no_show":
        post(client, f"/api/v1/tickets/{ticket.pk}/no-show")
    response = post(_pad(hall_town), f"/api/v1/tickets/{ticket.pk}/evaluation", {"rating": "satisfied"})
    assert response.status_code == 409
    assert response.json()["detail"] == "该号尚未办结，不能评价。"
    assert Evaluation.objects.count() == 0


@pytest.mark.django_db
def test_unknown_reasons_and_reasons_with_a_good_rating_are_refused(hall_town: City) -> None:
    ticket = _finished(hall_town)
    client = _pad(hall_town)
    response = post(client, f"/api/v1/tickets/{ticket.pk}/evaluation", {"rating": "dissatisfied", "reasons": ["bored"]})
    assert response.status_code == 422
    assert response.json()["errors"] == {"reasons": "未知的不满意原因：bored。"}
    response = post(client, f"/api/v1/tickets/{ticket.pk}/evaluation", {"rating": "satisfied", "reasons": ["attitude"]})
    assert response.status_code == 422
    response = post(client, f"/api/v1/tickets/{ticket.pk}/evaluation", {"rating": "great"})
    assert response.status_code == 422
    assert Evaluation.objects.count() == 0
