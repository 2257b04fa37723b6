from __future__ import annotations

from datetime import timedelta

import pytest

from gridcare.core.testing import City, api_client
from gridcare.core.timezone import now
from gridcare.halls import rules
from gridcare.halls.models import BusinessType, Ticket
from gridcare.halls.tests.conftest import post
from gridcare.halls.tests.helpers import issue


def test_with_an_idle_counter_each_person_ahead_takes_a_share_of_a_handling_time() -> None:
    # 1 ahead, 3 counters (2 idle), 6 minutes: 1 × 6 / 3.
    assert (
        rules.estimate_wait_minutes(ahead=1, open_counters=3, idle_counters=2, recent_minutes=[], expected_minutes=6)
        == 2
    )


def test_with_every_counter_busy_half_a_handling_time_is_added_for_the_customer_being_served() -> None:
    # (4 + 0.5) × 6 / 2 = 13.5, rounded half up.
    assert (
        rules.estimate_wait_minutes(ahead=4, open_counters=2, idle_counters=0, recent_minutes=[], expected_minutes=6)
        == 14
    )


def test_recent_handling_times_replace_the_configured_time_once_there_are_five() -> None:
    recent = [2.0, 3.0, 4.0, 30.0, 5.0]
    assert rules.typical_handling_minutes(recent, 10) == pytest.approx(8.8)
    assert rules.typical_handling_minutes(recent[:4], 10) == 10.0
    # (2 + 0.5) × 8.8 / 1 = 22.
    assert (
        rules.estimate_wait_minutes(
            ahead=2, open_counters=1, idle_counters=0, recent_minutes=recent, expected_minutes=10
        )
        == 22
    )


def test_with_no_counter_open_one_counter_is_assumed() -> None:
    # (2 + 0.5) × 5 / 1 = 12.5 → 13.
    assert (
        rules.estimate_wait_minutes(ahead=2, open_counters=0, idle_counters=0, recent_minutes=[], expected_minutes=5)
        == 13
    )


def test_nobody_ahead_and_a_counter_idle_means_no_wait() -> None:
    assert (
        rules.estimate_wait_minutes(ahead=0, open_counters=2, idle_counters=1, recent_minutes=[], expected_minutes=5)
        == 0
    )


def test_percentiles_are_nearest_rank() -> None:
    assert rules.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == 9
    assert rules.percentile([7], 0.9) == 7
    assert rules.percentile([], 0.9) is None


@pytest.mark.django_db
def test_the_queue_estimate_uses_the_types_recent_handling_times(hall_town: City) -> None:
    invoice = BusinessType.objects.get(hall=hall_town.hall, kind="invoice")
    finished = now() - timedelta(hours=1)
    for i, minutes in enumerate([6, 6, 8, 8, 8]):
        Ticket.objects.create(
            hall=hall_town.hall,
            business_type=invoice,
            day=finished.date(),
            number=f"Z{i}",
            source="kiosk",
            status="finished",
            issued_at=finished - timedelta(minutes=30),
            called_at=finished - timedelta(minutes=minutes),
            finished_at=finished,
        )
    for _ in range(3):
        issue(hall_town, "invoice")
    # Occupy both counters serving invoices (2 and 3) with the first two tickets.
    client = api_client(hall_town.clerk)
    post(client, f"/api/v1/counters/{hall_town.counters[1].pk}/call-next")
    post(api_client(hall_town.manager), f"/api/v1/counters/{hall_town.counters[2].pk}/call-next")
    body = client.get("/api/v1/halls/H1/queue").json()
    line = next(t for t in body["types"] if t["kind"] == "invoice")
    # One waiting, so a newcomer has 1 ahead and both counters are busy:
    # (1 + 0.5) × mean 7.2 minutes / 2 counters = 5.4 → 5.
    assert (line["waiting"], line["estimated_wait_minutes"]) == (1, 5)
    serving = {c["number"]: c["serving"] for c in body["counters"]}
    assert serving == {1: None, 2: "E001", 3: "E002"}
