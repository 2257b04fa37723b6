"""The pure calling order and life-cycle table (gridcare.halls.rules)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from gridcare.halls import rules

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
AGEING = timedelta(minutes=20)
PRIORITIES = ["vip", "elderly", "appointment", "normal"]


def w(id: int, priority: str, minutes_ago: int, line: str = "A") -> rules.Waiting:
    return rules.Waiting(id=id, priority=priority, issued_at=NOW - timedelta(minutes=minutes_ago), line=line)


def test_priority_classes_then_arrival() -> None:
    order = rules.call_order(
        [w(1, "normal", 10), w(2, "elderly", 2), w(3, "vip", 1), w(4, "appointment", 5)], now=NOW, ageing=AGEING
    )
    assert [t.id for t in order] == [3, 2, 4, 1]


def test_an_aged_normal_ticket_goes_before_a_newer_vip() -> None:
    order = rules.call_order([w(1, "vip", 1), w(2, "normal", 20)], now=NOW, ageing=AGEING)
    assert [t.id for t in order] == [2, 1]


def test_positions_count_people_ahead_in_each_line() -> None:
    tickets = [w(1, "normal", 5, "A"), w(2, "normal", 4, "B"), w(3, "vip", 1, "A"), w(4, "normal", 3, "A")]
    assert rules.queue_positions(tickets, now=NOW, ageing=AGEING) == {3: 0, 1: 1, 4: 2, 2: 0}


def test_the_transition_table_allows_only_moves_from_called_after_the_call() -> None:
    assert rules.next_status("waiting", rules.Action.CALL) == "called"
    assert rules.next_status("waiting", rules.Action.FINISH) is None
    assert rules.next_status("finished", rules.Action.RECALL) is None
    assert rules.next_status("no_show", rules.Action.CALL) is None
    assert rules.next_status("called", rules.Action.TRANSFER) == "waiting"


def test_ticket_numbers_have_three_digits_at_least() -> None:
    assert [rules.ticket_number("A", n) for n in (1, 42, 999, 1000)] == ["A001", "A042", "A999", "A1000"]


tickets_strategy = st.lists(
    st.tuples(st.sampled_from(PRIORITIES), st.integers(min_value=0, max_value=90)), min_size=1, max_size=30
)


@settings(max_examples=60)
@given(tickets_strategy)
def test_every_ticket_is_ordered_once_and_no_aged_ticket_follows_a_newer_one(specs: list[tuple[str, int]]) -> None:
    tickets = [w(i, p, m) for i, (p, m) in enumerate(specs)]
    order = rules.call_order(tickets, now=NOW, ageing=AGEING)
    assert sorted(t.id for t in order) == list(range(len(specs)))
    for i, earlier in enumerate(order):
        for later in order[i + 1 :]:
            if NOW - later.issued_at >= AGEING:
                # An aged ticket is never behind a ticket issued after it.
                assert earlier.issued_at <= later.issued_at


@settings(max_examples=60)
@given(tickets_strategy)
def test_among_fresh_tickets_a_higher_class_never_follows_a_lower_one(specs: list[tuple[str, int]]) -> None:
    tickets = [w(i, p, m % 20) for i, (p, m) in enumerate(specs)]  # none aged
    ranks = [rules.PRIORITY_RANK[t.priority] for t in rules.call_order(tickets, now=NOW, ageing=AGEING)]
    assert ranks == sorted(ranks)
