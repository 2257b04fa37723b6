"""The figures read from the daily roll-ups equal the same figures computed from the raw
tickets (ASSESS-2), for every person, counter, hall, unit and the company, on random data."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from gridcare.assessment.models import RolledDay, ServiceDay
from gridcare.assessment.selectors import figure_rows
from gridcare.assessment.services.rollup import rollup_day
from gridcare.assessment.tests.conftest import Made
from gridcare.core.testing import City
from gridcare.halls.models import Ticket
from gridcare.org.access import scope_for
from gridcare.org.models import Staff


def _roll(made: Made) -> None:
    day = made.first
    while day <= made.last:
        rollup_day(day)
        day = day.fromordinal(day.toordinal() + 1)


def _p90(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(0.9 * len(ordered)), 1) - 1]


def _raw(tickets: list[Ticket]) -> dict[str, float | int | None]:
    """The figures of ``tickets`` computed here, from the rows, independently of the roll-up."""
    waits = [(t.first_called_at - t.issued_at).total_seconds() / 60 for t in tickets if t.first_called_at]
    served = [t for t in tickets if t.status == "finished"]
    handles = [(t.finished_at - t.called_at).total_seconds() / 60 for t in served if t.finished_at and t.called_at]
    rated = [t.evaluation.rating for t in tickets if hasattr(t, "evaluation")]
    return {
        "tickets": len(tickets),
        "served": len(served),
        "no_show": sum(t.status == "no_show" for t in tickets),
        "abandoned": sum(t.status == "waiting" for t in tickets),
        "evaluated": len(rated),
        "wait_mean": sum(waits) / len(waits) if waits else None,
        "wait_p90": _p90(waits),
        "within_target": sum(w <= 15 for w in waits) / len(waits) if waits else None,
        "handle_mean": sum(handles) / len(handles) if handles else None,
        "handle_p90": _p90(handles),
        "satisfaction_rate": (sum(r in ("very_satisfied", "satisfied") for r in rated) / len(rated)) if rated else None,
    }


def _same(figures: object, raw: dict[str, float | int | None]) -> None:
    for name, expected in raw.items():
        got = getattr(figures, name)
        if expected is None or isinstance(expected, int):
            assert got == expected, name
        else:
            assert got == pytest.approx(expected, rel=1e-12, abs=1e-9), name


LEVELS: dict[str, Callable[[Ticket], int | None]] = {
    "counter": lambda t: t.counter_id,
    "hall": lambda t: t.hall_id,
    "unit": lambda t: t.hall.unit_id,
    "company": lambda t: t.hall.unit.company_id,
}


@pytest.mark.parametrize("level", sorted(LEVELS))
def test_place_figures_equal_the_raw_figures(town: City, tickets: Made, level: str) -> None:
    _roll(tickets)
    rows = {
        r.key: r for r in figure_rows(scope=scope_for(town.admin), start=tickets.first, end=tickets.last, level=level)
    }
    everything = list(Ticket.objects.select_related("hall__unit", "evaluation"))
    keys = {LEVELS[level](t) for t in everything} - {None}
    assert set(rows) == keys
    for key in keys:
        _same(rows[key].figures, _raw([t for t in everything if LEVELS[level](t) == key]))


def test_person_figures_equal_the_raw_figures_of_the_tickets_they_called(town: City, tickets: Made) -> None:
    _roll(tickets)
    rows = {
        r.key: r
        for r in figure_rows(scope=scope_for(town.admin), start=tickets.first, end=tickets.last, level="person")
    }
    everything = list(Ticket.objects.select_related("evaluation"))
    people = {s.user_id: s.pk for s in Staff.objects.all()}
    called = {people[t.clerk_id] for t in everything if t.clerk_id}
    assert set(rows) == called and len(called) == 3
    for staff_id in called:
        mine = [t for t in everything if t.clerk_id and people[t.clerk_id] == staff_id]
        _same(rows[staff_id].figures, _raw(mine))
        assert rows[staff_id].name.startswith(Staff.objects.get(pk=staff_id).name)


def test_a_part_of_the_period_sums_only_its_days(town: City, tickets: Made) -> None:
    _roll(tickets)
    day = tickets.first
    rows = figure_rows(scope=scope_for(town.admin), start=day, end=day, level="company")
    assert len(rows) == 1
    _same(rows[0].figures, _raw(list(Ticket.objects.filter(day=day).select_related("evaluation"))))


def test_rolling_a_day_up_again_gives_the_same_rows(town: City, tickets: Made) -> None:
    def rows() -> list[tuple[object, ...]]:
        found = ServiceDay.objects.filter(day=tickets.first).values_list(
            "hall_id", "counter_id", "staff_id", "tickets", "waits"
        )
        return sorted(((*r[:4], bytes(r[4])) for r in found), key=str)

    first = rollup_day(tickets.first)
    before = rows()
    again = rollup_day(tickets.first)
    after = rows()
    assert before == after and first.service_rows == again.service_rows == len(after)
    rolled = RolledDay.objects.get(day=tickets.first)
    assert rolled.tickets == Ticket.objects.filter(day=tickets.first).count()
