"""Deadline rules (WO-3): every type, every area, the working-day calendar (as saved), settings."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.test import override_settings
from pytest_django import Settings

from gridcare.core.timezone import SHANGHAI
from gridcare.workorders.rules import DeadlineRules, plan_deadlines, reply_deadline, resumed, warn_time

pytestmark = pytest.mark.django_db  # the calendar's rows

FRIDAY = datetime(2025, 9, 26, 10, 0, tzinfo=SHANGHAI)


def _plan(order_type: str, area: str = "urban", at: datetime = FRIDAY) -> list[tuple[str, datetime]]:
    return [(p.kind, p.due_at) for p in plan_deadlines(order_type, area, at, DeadlineRules.from_settings())]


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=SHANGHAI)


def test_a_complaint_is_contacted_within_24_hours_and_answered_within_5_working_days() -> None:
    assert _plan("complaint") == [("contact", at(9, 27)), ("reply", at(10, 10))]


def test_a_report_is_answered_within_9_working_days() -> None:
    # 9/28 (make-up Sunday), 9/29, 9/30, then 10/9, 10/10, 10/11 (make-up Saturday), 10/13, 10/14, 10/15.
    assert _plan("report") == [("reply", at(10, 15))]


@pytest.mark.parametrize(
    ("area", "arrival", "restoration"),
    [("urban", at(9, 26, 10, 45), at(9, 26, 13, 45)), ("rural", at(9, 26, 11, 30), at(9, 26, 15, 30)),
     ("remote", at(9, 26, 12, 0), at(9, 26, 16, 0))],
)  # fmt: skip
def test_a_fault_crew_arrives_within_45_90_120_minutes_and_restores_within_3_or_4_hours(
    area: str, arrival: datetime, restoration: datetime
) -> None:
    assert _plan("fault", area) == [("arrival", arrival), ("restoration", restoration)]


@pytest.mark.parametrize(
    ("order_type", "due"),
    [("opinion", at(10, 16)), ("suggestion", at(10, 16)), ("inquiry", at(9, 28)), ("service_request", at(10, 10)),
     ("urging", at(9, 28))],
)  # fmt: skip
def test_the_other_types_get_their_configured_reply_deadline(order_type: str, due: datetime) -> None:
    assert _plan(order_type) == [("reply", due)]


def test_praise_has_no_deadline() -> None:
    assert _plan("praise") == []


def test_an_order_taken_on_a_holiday_counts_from_the_next_working_day() -> None:
    assert _plan("inquiry", at=at(10, 3, 15)) == [("reply", at(10, 9, 15))]


def test_a_province_changes_the_numbers_in_settings_not_code(settings: Settings) -> None:
    rules = dict(settings.GRIDCARE_RULES)
    rules["COMPLAINT_REPLY_WORKING_DAYS"] = 3
    rules["REPAIR_ARRIVAL_MINUTES"] = {"urban": 30, "rural": 60, "remote": 90}
    with override_settings(GRIDCARE_RULES=rules):
        assert _plan("complaint") == [("contact", at(9, 27)), ("reply", at(9, 30))]
        assert _plan("fault")[0] == ("arrival", at(9, 26, 10, 30))


def test_warnings_come_with_a_quarter_of_the_time_left() -> None:
    assert warn_time(at(9, 26, 10), at(9, 26, 10, 40), 25) == at(9, 26, 10, 30)
    planned = plan_deadlines("fault", "urban", FRIDAY, DeadlineRules.from_settings())
    assert planned[0].warn_at == FRIDAY + timedelta(minutes=45 * 0.75)


def test_waiting_for_the_customer_moves_a_deadline_by_the_time_waited() -> None:
    assert resumed(at(10, 10), at(9, 29, 9), at(9, 29, 15)).value == at(10, 10, 16)


def test_a_reopened_complaint_gets_a_fresh_reply_deadline_but_a_fault_does_not() -> None:
    planned = reply_deadline("complaint", at(10, 9), DeadlineRules.from_settings())
    assert planned is not None and planned.due_at == at(10, 15)  # 10/11 is a make-up Saturday
    assert reply_deadline("fault", at(10, 9), DeadlineRules.from_settings()) is None


def test_a_reply_deadline_moves_by_the_working_time_waited_not_the_weekend() -> None:
    # Paused Friday 14 Nov 2025 16:00, resumed Monday 17 Nov 10:00: 8 h of Friday and 10 h of
    # Monday count, the weekend does not. A reply due Wednesday 19 Nov 12:00 moves by 18 working
    # hours to Thursday 06:00 (by the clock it would land on Saturday).
    paused, back = at(11, 14, 16), at(11, 17, 10)
    assert resumed(at(11, 19, 12), paused, back, working_days=True).value == at(11, 20, 6)
    assert resumed(at(11, 19, 12), paused, back).value == at(11, 22, 6)


def test_a_pause_entirely_over_a_holiday_costs_a_reply_deadline_nothing() -> None:
    # National Day 2025: 1-8 October are rest days.
    assert resumed(at(10, 10), at(10, 2, 9), at(10, 6, 15), working_days=True).value == at(10, 10)


def test_a_reply_reckoned_into_a_year_without_a_notice_says_which_year() -> None:
    # Monday 28 December 2026 10:00, 5 working days: 29, 30, 31 December (2026 known), then
    # Friday 1 and Monday 4 January 2027 counted Monday to Friday.
    monday = datetime(2026, 12, 28, 10, 0, tzinfo=SHANGHAI)
    (reply,) = plan_deadlines("opinion", "urban", monday, DeadlineRules.from_settings())
    assert reply.unknown_years == {2027}
    assert reply.provisional is True
    assert reply.start_at == monday
    inside = plan_deadlines("complaint", "urban", FRIDAY, DeadlineRules.from_settings())
    assert [p.provisional for p in inside] == [False, False]


def test_a_pause_into_a_year_without_a_notice_is_provisional() -> None:
    paused = datetime(2026, 12, 31, 16, 0, tzinfo=SHANGHAI)
    back = datetime(2027, 1, 4, 10, 0, tzinfo=SHANGHAI)
    due = datetime(2027, 1, 5, 10, 0, tzinfo=SHANGHAI)
    moved = resumed(due, paused, back, working_days=True)
    # 8 h of 31 December, 24 h of Friday 1 January (Monday-Friday assumed), 10 h of the 4th.
    assert moved.value == due + timedelta(hours=42)
    assert moved.unknown_years == {2027}
