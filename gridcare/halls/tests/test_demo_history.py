"""The demo halls' history (issue 13): several weeks of tickets, calls and ratings before today,
following the month-end peaks, written as the services write them, the same for a seed and
written once."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from gridcare.core.calendar import is_working_day
from gridcare.core.timezone import SHANGHAI
from gridcare.customers.demo import seed_customers
from gridcare.halls import demo
from gridcare.halls.demo import history_days, seed_halls, seed_history
from gridcare.halls.figures import hall_figures
from gridcare.halls.models import Evaluation, Ticket, TicketEvent, TicketSequence, TicketStatus
from gridcare.halls.services.tickets import ticket_issue
from gridcare.org.access import scope_for
from gridcare.org.demo import seed_org
from gridcare.org.models import Hall, Staff

# Wednesday 2 December 2026, 11:00 in Shanghai: the history runs from Wednesday 21 October, over
# the end of October (29th, 30th) and of November (30th) into December's first days.
NOW = datetime(2026, 12, 2, 11, 0, tzinfo=SHANGHAI)
TODAY = NOW.date()


def seed(monkeypatch: pytest.MonkeyPatch, moment: datetime = NOW, weeks: int = 6) -> int:
    monkeypatch.setattr(timezone, "now", lambda: moment)
    seed_org(password="Demo-pass-1")  # noqa: S106 - test data
    seed_halls()
    seed_customers(count=200, seed=1)
    return seed_history(weeks=weeks, seed=1)


def per_day(hall: str) -> dict[date, int]:
    days = Ticket.objects.filter(hall__code=hall).values_list("day", flat=True)
    return dict(sorted(Counter(days).items()))


def edge(day: date) -> bool:
    return day.day <= 3 or (day + timedelta(days=3)).month != day.month


# The history's shape is the generator's, the same on either database (PostgreSQL's COPY path is
# checked row by row in test_every_ticket_has_the_rows_the_services_write).
@pytest.mark.one_database
@pytest.mark.django_db
def test_the_history_is_the_same_for_a_seed_and_written_once(monkeypatch: pytest.MonkeyPatch) -> None:
    written = seed(monkeypatch)
    assert written == Ticket.objects.count()
    h01 = per_day("H01")
    assert list(h01)[0] == date(2026, 10, 21)
    assert list(h01)[-1] == TODAY
    assert {d: h01[d] for d in (date(2026, 11, 18), date(2026, 11, 30), date(2026, 12, 1))} == {
        date(2026, 11, 18): 244,  # a Wednesday in mid-month
        date(2026, 11, 30): 408,  # the month's last day, a Monday
        date(2026, 12, 1): 359,  # the first of the next
    }
    assert {h.code: sum(per_day(h.code).values()) for h in Hall.objects.all()} == {
        "H01": 7930,
        "H02": 5394,
        "H03": 6680,
        "H04": 3985,
    }
    # a second run, later the same day, adds nothing
    counts = (Ticket.objects.count(), TicketEvent.objects.count(), Evaluation.objects.count())
    monkeypatch.setattr(timezone, "now", lambda: NOW + timedelta(hours=3))
    assert seed_history(weeks=6, seed=1) == 0
    assert (Ticket.objects.count(), TicketEvent.objects.count(), Evaluation.objects.count()) == counts


@pytest.mark.one_database
@pytest.mark.django_db
def test_the_history_follows_the_month_ends_mondays_and_the_lunch_hour(monkeypatch: pytest.MonkeyPatch) -> None:
    seed(monkeypatch)
    for hall in Hall.objects.order_by("code"):
        days = {d: n for d, n in per_day(hall.code).items() if d < TODAY}
        middle = statistics.mean(n for d, n in days.items() if not edge(d) and d.weekday() != 0)
        assert statistics.mean(n for d, n in days.items() if edge(d)) > 1.25 * middle, hall.code
        report = hall_figures(hall, date(2026, 11, 1), date(2026, 11, 30))
        assert report.edge_ratio is not None and report.edge_ratio > 1.25
        # the figures page shows a hall at work: short waits mostly, a few absent, most rate it
        assert report.wait_mean is not None and 1 < report.wait_mean < 10
        assert report.within_target is not None and report.within_target > 0.85
        assert report.abandonment_rate is not None and 0.005 < report.abandonment_rate < 0.05
        assert report.satisfaction_rate is not None and report.satisfaction_rate > 0.9
        assert all(c.utilisation is not None and 0.1 < c.utilisation < 0.9 for c in report.counters)
    mornings: dict[int, list[int]] = defaultdict(list)
    hours: Counter[int] = Counter()
    for issued in Ticket.objects.filter(day__lt=TODAY).values_list("issued_at", flat=True):
        local = issued.astimezone(SHANGHAI)
        hours[local.hour] += 1
        if local.hour < 12 and not edge(local.date()):
            mornings[local.weekday()].append(1)
    mondays = sum(1 for d in history_days(TODAY, 6) if d.weekday() == 0 and not edge(d) and d < TODAY)
    wednesdays = sum(1 for d in history_days(TODAY, 6) if d.weekday() == 2 and not edge(d) and d < TODAY)
    assert len(mornings[0]) / mondays > 1.15 * len(mornings[2]) / wednesdays
    assert hours[12] < 0.7 * hours[10]  # the lunch dip


@pytest.mark.django_db
def test_every_ticket_has_the_rows_the_services_write(monkeypatch: pytest.MonkeyPatch) -> None:
    seed(monkeypatch, weeks=2)
    tickets = {t.pk: t for t in Ticket.objects.select_related("business_type")}
    steps: dict[int, list[tuple[str, datetime, int | None, int | None]]] = defaultdict(list)
    for ticket_id, type_, at, counter, actor in TicketEvent.objects.order_by("id").values_list(
        "ticket_id", "type", "created_at", "counter_id", "actor_id"
    ):
        steps[ticket_id].append((type_, at, counter, actor))
    rated = {e.ticket_id: e for e in Evaluation.objects.all()}
    statuses = Counter(t.status for t in tickets.values())
    assert statuses == {TicketStatus.FINISHED: 8025, TicketStatus.NO_SHOW: 148}
    for pk, t in tickets.items():
        kinds = [s[0] for s in steps[pk]]
        assert steps[pk][0][1] == t.issued_at
        if t.status == TicketStatus.WAITING:  # left before being called; the hall has closed
            assert kinds == ["issued"] and t.day < TODAY
            continue
        assert t.called_at == t.first_called_at and t.issued_at <= t.called_at < t.finished_at
        called, *_rest, ended = steps[pk][1:]
        assert called == ("called", t.called_at, t.counter_id, t.clerk_id)
        assert ended[1:] == (t.finished_at, t.counter_id, t.clerk_id)
        if t.status == TicketStatus.FINISHED:
            assert kinds == ["issued", "called", "finished"]
            minutes = (t.finished_at - t.called_at).total_seconds() / 60
            assert 0.5 <= minutes <= 4 * t.business_type.expected_minutes
        else:
            assert kinds == ["issued", "called", "recalled", "no_show"] and t.recalls == 1
            assert pk not in rated
        if pk in rated:
            e = rated[pk]
            assert (e.hall_id, e.counter_id, e.business_type_id, e.clerk_id) == (
                t.hall_id,
                t.counter_id,
                t.business_type_id,
                t.clerk_id,
            )
            assert t.finished_at < e.created_at <= NOW
    finished = statuses[TicketStatus.FINISHED]
    assert len(rated) == 5664
    assert abs(len(rated) / finished - demo.EVALUATION_RATE) < 0.02


@pytest.mark.django_db
def test_today_holds_only_visits_over_by_now_and_numbering_continues(monkeypatch: pytest.MonkeyPatch) -> None:
    seed(monkeypatch)
    today = Ticket.objects.filter(day=TODAY)
    assert today.exclude(status__in=[TicketStatus.FINISHED, TicketStatus.NO_SHOW]).count() == 0
    assert today.filter(finished_at__gt=NOW).count() == 0
    assert Evaluation.objects.filter(created_at__gt=NOW).count() == 0
    h01 = Hall.objects.get(code="H01")
    payments = today.filter(hall=h01, business_type__kind="payment")
    last = max(int(n[1:]) for n in payments.values_list("number", flat=True))
    assert TicketSequence.objects.get(business_type__hall=h01, business_type__kind="payment", day=TODAY).last == last
    guide = Staff.objects.get(user__username="h01.guide").user
    ticket = ticket_issue(scope=scope_for(guide), actor=guide, hall=h01, kind="payment", source="guide")
    assert ticket.number == f"A{last + 1:03d}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 10, 10, 10, 0, tzinfo=SHANGHAI),  # a Saturday worked for the National Day
        datetime(2030, 6, 15, 9, 30, tzinfo=SHANGHAI),  # a Saturday of a year without a notice
    ],
)
def test_the_history_keeps_the_working_days_on_any_date(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    seed(monkeypatch, moment=moment, weeks=3)
    days = set(Ticket.objects.values_list("day", flat=True))
    today = moment.date()
    start = today - timedelta(weeks=3)
    working = {start + timedelta(days=n) for n in range(21) if is_working_day(start + timedelta(days=n))}
    assert {d for d in days if d < today} == working
    assert (today in days) == is_working_day(today)
    if today.year == 2026:  # the make-up Sunday is worked, the holiday week is not
        assert date(2026, 9, 20) in days
        assert not {date(2026, 10, d) for d in range(1, 8)} & days
    else:
        assert {d.weekday() for d in days} == {0, 1, 2, 3, 4}
