"""Checking an appointment in: on its day, from 30 minutes before the slot to 15 minutes after its
end, exactly once; it issues an appointment ticket that is called before normal tickets. Every
refusal is a 409 (or 422 for bad input) and changes nothing."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from django.test import override_settings

from gridcare.core.exceptions import Conflict
from gridcare.core.testing import City, api_client
from gridcare.halls.models import Appointment, Ticket, TicketStatus
from gridcare.halls.services import tickets
from gridcare.halls.services.appointments import appointment_check_in
from gridcare.halls.tests.appointments_helpers import TUESDAY, Clock, at, book, snapshot
from gridcare.halls.tests.conftest import post
from gridcare.halls.tests.helpers import issue
from gridcare.org.access import scope_for


def check_in(town: City, reference: str) -> tuple[int, dict[str, object]]:
    response = post(api_client(town.guide), f"/api/v1/appointments/{reference}/check-in")
    return response.status_code, response.json()


@pytest.fixture
def booked(hall_town: City, clock: Clock) -> Appointment:
    """Tuesday 10:00-10:30, payment, booked on Monday with the customer's account."""
    return book(hall_town, account_no=hall_town.account.account_no)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "moment",
    [at(TUESDAY, 9, 30), at(TUESDAY, 10, 0), at(TUESDAY, 10, 30), at(TUESDAY, 10, 45)],
    ids=["window-opens", "slot-starts", "slot-ends", "window-closes"],
)
def test_check_in_within_the_window_issues_an_appointment_ticket(
    hall_town: City, clock: Clock, booked: Appointment, moment: datetime
) -> None:
    clock.set(moment)
    status, body = check_in(hall_town, booked.reference.lower())  # typed in lower case on a phone: fine
    assert status == 201
    assert (body["number"], body["business_type"], body["priority"], body["status"]) == (
        "A001",
        "payment",
        "appointment",
        "waiting",
    )
    ticket = Ticket.objects.get(pk=body["id"])
    assert (ticket.source, ticket.priority, ticket.appointment_ref, ticket.day, ticket.issued_at) == (
        "appointment",
        "appointment",
        booked.reference,
        TUESDAY,
        moment,
    )
    assert (ticket.phone, ticket.account) == ("13812345678", hall_town.account)
    booked.refresh_from_db()
    assert (booked.status, booked.ticket, booked.checked_in_at) == ("checked_in", ticket, moment)
    assert list(booked.events.values_list("type", "parameters", "actor")) == [
        ("checked_in", {"ticket": "A001"}, hall_town.guide.pk),
        ("booked", {}, hall_town.guide.pk),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("moment", "message"),
    [
        (
            at(TUESDAY, 9, 29, 59),
            "还未到签到时间：预约时段10:00-10:30，请在09:30至10:45之间签到。",
        ),
        (at(TUESDAY, 10, 45, 0, 1), "已超过签到时间（10:45），预约{ref}已失效，请重新取号。"),
        (at(date(2026, 11, 23), 10, 0), "预约{ref}的日期是2026-11-24，请在当天签到。"),
        (at(date(2026, 11, 25), 10, 0), "预约{ref}的日期2026-11-24已过，不能签到。"),
    ],
    ids=["one-second-early", "just-late", "day-before", "day-after"],
)
def test_check_in_outside_the_window_is_refused_and_changes_nothing(
    hall_town: City, clock: Clock, booked: Appointment, moment: datetime, message: str
) -> None:
    clock.set(moment)
    before = snapshot()
    status, body = check_in(hall_town, booked.reference)
    assert status == 409
    assert body == {"detail": message.format(ref=booked.reference), "errors": {}}
    assert snapshot() == before


@pytest.mark.django_db
@override_settings(GRIDCARE_RULES={"HALL_APPOINTMENT_EARLY_MINUTES": 10, "HALL_APPOINTMENT_LATE_MINUTES": 0})
def test_the_check_in_window_comes_from_the_settings(hall_town: City, clock: Clock, booked: Appointment) -> None:
    clock.set(at(TUESDAY, 9, 49, 59))
    assert check_in(hall_town, booked.reference)[0] == 409
    clock.set(at(TUESDAY, 10, 30, 0, 1))
    assert check_in(hall_town, booked.reference)[0] == 409
    clock.set(at(TUESDAY, 9, 50))
    assert check_in(hall_town, booked.reference)[0] == 201


@pytest.mark.django_db
def test_an_appointment_is_checked_in_once_only(hall_town: City, clock: Clock, booked: Appointment) -> None:
    clock.set(at(TUESDAY, 9, 50))
    assert check_in(hall_town, booked.reference)[0] == 201
    clock.set(at(TUESDAY, 9, 55))
    before = snapshot()
    status, body = check_in(hall_town, booked.reference)
    assert status == 409
    assert body["detail"] == f"预约{booked.reference}已于09:50签到（A001号），不能重复签到。"
    assert snapshot() == before
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_a_claim_on_a_stale_read_is_refused_and_leaves_no_second_ticket(
    hall_town: City, clock: Clock, booked: Appointment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The losing side of a race, replayed: another desk checks the appointment in right after
    this one read it; this one's conditional update finds it no longer booked and rolls back."""
    from gridcare.halls.services.appointments import visits

    clock.set(at(TUESDAY, 10, 0))
    original = visits.appointment_get_for_scope

    def read_then_lose(**kwargs: Any) -> Appointment:
        found = original(**kwargs)
        Appointment.objects.filter(pk=found.pk).update(status="cancelled")
        return found

    monkeypatch.setattr(visits, "appointment_get_for_scope", read_then_lose)
    with pytest.raises(Conflict, match="该预约的状态刚被他人改变"):
        appointment_check_in(scope=scope_for(hall_town.guide), actor=hall_town.guide, reference=booked.reference)
    assert Ticket.objects.count() == 0
    booked.refresh_from_db()
    assert (booked.status, booked.ticket) == ("booked", None)  # the simulated other desk rolled back too


@pytest.mark.django_db
def test_a_cancelled_appointment_cannot_be_checked_in(hall_town: City, clock: Clock, booked: Appointment) -> None:
    response = post(api_client(hall_town.guide), f"/api/v1/appointments/{booked.reference}/cancel", {})
    assert response.status_code == 200
    clock.set(at(TUESDAY, 10, 0))
    before = snapshot()
    status, body = check_in(hall_town, booked.reference)
    assert (status, body["detail"]) == (409, f"预约{booked.reference}已取消。")
    assert snapshot() == before


@pytest.mark.django_db
def test_an_unknown_reference_is_not_found(hall_town: City, clock: Clock) -> None:
    status, body = check_in(hall_town, "ZZZZ2222")
    assert (status, body["detail"]) == (404, "未找到预约号 ZZZZ2222。")
    assert Ticket.objects.count() == 0


@pytest.mark.django_db
def test_the_appointment_ticket_is_called_after_green_channel_and_before_normal_tickets(
    hall_town: City, clock: Clock, booked: Appointment
) -> None:
    clock.set(at(TUESDAY, 9, 40))
    normal = issue(hall_town, "payment")
    clock.set(at(TUESDAY, 9, 45))
    elderly = issue(hall_town, "payment", priority="elderly")
    clock.set(at(TUESDAY, 9, 50))
    status, body = check_in(hall_town, booked.reference)
    assert status == 201
    assert body["position"] == 1  # only the green channel is ahead of it
    scope = scope_for(hall_town.clerk)
    counter = hall_town.counters[1]  # serves payment
    called = []
    for _ in range(3):
        ticket = tickets.counter_call_next(scope=scope, actor=hall_town.clerk, counter=counter)
        assert ticket is not None
        called.append(ticket.number)
        tickets.ticket_finish(scope=scope, actor=hall_town.clerk, ticket=ticket)
    assert called == [elderly.number, body["number"], normal.number] == ["A002", "A003", "A001"]


# --- through the ticket endpoint (priority "appointment") ----------------------------------------

TICKETS = "/api/v1/halls/H1/tickets"


@pytest.mark.django_db
def test_an_appointment_ticket_needs_the_reference_of_a_booked_appointment(
    hall_town: City, clock: Clock, booked: Appointment
) -> None:
    clock.set(at(TUESDAY, 10, 5))
    client = api_client(hall_town.clerk)
    before = snapshot()
    cases = [
        ({}, 422, {"appointment_ref": "预约签到请填写预约号。"}, "预约签到请填写预约号。"),
        (
            {"appointment_ref": "YY20261123001"},
            422,
            {"appointment_ref": "未找到预约号 YY20261123001。"},
            "未找到预约号 YY20261123001。",
        ),
        (
            {"appointment_ref": booked.reference, "business_type": "invoice"},
            422,
            {"business_type": "该预约办理的是“缴费”，与所选业务不一致。"},
            "该预约办理的是“缴费”，与所选业务不一致。",
        ),
    ]
    for extra, code, errors, detail in cases:
        response = post(client, TICKETS, {"business_type": "payment", "priority": "appointment", **extra})
        assert response.status_code == code
        assert response.json() == {"detail": detail, "errors": errors}
    assert snapshot() == before
    response = post(
        client, TICKETS, {"business_type": "payment", "priority": "appointment", "appointment_ref": booked.reference}
    )
    assert response.status_code == 201
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert (ticket.source, ticket.priority, ticket.appointment_ref) == ("appointment", "appointment", booked.reference)
    booked.refresh_from_db()
    assert (booked.status, booked.ticket) == ("checked_in", ticket)
    again = post(
        client, TICKETS, {"business_type": "payment", "priority": "appointment", "appointment_ref": booked.reference}
    )
    assert again.status_code == 409
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_an_appointment_of_another_day_or_hall_takes_no_ticket_here(hall_town: City, clock: Clock) -> None:
    wednesday = book(hall_town, day=date(2026, 11, 25))
    other_hall = book(hall_town, hall="H2")
    clock.set(at(TUESDAY, 10, 0))
    before = snapshot()
    body = {"business_type": "payment", "priority": "appointment"}
    response = post(api_client(hall_town.clerk), TICKETS, {**body, "appointment_ref": wednesday.reference})
    assert (response.status_code, response.json()["detail"]) == (
        409,
        f"预约{wednesday.reference}的日期是2026-11-25，请在当天签到。",
    )
    # H2's appointment through H2's own manager at H1's endpoint: H1 is not his hall (404);
    # the administrator sees both halls and is told where to go.
    response = post(api_client(hall_town.other_manager), TICKETS, {**body, "appointment_ref": other_hall.reference})
    assert response.status_code == 404
    response = post(api_client(hall_town.admin), TICKETS, {**body, "appointment_ref": other_hall.reference})
    assert (response.status_code, response.json()["detail"]) == (
        409,
        f"预约号{other_hall.reference}是乡镇营业厅的预约，请到该营业厅签到。",
    )
    assert snapshot() == before


@pytest.mark.django_db
def test_ordinary_tickets_are_unchanged(hall_town: City, clock: Clock) -> None:
    clock.set(at(TUESDAY, 10, 0))
    response = post(api_client(hall_town.guide), TICKETS, {"business_type": "payment", "priority": "elderly"})
    assert response.status_code == 201
    ticket = Ticket.objects.get()
    assert (ticket.source, ticket.priority, ticket.status) == ("remote", "elderly", TicketStatus.WAITING)
