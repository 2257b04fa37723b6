"""Who may look up slots, book, check in and cancel appointments of hall H1: the posts that issue
tickets (hall staff, administrators). Posts that only look get 403; outside the scope, 404."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from gridcare.core.testing import City, api_client
from gridcare.halls.tests.appointments_helpers import MONDAY, TUESDAY, Clock, at, book, snapshot
from gridcare.halls.tests.conftest import post

# persona: (free slots, book, check in, cancel)
EXPECTED = {
    "clerk": (200, 201, 201, 200),
    "guide": (200, 201, 201, 200),
    "manager": (200, 201, 201, 200),
    "admin": (200, 201, 201, 200),
    "supervisor": (403, 403, 403, 403),  # U1 supervisor: looks at the unit's halls, does not operate
    "kam": (403, 403, 403, 403),
    "community": (403, 403, 403, 403),
    "planner": (403, 403, 403, 403),
    "other_manager": (404, 404, 404, 404),
    "other_supervisor": (404, 404, 404, 404),
    "agent": (404, 404, 404, 404),
    "foreign_clerk": (404, 404, 404, 404),
    "outsider": (404, 404, 404, 404),
}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_each_persona_gets_exactly_its_rights_on_appointments_of_hall_h1(
    hall_town: City, clock: Clock, persona: str
) -> None:
    to_check_in = book(hall_town, phone="13800000001")
    to_cancel = book(hall_town, start="11:00", phone="13800000002")
    clock.set(at(TUESDAY, 10, 0))
    before = snapshot()
    client = api_client(hall_town.users[persona])
    want_slots, want_book, want_check_in, want_cancel = EXPECTED[persona]

    slots = client.get("/api/v1/halls/H1/appointment-slots", {"date": "2026-11-25", "business_type": "payment"})
    assert slots.status_code == want_slots
    booked = post(
        client,
        "/api/v1/halls/H1/appointments",
        {"business_type": "payment", "date": "2026-11-25", "start": "10:00", "phone": "13800000003"},
    )
    assert booked.status_code == want_book
    checked_in = post(client, f"/api/v1/appointments/{to_check_in.reference}/check-in")
    assert checked_in.status_code == want_check_in
    cancelled = post(client, f"/api/v1/appointments/{to_cancel.reference}/cancel", {"phone": "13800000002"})
    assert cancelled.status_code == want_cancel

    if want_book != 201:
        assert snapshot() == before
        assert booked.json()["detail"] in ("您的岗位无权办理此项业务。", "未找到营业厅 H1。")
        assert checked_in.json()["detail"] in ("您的岗位无权办理此项业务。", f"未找到预约号 {to_check_in.reference}。")
    else:
        to_check_in.refresh_from_db()
        to_cancel.refresh_from_db()
        assert (to_check_in.status, to_cancel.status) == ("checked_in", "cancelled")


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["supervisor", "planner"])
def test_a_looking_post_learns_nothing_about_references_through_the_ticket_endpoint(
    hall_town: City, clock: Clock, persona: str
) -> None:
    real = book(hall_town)
    clock.set(at(TUESDAY, 10, 0))
    before = snapshot()
    client = api_client(hall_town.users[persona])
    for reference in (real.reference, "ZZZZ2222"):
        response = post(
            client,
            "/api/v1/halls/H1/tickets",
            {"business_type": "payment", "priority": "appointment", "appointment_ref": reference},
        )
        assert (response.status_code, response.json()["detail"]) == (403, "您的岗位无权办理此项业务。")
    assert snapshot() == before


@pytest.mark.django_db
def test_staff_of_another_hall_cannot_touch_h1_appointments_even_at_their_own_hall(
    hall_town: City, clock: Clock
) -> None:
    appointment = book(hall_town, day=date(2026, 11, 24))
    clock.set(at(TUESDAY, 10, 0))
    before = snapshot()
    client = api_client(hall_town.other_manager)
    response = post(
        client,
        "/api/v1/halls/H2/tickets",
        {"business_type": "payment", "priority": "appointment", "appointment_ref": appointment.reference},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"appointment_ref": f"未找到预约号 {appointment.reference}。"}
    assert snapshot() == before


@pytest.mark.django_db
def test_without_a_token_nothing_about_appointments_answers(hall_town: City, clock: Clock) -> None:
    appointment = book(hall_town)
    clock.set(at(MONDAY, 11, 0))
    before = snapshot()
    anonymous = Client()
    assert anonymous.get("/api/v1/halls/H1/appointment-slots?date=2026-11-24&business_type=payment").status_code == 401
    body = {"business_type": "payment", "date": "2026-11-24", "start": "11:00", "phone": "13800000009"}
    assert post(anonymous, "/api/v1/halls/H1/appointments", body).status_code == 401
    assert post(anonymous, f"/api/v1/appointments/{appointment.reference}/check-in").status_code == 401
    assert post(anonymous, f"/api/v1/appointments/{appointment.reference}/cancel", {}).status_code == 401
    assert snapshot() == before
