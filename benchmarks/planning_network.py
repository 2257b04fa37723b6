"""The outlet-network model at its target size (PLAN-3, issue 17): 2,000 台区 and 100 sites (20
existing halls, 80 candidates) around one city, synthetic and seeded, solved with HiGHS through
``gridcare.planning.rules.network.solve`` (target: under 30 s), against a greedy heuristic in the
same run (open the site that saves most until every 台区 is served, then counters by load).

Pure code, no database: ``python benchmarks/planning_network.py [--seed 1] [--areas 2000]
[--sites 100] [--max-km 8]``. Prints the times, the MIP gap, both costs and their ratios.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._setup import machine  # noqa: E402
from gridcare.planning.rules.network import Demand, Knobs, Site, distances, solve  # noqa: E402

CENTRE = (30.25, 120.17)  # Hangzhou


def world(seed: int, areas: int, sites: int) -> tuple[list[Demand], list[Site]]:
    """台区 clustered around a few town centres, halls at some of the centres, candidates scattered."""
    rng = np.random.default_rng(seed)
    towns = rng.normal(size=(12, 2)) * 0.12 + CENTRE
    pick = rng.integers(0, len(towns), size=areas)
    points = towns[pick] + np.clip(rng.normal(size=(areas, 2)), -2, 2) * 0.025  # within ~7.5 km of a town
    demands = [
        Demand(f"T{i}", f"T{i}", float(lat), float(lon), float(rng.integers(100, 1500)), int(rng.integers(50, 600)))
        for i, (lat, lon) in enumerate(points)
    ]
    existing = min(20, sites)
    # A hall in every town centre, the rest of the halls near a town; candidates at 台区.
    towns_of_halls = np.concatenate([np.arange(len(towns)), rng.integers(0, len(towns), size=existing)])[:existing]
    halls = towns[towns_of_halls] + rng.normal(size=(existing, 2)) * 0.005
    place = np.vstack([halls, points[rng.choice(areas, size=sites - existing, replace=False)]])
    found = [
        Site(
            f"S{j}",
            f"S{j}",
            float(lat),
            float(lon),
            existing=j < existing,
            max_counters=12,
            fixed_cost=float(300_000 if j < existing else rng.integers(350_000, 600_000)),
            counter_cost=150_000.0,
            counters_now=int(rng.integers(3, 8)) if j < existing else 0,
        )
        for j, (lat, lon) in enumerate(place)
    ]
    return demands, found


def greedy(demands: list[Demand], sites: list[Site], knobs: Knobs) -> tuple[float, float]:
    """Open sites one by one, each time the one serving the most unserved visits per yuan, until all
    are served; each 台区 goes to its nearest open site; counters by load. Returns (cost, seconds)."""
    started = time.perf_counter()
    km = distances(demands, sites)
    visits = np.array([d.visits for d in demands])
    reach = km <= knobs.max_km
    cap_visits = np.array([s.max_counters * knobs.tickets_per_counter for s in sites])
    cost_open = np.array([s.fixed_cost + s.counter_cost * s.max_counters for s in sites])
    unserved = np.ones(len(demands), dtype=bool)
    opened: list[int] = []
    while unserved.any():
        gain = np.minimum((reach & unserved[:, None]).T @ visits, cap_visits) / cost_open
        gain[opened] = -1
        j = int(np.argmax(gain))
        if gain[j] <= 0:
            break
        opened.append(j)
        unserved &= ~reach[:, j]
    # Each 台区, largest first, to its nearest open site with room left (opening its nearest
    # site with room when no open one has any).
    room = cap_visits.astype(float).copy()
    is_open = np.zeros(len(sites), dtype=bool)
    is_open[opened] = True
    near = np.zeros(len(demands), dtype=int)
    for i in np.argsort(-visits):
        fits = reach[i] & (room >= visits[i])
        choice = np.where(fits & is_open)[0]
        if not len(choice):
            choice = np.where(fits)[0]
        j = int(choice[np.argmin(km[i, choice])])
        is_open[j] = True
        room[j] -= visits[i]
        near[i] = j
    opened = [int(j) for j in np.nonzero(is_open)[0] if (near == j).any()]
    load = np.bincount(near, weights=visits, minlength=len(sites))
    counters = np.ceil(load / knobs.tickets_per_counter)
    cost = sum(sites[j].fixed_cost + sites[j].counter_cost * counters[j] for j in opened)
    cost += knobs.distance_cost * float((visits * km[np.arange(len(demands)), near]).sum())
    return float(cost), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--areas", type=int, default=2000)
    parser.add_argument("--sites", type=int, default=100)
    parser.add_argument("--max-km", type=float, default=8.0)
    parser.add_argument("--time-limit", type=float, default=30.0, help="HiGHS seconds (the setting's default)")
    args = parser.parse_args()
    demands, sites = world(args.seed, args.areas, args.sites)
    knobs = Knobs(
        max_km=args.max_km, tickets_per_counter=12_000, distance_cost=2.0, time_limit=args.time_limit, mip_gap=0.005
    )
    answer = solve(demands, sites, knobs)
    g_cost, g_seconds = greedy(demands, sites, knobs)
    print(f"machine: {machine()}")
    print(f"{args.areas} 台区, {args.sites} sites, max {args.max_km} km, seed {args.seed}")
    print(
        f"HiGHS: {answer.status} in {answer.seconds:.2f} s, gap {answer.gap * 100:.3f} %, "
        f"{len(answer.counters)} sites open, {sum(answer.counters.values())} counters, "
        f"cost {answer.objective:,.0f} yuan"
    )
    if not answer.solved:
        print(f"HiGHS: no solution ({answer.reason}: {answer.detail})")
    print(f"greedy: cost {g_cost:,.0f} yuan in {g_seconds:.3f} s")
    if answer.solved and not math.isclose(answer.objective, 0):
        print(
            f"greedy / HiGHS cost: {g_cost / answer.objective:.3f}; time HiGHS / greedy: {answer.seconds / g_seconds:.0f}×"
        )


if __name__ == "__main__":
    main()
