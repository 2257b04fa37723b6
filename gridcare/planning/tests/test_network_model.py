"""The outlet-network MILP (PLAN-3) on small cases whose optimum is worked out by hand, its
refusals, and the 撤、并、移、改、建 read from its answers."""

from __future__ import annotations

import pytest

from gridcare.planning.rules.network import (
    BUILD,
    CONVERT,
    KEEP,
    MERGE,
    MOVE,
    MOVED_IN,
    Demand,
    Knobs,
    Recommendation,
    Site,
    haversine_km,
    recommend,
    solve,
    within,
)

# Two places 0.1° of longitude apart at 30°N: 9.6298 km.
D = float(haversine_km(30.0, 120.0, 30.0, 120.1))
A = Site("A", "甲厅", 30.0, 120.0, existing=True, max_counters=2, fixed_cost=100, counter_cost=50, counters_now=2)
B = Site("B", "乙址", 30.0, 120.1, existing=False, max_counters=2, fixed_cost=100, counter_cost=50)
P = [Demand("P1", "一号台区", 30.0, 120.0, visits=800, customers=10), Demand("P2", "二号台区", 30.0, 120.1, 600, 5)]


def knobs(**changes: object) -> Knobs:
    base: dict[str, object] = {"max_km": 20.0, "tickets_per_counter": 1000.0, "distance_cost": 0.01}
    return Knobs(**{**base, **changes})  # type: ignore[arg-type]


def test_the_distance_is_the_great_circle() -> None:
    assert pytest.approx(9.62978, abs=1e-5) == D


def test_cheap_travel_keeps_one_hall_with_two_counters() -> None:
    # A alone: 100 + 2×50 = 200, and P2's 600 visits travel D km at 0.01: 200 + 6·D = 257.78;
    # both open: 300; B alone: 200 + 8·D = 277.04.
    answer = solve(P, [A, B], knobs())
    assert answer.status == "optimal"
    assert answer.counters == {"A": 2}
    assert answer.served == {"P1": "A", "P2": "A"}
    assert answer.site_cost == 200
    assert answer.objective == pytest.approx(200 + 6 * D, abs=1e-6)
    assert recommend(P, [A, B], knobs(), answer) == [Recommendation("A", KEEP, None, 2, 2)]


def test_dear_travel_opens_the_candidate_too() -> None:
    # At 0.1 a visit-km, A alone costs 200 + 60·D = 777.8: both open (300, nobody travels) is best.
    answer = solve(P, [A, B], knobs(distance_cost=0.1))
    assert answer.counters == {"A": 1, "B": 1}
    assert answer.objective == pytest.approx(300)
    assert recommend(P, [A, B], knobs(distance_cost=0.1), answer) == [
        Recommendation("A", KEEP, None, 2, 1),
        Recommendation("B", BUILD, None, 0, 1),
    ]
    assert within(answer.km, {"P1": 10, "P2": 5}, 1.0) == 1.0


@pytest.mark.parametrize("limit", [{"max_sites": 1}, {"budget": 250.0}])
def test_one_site_or_a_budget_below_two_keeps_the_hall_with_the_most_visits(limit: dict[str, float]) -> None:
    answer = solve(P, [A, B], knobs(distance_cost=0.1, **limit))
    assert answer.counters == {"A": 2}
    assert answer.objective == pytest.approx(200 + 60 * D, abs=1e-6)


def test_a_barred_hall_moves_to_the_candidate() -> None:
    barred = Site(**{**A.__dict__, "bar": True})
    answer = solve(P, [barred, B], knobs())
    assert answer.counters == {"B": 2}
    assert answer.objective == pytest.approx(200 + 8 * D, abs=1e-6)
    assert recommend(P, [barred, B], knobs(move_km=10.0), answer) == [
        Recommendation("A", MOVE, "B", 2, 2),
        Recommendation("B", MOVED_IN, "A", 0, 2),
    ]
    # Farther than the move distance, the hall is merged into the site that takes its 台区.
    assert recommend(P, [barred, B], knobs(move_km=5.0), answer) == [
        Recommendation("A", MERGE, "B", 2, 0),
        Recommendation("B", BUILD, None, 0, 2),
    ]


def test_a_quiet_hall_with_much_self_service_is_converted() -> None:
    quiet = Site(**{**A.__dict__, "bar": True, "density": 1.2, "self_service_share": 0.45})
    answer = solve(P, [quiet, B], knobs())
    found = recommend(P, [quiet, B], knobs(move_km=1.0, convert_density=2.0, convert_self_service=0.3), answer)
    assert found == [Recommendation("A", CONVERT, "B", 2, 0), Recommendation("B", BUILD, None, 0, 2)]


def test_a_kept_site_stays_open_even_when_dearer() -> None:
    # B kept: B alone (200 + 8·D = 277.04) beats both (300); A closes, its 台区 go to B.
    kept = Site(**{**B.__dict__, "keep": True})
    answer = solve(P, [A, kept], knobs())
    assert answer.counters == {"B": 2}
    assert answer.objective == pytest.approx(200 + 8 * D, abs=1e-6)


def test_a_taiqu_beyond_the_limit_is_infeasible_with_its_name() -> None:
    answer = solve(P, [A], knobs(max_km=5.0))
    assert (answer.status, answer.reason) == ("infeasible", "unreachable")
    assert answer.detail == {"areas": ["二号台区"], "count": 1, "km": 5.0}
    assert recommend(P, [A], knobs(max_km=5.0), answer) == []


def test_too_few_counters_for_the_visits_is_infeasible() -> None:
    small = Site(**{**A.__dict__, "max_counters": 1})
    answer = solve(P, [small], knobs())
    assert (answer.reason, answer.detail) == ("capacity", {"visits": 1400, "room": 1000})


def test_a_budget_below_any_answer_is_infeasible() -> None:
    answer = solve(P, [A, B], knobs(budget=150.0))
    assert (answer.status, answer.reason) == ("infeasible", "solver")


def test_a_large_model_solved_in_two_passes_reports_its_gap_against_fractional_counters() -> None:
    # The two passes (sites with counters as fractions, then whole counters at those sites) find
    # the same answer; the bound of the first pass is A with 1.4 counters: 100 + 70 + 6·D.
    answer = solve(P, [A, B], knobs(direct_pairs=0))
    assert answer.counters == {"A": 2}
    assert answer.objective == pytest.approx(200 + 6 * D, abs=1e-6)
    assert answer.gap == pytest.approx(1 - (170 + 6 * D) / (200 + 6 * D), abs=1e-6)
    assert answer.status == "feasible"
