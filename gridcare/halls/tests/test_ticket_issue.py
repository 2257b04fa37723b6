from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from gridcare.core.testing import City, api_client
from gridcare.core.timezone import SHANGHAI, business_date, local_datetime
from gridcare.halls.models import Appointment, BusinessType, Ticket, TicketEvent, TicketSequence
from gridcare.halls.tests.conftest import post

URL = "/api/v1/halls/H1/tickets"


@pytest.mark.django_db
def test_the_first_tickets_of_the_day_are_numbered_per_type_from_001(hall_town: City) -> None:
    client = api_client(hall_town.guide)
    numbers = [
        post(client, URL, {"business_type": kind}).json()["number"]
        for kind in ("payment", "payment", "new_connection", "payment")
    ]
    assert numbers == ["A001", "A002", "B001", "A003"]


@pytest.mark.django_db
def test_a_remote_ticket_answers_with_its_position_and_an_estimate(hall_town: City) -> None:
    client = api_client(hall_town.admin)
    post(client, URL, {"business_type": "payment"})
    post(client, URL, {"business_type": "payment"})
    response = post(client, URL, {"business_type": "payment", "phone": "138 1234 5678"})
    assert response.status_code == 201
    body = response.json()
    assert body["number"] == "A003"
    assert body["business_type"] == "payment"
    assert body["position"] == 2
    # Payment is served by counters 2 and 3, open and idle: 2 ahead × 4 expected minutes / 2.
    assert body["estimated_wait_minutes"] == 4
    ticket = Ticket.objects.get(pk=body["id"])
    assert (ticket.source, ticket.phone, ticket.priority) == ("remote", "13812345678", "normal")
    assert list(ticket.events.values_list("type", flat=True)) == [TicketEvent.Type.ISSUED]


@pytest.mark.django_db
def test_numbers_restart_each_day_and_tickets_stay_unique(hall_town: City) -> None:
    payment = BusinessType.objects.get(hall=hall_town.hall, kind="payment")
    yesterday = business_date() - timedelta(days=1)
    TicketSequence.objects.create(business_type=payment, day=yesterday, last=57)
    old = Ticket.objects.create(
        hall=hall_town.hall,
        business_type=payment,
        day=yesterday,
        number="A001",
        source="kiosk",
        issued_at=local_datetime(yesterday, time(9, 0)),
    )
    body = post(api_client(hall_town.guide), URL, {"business_type": "payment"}).json()
    assert body["number"] == "A001"
    assert body["id"] != old.pk
    assert Ticket.objects.filter(number="A001").count() == 2


@pytest.mark.django_db
def test_an_appointment_check_in_is_an_appointment_ticket(hall_town: City, monkeypatch: pytest.MonkeyPatch) -> None:
    # A booked appointment of today, inside its check-in window (the booking and check-in rules
    # are tested in test_appointments_*.py).
    moment = datetime(2026, 11, 24, 10, 5, tzinfo=SHANGHAI)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    Appointment.objects.create(
        hall=hall_town.hall,
        business_type=BusinessType.objects.get(hall=hall_town.hall, kind="new_connection"),
        day=moment.date(),
        starts_at=time(10, 0),
        ends_at=time(10, 30),
        phone="13812345678",
        reference="YY2026AB",
        created_at=moment,
    )
    body = post(
        api_client(hall_town.clerk),
        URL,
        {"business_type": "new_connection", "priority": "appointment", "appointment_ref": "YY2026AB"},
    ).json()
    ticket = Ticket.objects.get(pk=body["id"])
    assert (ticket.source, ticket.priority, ticket.appointment_ref) == ("appointment", "appointment", "YY2026AB")
    assert Appointment.objects.get().ticket == ticket


@pytest.mark.django_db
def test_a_ticket_may_carry_the_customers_account(hall_town: City) -> None:
    account_no = hall_town.account.account_no
    body = post(api_client(hall_town.guide), URL, {"business_type": "account_change", "account_no": account_no}).json()
    assert Ticket.objects.get(pk=body["id"]).account == hall_town.account


@pytest.mark.django_db
def test_bad_phone_unknown_account_and_unknown_type_are_refused_and_nothing_is_written(hall_town: City) -> None:
    client = api_client(hall_town.guide)
    response = post(client, URL, {"business_type": "payment", "phone": "12345", "account_no": "0000000000"})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"phone", "account_no"}
    response = post(client, URL, {"business_type": "haircut"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"business_type": "取值不在允许范围内。"}
    assert Ticket.objects.count() == 0
    assert TicketSequence.objects.count() == 0


@pytest.mark.django_db
def test_a_business_type_switched_off_takes_no_tickets(hall_town: City) -> None:
    BusinessType.objects.filter(hall=hall_town.hall, kind="meter_test").update(active=False)
    response = post(api_client(hall_town.guide), URL, {"business_type": "meter_test"})
    assert response.status_code == 422
    assert response.json()["detail"] == "本厅未开办该业务。"
    assert Ticket.objects.count() == 0
