from __future__ import annotations

from datetime import date, datetime, time, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from gridcare.core.testing import City, signed_in
from gridcare.core.timezone import SHANGHAI
from gridcare.halls import figures
from gridcare.halls.models import Appointment, BusinessType, Diversion, Evaluation, Ticket
from gridcare.org.models import Hall

DAY = date(2026, 10, 30)


def _ticket(
    town: City, n: int, *, day: date, hour: int, wait: int | None, handle: int | None, status: str, counter: int = 0
) -> Ticket:
    payment = BusinessType.objects.get(hall=town.hall, kind="payment")
    issued = datetime(day.year, day.month, day.day, hour, 0, tzinfo=SHANGHAI)
    called = issued + timedelta(minutes=wait) if wait is not None else None
    return Ticket.objects.create(
        hall=town.hall,
        business_type=payment,
        day=day,
        number=f"A{n:03d}",
        source="kiosk",
        status=status,
        issued_at=issued,
        first_called_at=called,
        called_at=called,
        finished_at=called + timedelta(minutes=handle) if called and handle is not None else None,
        counter=town.counters[counter] if called else None,
    )


def _day(town: City) -> None:
    # waits 5, 10, 20, 30 minutes; handled 6, 6, 12; one no-show, one left uncalled.
    tickets = [
        _ticket(town, 1, day=DAY, hour=9, wait=5, handle=6, status="finished"),
        _ticket(town, 2, day=DAY, hour=9, wait=10, handle=6, status="finished"),
        _ticket(town, 3, day=DAY, hour=10, wait=20, handle=12, status="finished", counter=1),
        _ticket(town, 4, day=DAY, hour=14, wait=30, handle=None, status="no_show"),
        _ticket(town, 5, day=DAY, hour=16, wait=None, handle=None, status="waiting"),
    ]
    for ticket, rating in zip(tickets[:3], ["very_satisfied", "satisfied", "dissatisfied"], strict=True):
        Evaluation.objects.create(
            ticket=ticket,
            rating=rating,
            hall=town.hall,
            counter=ticket.counter,
            business_type=ticket.business_type,
            created_at=ticket.finished_at,
        )
    Diversion.objects.create(
        hall=town.hall, business_type=tickets[0].business_type, day=DAY, created_at=tickets[0].issued_at
    )


@pytest.mark.django_db
def test_the_days_figures(hall_town: City) -> None:
    _day(hall_town)
    report = figures.hall_figures(hall_town.hall, DAY, DAY)
    assert (report.arrivals, report.served, report.no_show, report.abandoned, report.diversions) == (5, 3, 1, 1, 1)
    assert report.arrivals_by_hour == {9: 2, 10: 1, 14: 1, 16: 1}
    assert report.wait_mean == pytest.approx(16.25)
    assert report.wait_p90 == 30
    assert report.handle_mean == pytest.approx(8.0)
    assert report.handle_p90 == 12
    assert report.within_target == pytest.approx(0.5)  # 5 and 10 of 5, 10, 20, 30 minutes
    assert report.abandonment_rate == pytest.approx(0.4)
    assert report.satisfaction_rate == pytest.approx(2 / 3)
    assert report.diversion_rate == pytest.approx(1 / 6)
    # The hall opens 08:30-17:30: 540 minutes; counter 1 handled 12, counter 2 handled 12.
    assert [(c.number, c.served, c.busy_minutes) for c in report.counters] == [(1, 2, 12.0), (2, 1, 12.0), (3, 0, 0.0)]
    assert report.counters[0].utilisation == pytest.approx(12 / 540)


@pytest.mark.django_db
def test_month_edges_show_as_a_peak_ratio(hall_town: City) -> None:
    n = 0
    for day, count in (
        (date(2026, 10, 1), 6),
        (date(2026, 10, 15), 2),
        (date(2026, 10, 16), 2),
        (date(2026, 10, 31), 4),
    ):
        for _ in range(count):
            n += 1
            _ticket(hall_town, n, day=day, hour=9, wait=1, handle=1, status="finished")
    report = figures.hall_figures(hall_town.hall, date(2026, 10, 1), date(2026, 10, 31))
    assert report.edge_ratio == pytest.approx(5 / 2)
    assert report.arrivals_by_day[date(2026, 10, 1)] == 6


@pytest.mark.django_db
def test_the_excel_export_carries_the_same_figures(hall_town: City) -> None:
    _day(hall_town)
    response = signed_in(hall_town.manager).get("/halls/H1/figures.xlsx?day=2026-10-30")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    summary = {row[0]: row[1] for row in book["概要"].iter_rows(min_row=2, values_only=True)}
    assert summary["到达人数"] == 5
    assert summary["平均等候（分钟）"] == 16.2
    assert summary["15分钟内叫号占比（%）"] == 50.0
    assert summary["满意率（%）"] == 66.7
    assert [row for row in book["分时到达"].iter_rows(min_row=2, values_only=True)] == [
        ("09:00", 2),
        ("10:00", 1),
        ("14:00", 1),
        ("16:00", 1),
    ]


@pytest.mark.django_db
def test_the_figures_page_draws_the_hourly_chart(hall_town: City) -> None:
    _day(hall_town)
    page = signed_in(hall_town.manager).get("/halls/H1/figures/?day=2026-10-30").content.decode()
    assert page.count("<rect ") == 13  # 07:00 … 19:00
    assert "<title>9:00 2</title>" in page


@pytest.mark.django_db
@pytest.mark.parametrize(("clock", "abandoned"), [("17:29", 0), ("17:30", 1), ("20:00", 1)])
def test_tickets_still_waiting_at_closing_time_count_as_abandoned_that_evening(
    hall_town: City, monkeypatch: pytest.MonkeyPatch, clock: str, abandoned: int
) -> None:
    _ticket(hall_town, 1, day=DAY, hour=16, wait=None, handle=None, status="waiting")
    hour, minute = map(int, clock.split(":"))
    moment = datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=SHANGHAI)
    monkeypatch.setattr(figures, "now", lambda: moment)
    hall = Hall.objects.get(pk=hall_town.hall.pk)  # closes at 17:30
    report = figures.hall_figures(hall, DAY, DAY)
    assert (report.arrivals, report.abandoned) == (1, abandoned)


@pytest.mark.django_db
def test_appointments_booked_and_missed_are_counted(hall_town: City) -> None:
    payment = BusinessType.objects.get(hall=hall_town.hall, kind="payment")
    made = datetime(2026, 10, 28, 10, 0, tzinfo=SHANGHAI)
    for n, status in enumerate(["missed", "missed", "cancelled", "booked", "missed"]):
        Appointment.objects.create(
            hall=hall_town.hall if n < 4 else hall_town.other_hall,
            business_type=payment if n < 4 else BusinessType.objects.get(hall=hall_town.other_hall, kind="payment"),
            day=DAY,
            starts_at=time(9, 0),
            ends_at=time(9, 30),
            phone="13800001111",
            reference=f"REF{n:05d}",
            status=status,
            created_at=made,
        )
    report = figures.hall_figures(Hall.objects.get(pk=hall_town.hall.pk), DAY, DAY)
    assert (report.appointments, report.appointments_missed) == (3, 2)  # the cancelled one is no booking
