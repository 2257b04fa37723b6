"""The work-order side of the roll-up (orders received, complaints, deadlines met, call-backs,
complaints found true), and which days the nightly job rolls up."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from gridcare.assessment.models import OrderDay, RolledDay
from gridcare.assessment.selectors import figure_rows
from gridcare.assessment.services.rollup import days_due, rollup_day, rollup_due
from gridcare.assessment.tests.conftest import Made
from gridcare.core.testing import City
from gridcare.core.timezone import SHANGHAI
from gridcare.org.access import scope_for
from gridcare.org.models import Staff
from gridcare.workorders.models import CallBack, Deadline, StaffFinding
from gridcare.workorders.tests.conftest import Clock, take

D = date(2025, 9, 26)


def _at(hour: int, minute: int = 0, day: date = D) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def test_a_days_orders_count_for_their_owner_and_a_finding_for_the_person_at_fault(town: City, clock: Clock) -> None:
    complaint = take(town.agent)
    inquiry = take(town.agent, type="inquiry", text="咨询电价")
    agent = Staff.objects.get(user=town.agent)
    assert complaint.owner_id == inquiry.owner_id == agent.pk
    Deadline.objects.filter(order__in=[complaint, inquiry]).update(due_at=_at(9, day=D + timedelta(days=3)))
    first, second = Deadline.objects.filter(order=complaint).order_by("pk")[:2]
    Deadline.objects.filter(pk=first.pk).update(due_at=_at(15), met_at=_at(14))  # met
    Deadline.objects.filter(pk=second.pk).update(due_at=_at(16), met_at=_at(17))  # late
    for reached, satisfied in ((True, True), (True, False), (False, None)):
        CallBack.objects.create(
            order=inquiry, reached=reached, satisfied=satisfied, actor=town.supervisor, created_at=_at(18)
        )
    clerk = Staff.objects.get(user=town.clerk)
    StaffFinding.objects.create(
        order=complaint, staff=clerk, note="态度差查实", recorded_by=town.supervisor, created_at=_at(19)
    )
    rollup_day(D)
    rows = {r.key: r.figures for r in figure_rows(scope=scope_for(town.admin), start=D, end=D, level="person")}
    mine = rows[agent.pk]
    assert (mine.received, mine.complaints, mine.deadlines_due, mine.deadlines_met, mine.deadline_rate) == (
        2,
        1,
        2,
        1,
        0.5,
    )
    assert (mine.callbacks_reached, mine.callbacks_satisfied, mine.callback_rate, mine.verified) == (2, 1, 0.5, 0)
    assert rows[clerk.pk].verified == 1 and rows[clerk.pk].received == 0
    company = figure_rows(scope=scope_for(town.admin), start=D, end=D, level="company")[0].figures
    assert (company.received, company.verified, company.deadlines_due) == (2, 1, 2)
    # The next day holds none of it.
    rollup_day(D + timedelta(days=1))
    assert not OrderDay.objects.filter(day=D + timedelta(days=1), received__gt=0).exists()


def test_the_nightly_job_rolls_up_the_days_not_yet_done_and_yesterday_again(
    town: City, tickets: Made, monkeypatch: pytest.MonkeyPatch, settings: object
) -> None:
    today = tickets.last + timedelta(days=2)  # 2026-11-08; tickets on 2 … 6 November
    assert days_due(today=today) == [tickets.first + timedelta(days=d) for d in range(6)]
    monkeypatch.setattr(timezone, "now", lambda: _at(1, 30, today))
    result = rollup_due()
    assert len(result.days) == 6 and RolledDay.objects.count() == 6
    # The next night: the new day, and the one before it again (ROLLUP_REDO_DAYS = 1).
    assert days_due(today=today + timedelta(days=1)) == [today - timedelta(days=1), today]
    # A day the worker missed is caught up.
    RolledDay.objects.filter(day=tickets.first + timedelta(days=2)).delete()
    assert days_due(today=today + timedelta(days=1)) == [
        tickets.first + timedelta(days=2),
        today - timedelta(days=1),
        today,
    ]


def test_a_stopping_worker_leaves_the_remaining_days_for_the_next_run(town: City, tickets: Made) -> None:
    calls = iter([False, False, True])
    result = rollup_due(today=tickets.last + timedelta(days=1), stop=lambda: next(calls))
    assert result.days == [tickets.first, tickets.first + timedelta(days=1)]
    assert sorted(RolledDay.objects.values_list("day", flat=True)) == result.days
