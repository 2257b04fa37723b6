"""POST /api/v1/planning/simulations (PLAN-2): the figures with their intervals; a hall's own
handling times, priorities and patience; bad or too large input refused on its field (422);
another's hall 404; per post, PLAN_VIEW may simulate and everyone else is refused (403)."""

from __future__ import annotations

from typing import Any

import pytest

from gridcare.core.testing import STAFF_PERSONAS, City, api_client
from gridcare.planning.models import PlanningEvent
from gridcare.planning.tests.simulation_helpers import hall_history

pytestmark = pytest.mark.django_db
URL = "/api/v1/planning/simulations"
BODY: dict[str, Any] = {
    "counters": 3,
    "hours": 9,
    "arrivals_per_hour": 20,
    "service": {"distribution": "exponential", "mean_minutes": 6},
    "replications": 10,
    "seed": 42,
}


def post(town: City, body: dict[str, Any], persona: str = "planner") -> Any:
    return api_client(town.users[persona]).post(URL, body, content_type="application/json")


def test_a_planner_simulates_a_day_with_its_intervals_and_the_same_seed_gives_the_same_answer(town: City) -> None:
    answer = post(town, BODY)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["replications"] == 10 and body["seed"] == 42
    low, high = body["mean_wait_ci95"]
    assert low <= body["mean_wait_minutes"] <= high
    assert 0 <= body["share_within_15"] <= 1 and body["abandonment_share"] == 0.0
    assert body["utilisation"] == pytest.approx(20 * 6 / 60 / 3, abs=0.06)
    assert len(body["wait_by_hour"]) == 9 and body["service_samples"] == 0
    assert body["patience_minutes"] is None and body["ageing_minutes"] == 20
    assert post(town, BODY).json() == body
    assert PlanningEvent.objects.count() == 0  # a simulation writes nothing


def test_one_number_per_hour_and_the_halls_own_history(town: City) -> None:
    hall_history(town.hall)
    body = {
        **BODY,
        "counters": [2, 3, 3, 2],
        "hours": 4,
        "arrivals_per_hour": [10, 30, 25.5, 8],
        "service": {"distribution": "empirical", "hall": "H1", "business_type": "payment"},
    }
    answer = post(town, body, "manager")
    assert answer.status_code == 200, answer.content
    got = answer.json()
    assert got["service_samples"] == 30
    # Patience from the history: 30 × 6 + 5 × 10 minutes waited, 5 left: 46 minutes.
    assert got["patience_minutes"] == pytest.approx(46.0)
    # Every handling time is 4 minutes: the counters' busy time is 4 minutes a customer.
    assert len(got["wait_by_hour"]) == 4


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"counters": 0}, "counters"),
        ({"counters": 61}, "counters"),
        ({"counters": [1, 2]}, "counters"),
        ({"counters": 2.5}, "counters"),
        ({"hours": 25}, "hours"),
        ({"hours": 0}, "hours"),
        ({"arrivals_per_hour": -1}, "arrivals_per_hour"),
        ({"arrivals_per_hour": [5] * 8}, "arrivals_per_hour"),
        ({"arrivals_per_hour": 1e9}, "arrivals_per_hour"),
        ({"replications": 1}, "replications"),
        ({"replications": 10_000}, "replications"),
        ({"seed": -1}, "seed"),
        ({"warmup_hours": 99}, "warmup_hours"),
        ({"patience_minutes": -3}, "patience_minutes"),
        ({"diversion_percent": 100}, "diversion_percent"),
        ({"service": {"distribution": "normal", "mean_minutes": 5}}, "service.distribution"),
        ({"service": {"distribution": "exponential"}}, "service.mean_minutes"),
        ({"service": {"distribution": "exponential", "mean_minutes": 0}}, "service.mean_minutes"),
        ({"service": {"distribution": "empirical"}}, "service.hall"),
        ({"service": {"distribution": "empirical", "hall": "H1"}}, "service.hall"),  # no history
        ({"service": {"distribution": "exponential", "mean_minutes": 5, "business_type": "payment"}}, "business_type"),
        ({"counters": "三"}, "counters"),
        ({"hours": "nine\x00"}, "hours"),
        ({"arrivals_per_hour": 1000, "counters": 60, "hours": 24, "replications": 200}, "replications"),
    ],
)
def test_bad_or_too_large_input_is_refused_on_its_field(town: City, change: dict[str, Any], field: str) -> None:
    answer = post(town, {**BODY, **change})
    assert answer.status_code == 422, answer.content
    errors = answer.json()["errors"]
    assert any(k == field or k.startswith(field + ".") for k in errors), errors


def test_bad_hours_are_said_once_not_as_wrong_lists(town: City) -> None:
    answer = post(town, {**BODY, "hours": 30, "counters": [2] * 30})
    assert answer.status_code == 422 and set(answer.json()["errors"]) == {"hours"}


def test_a_hall_outside_ones_own_is_not_found(town: City) -> None:
    body = {**BODY, "service": {"distribution": "exponential", "mean_minutes": 5, "hall": "H2"}}
    assert post(town, body, "manager").status_code == 404  # H2 is the other manager's
    assert post(town, {**body, "service": {**body["service"], "hall": "X1H"}}).status_code == 404  # another company
    assert post(town, {**body, "service": {**body["service"], "hall": "NOPE"}}).status_code == 404
    assert post(town, {**body, "service": {**body["service"], "hall": "H1\x00"}}).status_code == 422  # no 500
    assert post(town, body).status_code == 200  # the planner's company


def test_a_wrong_type_or_no_object_is_a_422_not_a_500(town: City) -> None:
    client = api_client(town.planner)
    assert client.post(URL, "[1, 2]", content_type="application/json").status_code == 422
    assert client.post(URL, {**BODY, "service": "fast"}, content_type="application/json").status_code == 422
    assert client.post(URL, "{not json", content_type="application/json").status_code in (400, 422)


@pytest.mark.parametrize("persona", sorted(STAFF_PERSONAS))
def test_who_may_simulate(town: City, persona: str) -> None:
    answer = post(town, BODY, persona)
    allowed = persona in {"planner", "admin", "manager", "other_manager"}
    assert answer.status_code == (200 if allowed else 403), answer.content


def test_the_signed_out_are_refused(town: City) -> None:
    from django.test import Client

    assert Client().post(URL, BODY, content_type="application/json").status_code == 401
