"""The outlet-network model (营业网点规划, PLAN-3): a capacitated facility-location MILP solved with
HiGHS through ``scipy.optimize.milp``, and the recommendations read from its answer (撤、并、移、改、建).

Pure code: sites and demand points come in as plain values, no database.

The model, for sites ``j`` (existing halls and candidate sites) and demand points ``i`` (台区, each
with its visits a year ``v_i``), over the pairs ``(i, j)`` no farther apart than ``max_km``:

    minimise   Σ_j fixed_j·y_j + Σ_j counter_cost_j·n_j + distance_cost · Σ_ij v_i·d_ij·x_ij
    subject to Σ_j x_ij = 1                      every 台区 served, within max_km
               Σ_i v_i·x_ij ≤ capacity · n_j     the counters a site opens carry its visits
               y_j ≤ n_j ≤ max_counters_j · y_j   an open site has at least one counter
               x_ij ≤ y_j                        only open sites serve (tightens the relaxation)
               Σ_j y_j ≤ max_sites, Σ_j fixed_j·y_j + counter_cost_j·n_j ≤ budget  (when given)
               y_j = 1 for sites kept, y_j = 0 for sites barred
    y_j ∈ {0, 1}, n_j ∈ ℤ≥0, 0 ≤ x_ij ≤ 1 (a 台区's customers may split between two halls).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array, csr_array

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Site:
    """An existing hall or a candidate site; costs in yuan a year."""

    key: str
    name: str
    latitude: float
    longitude: float
    existing: bool
    max_counters: int
    fixed_cost: float
    counter_cost: float
    counters_now: int = 0
    keep: bool = False
    bar: bool = False
    density: float | None = None  # tickets per counter-hour now (existing halls)
    self_service_share: float | None = None  # 0..1, self-service transactions of all (existing halls)


@dataclass(frozen=True)
class Demand:
    """A 台区: where it is, its visits a year, its customers (accounts), the site serving it now."""

    key: str
    name: str
    latitude: float
    longitude: float
    visits: float
    customers: int = 0
    served_by: str | None = None  # None: the nearest existing hall


@dataclass(frozen=True)
class Knobs:
    """A scenario's parameters, in the model's units."""

    max_km: float
    tickets_per_counter: float  # a counter's visits a year
    distance_cost: float  # yuan per visit and kilometre
    max_sites: int | None = None
    budget: float | None = None
    time_limit: float = 30.0
    mip_gap: float = 0.005
    move_km: float = 3.0
    convert_density: float = 2.0
    convert_self_service: float = 0.3
    verbose: bool = False
    tight: int = 2
    whole_counters: bool = True
    direct_pairs: int = 5000  # up to this many 台区–site pairs the model is solved in one pass
    nearest: int | None = 10  # each 台区 may go to its nearest sites only (None: any within max_km)


@dataclass
class Answer:
    """What the solver found. ``status``: optimal, feasible (stopped at the time limit with a
    solution) or infeasible (``reason`` a code, ``detail`` its parameters)."""

    status: str
    seconds: float
    reason: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    objective: float = 0.0
    gap: float = 0.0
    site_cost: float = 0.0
    travel_cost: float = 0.0
    counters: dict[str, int] = field(default_factory=dict)  # open site → counters
    served: dict[str, str] = field(default_factory=dict)  # 台区 → the open site serving most of it
    km: dict[str, float] = field(default_factory=dict)  # 台区 → km to that site

    @property
    def solved(self) -> bool:
        return self.status in {"optimal", "feasible"}


def haversine_km(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> Any:
    """Great-circle distance in km (numpy arrays broadcast)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2) - np.radians(lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def distances(demands: list[Demand], sites: list[Site]) -> Any:
    """The km matrix, 台区 × sites."""
    dlat = np.array([[d.latitude] for d in demands], dtype=float)
    dlon = np.array([[d.longitude] for d in demands], dtype=float)
    slat = np.array([[s.latitude for s in sites]], dtype=float)
    slon = np.array([[s.longitude for s in sites]], dtype=float)
    return haversine_km(dlat, dlon, slat, slon)


def _nearest(km: Any, k: int) -> Any:
    """The ``k`` nearest allowed sites of each 台区 (a row's farther pairs cannot matter much and
    make the model larger): a boolean mask of the matrix's shape."""
    keep = np.zeros(km.shape, dtype=bool)
    idx = np.argpartition(km, k - 1, axis=1)[:, :k]
    np.put_along_axis(keep, idx, True, axis=1)
    return keep


def _refusal(demands: list[Demand], sites: list[Site], knobs: Knobs, reach: Any) -> tuple[str, dict[str, Any]]:
    """Why the model cannot have a solution, found before solving ("" when none is seen)."""
    alone = [d.name for d, row in zip(demands, reach, strict=True) if not row.any()]
    if alone:
        return "unreachable", {"areas": alone[:5], "count": len(alone), "km": knobs.max_km}
    room = sum(s.max_counters for s in sites if not s.bar) * knobs.tickets_per_counter
    visits = sum(d.visits for d in demands)
    if visits > room + 1e-6:
        return "capacity", {"visits": round(visits), "room": round(room)}
    kept = sum(1 for s in sites if s.keep and not s.bar)
    if knobs.max_sites is not None and kept > knobs.max_sites:
        return "kept_too_many", {"kept": kept, "max_sites": knobs.max_sites}
    return "", {}


def solve(demands: list[Demand], sites: list[Site], knobs: Knobs) -> Answer:
    """Solve the model (HiGHS, within ``knobs.time_limit`` seconds)."""
    started = time.perf_counter()
    m = len(sites)
    barred = np.array([s.bar for s in sites], dtype=bool)
    km = distances(demands, sites) if demands and sites else np.zeros((len(demands), m))
    reach = (km <= knobs.max_km) & ~barred[None, :]
    if knobs.nearest is not None and m > knobs.nearest:
        reach &= _nearest(np.where(reach, km, np.inf), knobs.nearest)
    reason, detail = _refusal(demands, sites, knobs, reach) if demands else ("", {})
    if reason:
        return Answer(status="infeasible", seconds=time.perf_counter() - started, reason=reason, detail=detail)
    rows, cols = np.nonzero(reach)
    visits = np.array([d.visits for d in demands], dtype=float)
    c, bounds, integrality, constraints = _model(sites, knobs, visits, km, rows, cols)
    if len(rows) <= knobs.direct_pairs:  # a small model: HiGHS on the whole of it, its own gap
        result = _highs(c, constraints, bounds, integrality, knobs, knobs.time_limit)
        if result.x is None:
            code = "time_limit" if result.status == 1 else "solver"
            return Answer(
                status="infeasible", seconds=time.perf_counter() - started, reason=code, detail={"km": knobs.max_km}
            )
        return _answer(result, demands, sites, knobs, km, rows, cols, time.perf_counter() - started)
    # A large one in two passes: which sites open, with counters as fractions (HiGHS finds good
    # solutions of that one quickly, and its dual bound bounds the whole model); then the counters
    # as whole numbers with those sites fixed. The gap reported is against the first pass's bound,
    # so it is at least the true one.
    m2 = 2 * m
    first = _highs(
        c, constraints, bounds, np.where(np.arange(len(c)) < m, integrality, 0), knobs, knobs.time_limit * 0.85
    )
    if first.x is None:
        code = "time_limit" if first.status == 1 else "solver"
        return Answer(
            status="infeasible", seconds=time.perf_counter() - started, reason=code, detail={"km": knobs.max_km}
        )
    found_bound = getattr(first, "mip_dual_bound", None)
    bound = float(found_bound) if found_bound is not None and math.isfinite(found_bound) else 0.0
    fixed = np.rint(first.x[:m])
    low, high = bounds.lb.copy(), bounds.ub.copy()
    low[:m], high[:m] = fixed, fixed
    spent = time.perf_counter() - started
    result = _highs(c, constraints, Bounds(low, high), integrality, knobs, max(knobs.time_limit - spent, 1.0))
    if result.x is None:  # the whole counters do not fit those sites: the first pass's answer, rounded up
        result = first
        result.x[m:m2] = np.ceil(first.x[m:m2] - 1e-6)
    seconds = time.perf_counter() - started
    answer = _answer(result, demands, sites, knobs, km, rows, cols, seconds)
    value = float(c @ result.x)  # the scaled objective of the answer kept
    answer.gap = max(0.0, 1.0 - bound / value) if value > 0 else 0.0
    answer.status = "optimal" if answer.gap <= knobs.mip_gap + 1e-9 else "feasible"
    return answer


def _highs(c: Any, constraints: Any, bounds: Bounds, integrality: Any, knobs: Knobs, limit: float) -> Any:
    options = {"time_limit": float(limit), "mip_rel_gap": float(knobs.mip_gap), "presolve": True, "disp": knobs.verbose}
    return milp(c, constraints=constraints, bounds=bounds, integrality=integrality, options=options)


def _model(
    sites: list[Site], knobs: Knobs, visits: Any, km: Any, rows: Any, cols: Any
) -> tuple[Any, Bounds, Any, list[LinearConstraint]]:
    m, p, n_areas = len(sites), len(rows), len(visits)
    fixed = np.array([s.fixed_cost for s in sites], dtype=float)
    per_counter = np.array([s.counter_cost for s in sites], dtype=float)
    most = np.array([0 if s.bar else s.max_counters for s in sites], dtype=float)
    # Variables: y (m), n (m), x (p).
    # Scaled for the solver: visits in counters' worth, costs in units of the largest site cost.
    unit = max(float(fixed.max(initial=0.0)), float(per_counter.max(initial=0.0)), 1.0)
    c = np.concatenate([fixed, per_counter, knobs.distance_cost * visits[rows] * km[rows, cols]]) / unit
    low = np.concatenate([[1.0 if (s.keep and not s.bar) else 0.0 for s in sites], np.zeros(m), np.zeros(p)])
    high = np.concatenate([np.where(most > 0, 1.0, 0.0), most, np.ones(p)])
    integrality = np.concatenate([np.ones(m), np.full(m, 1.0 if knobs.whole_counters else 0.0), np.zeros(p)])
    y, n, x = np.arange(m), m + np.arange(m), 2 * m + np.arange(p)
    cap = 1.0
    visits = visits / float(knobs.tickets_per_counter)
    constraints = [
        _rows(rows, x, np.ones(p), n_areas, 2 * m + p, 1.0, 1.0),  # every 台区 served
        _stack(  # visits carried ≤ capacity × counters
            [(cols, x, visits[rows]), (np.arange(m), n, np.full(m, -cap))], m, 2 * m + p, -np.inf, 0.0
        ),
        _stack([(np.arange(m), n, np.ones(m)), (np.arange(m), y, -most)], m, 2 * m + p, -np.inf, 0.0),
        _stack([(np.arange(m), y, np.ones(m)), (np.arange(m), n, -np.ones(m))], m, 2 * m + p, -np.inf, 0.0),
    ]
    if knobs.tight:
        # x_ij ≤ y_j for each 台区's nearest few pairs only: all of them make the root LP slow
        # (degenerate), none leave the relaxation weak.
        rank = _rank_in_row(rows, km[rows, cols])
        near = np.nonzero(rank < knobs.tight)[0]
        q = len(near)
        constraints.append(
            _stack(
                [(np.arange(q), x[near], np.ones(q)), (np.arange(q), y[cols[near]], -np.ones(q))],
                q,
                2 * m + p,
                -np.inf,
                0.0,
            )
        )
    if knobs.max_sites is not None:
        constraints.append(_rows(np.zeros(m, dtype=int), y, np.ones(m), 1, 2 * m + p, -np.inf, knobs.max_sites))
    if knobs.budget is not None:
        spend = (np.zeros(2 * m, dtype=int), np.concatenate([y, n]), np.concatenate([fixed, per_counter]) / unit)
        constraints.append(_rows(*spend, 1, 2 * m + p, -np.inf, knobs.budget / unit))
    return c, Bounds(low, high), integrality, constraints


def _rank_in_row(rows: Any, values: Any) -> Any:
    """Each pair's rank by distance among its 台区's pairs (0: the nearest)."""
    order = np.lexsort((values, rows))
    rank = np.empty(len(rows), dtype=int)
    sorted_rows = rows[order]
    starts = np.searchsorted(sorted_rows, sorted_rows, side="left")
    rank[order] = np.arange(len(rows)) - starts
    return rank


def _rows(r: Any, col: Any, v: Any, n_rows: int, n_cols: int, lb: float, ub: float) -> LinearConstraint:
    matrix = csr_array(coo_array((v, (r, col)), shape=(n_rows, n_cols)))
    return LinearConstraint(matrix, lb, ub)


def _stack(parts: list[tuple[Any, Any, Any]], n_rows: int, n_cols: int, lb: float, ub: float) -> LinearConstraint:
    r = np.concatenate([part[0] for part in parts])
    col = np.concatenate([part[1] for part in parts])
    v = np.concatenate([part[2] for part in parts])
    return _rows(r, col, v, n_rows, n_cols, lb, ub)


def _answer(
    result: Any,
    demands: list[Demand],
    sites: list[Site],
    knobs: Knobs,
    km: Any,
    rows: Any,
    cols: Any,
    seconds: float,
) -> Answer:
    m = len(sites)
    values = result.x
    opened = values[:m] > 0.5
    counters = np.rint(values[m : 2 * m]).astype(int)
    share = values[2 * m :]
    best: dict[int, tuple[float, int]] = {}
    for i, j, s in zip(rows.tolist(), cols.tolist(), share.tolist(), strict=True):
        if s > best.get(i, (1e-9, -1))[0]:
            best[i] = (s, j)
    site_cost = float(sum(s.fixed_cost + s.counter_cost * counters[j] for j, s in enumerate(sites) if opened[j]))
    travel = float(
        knobs.distance_cost * sum(demands[i].visits * km[i, j] * s for i, j, s in zip(rows, cols, share, strict=True))
    )
    gap = float(getattr(result, "mip_gap", 0.0) or 0.0)
    return Answer(
        status="optimal" if result.status == 0 else "feasible",
        seconds=seconds,
        objective=site_cost + travel,
        gap=max(gap, 0.0),
        site_cost=site_cost,
        travel_cost=travel,
        counters={s.key: int(counters[j]) for j, s in enumerate(sites) if opened[j]},
        served={demands[i].key: sites[j].key for i, (_s, j) in best.items()},
        km={demands[i].key: float(km[i, j]) for i, (_s, j) in best.items()},
    )


# -- the recommendations -------------------------------------------------------------------------

KEEP, CLOSE, MERGE, MOVE, CONVERT, BUILD = "keep", "close", "merge", "move", "convert", "build"
MOVED_IN = "moved_in"  # the candidate a hall moves to (移): it opens with the hall's business


@dataclass(frozen=True)
class Recommendation:
    """What the answer asks of one site: keep (with its counters now and then), merge into
    ``target`` (并), move to the candidate ``target`` (移), convert to self-service (改, its
    customers' counter business at ``target``), build (建), or close (撤, nobody of its own to send on)."""

    site: str
    action: str
    target: str | None = None
    counters_now: int = 0
    counters: int = 0


def current_hall(demands: list[Demand], sites: list[Site]) -> dict[str, str]:
    """The existing hall serving each 台区 now: its ``served_by`` or the nearest existing hall."""
    existing = [s for s in sites if s.existing]
    if not existing:
        return {}
    km = distances(demands, existing)
    return {d.key: d.served_by or existing[int(np.argmin(km[i]))].key for i, d in enumerate(demands)}


def recommend(demands: list[Demand], sites: list[Site], knobs: Knobs, answer: Answer) -> list[Recommendation]:
    """One recommendation per existing hall and per candidate opened (撤、并、移、改、建)."""
    if not answer.solved:
        return []
    by_key = {s.key: s for s in sites}
    now = current_hall(demands, sites)
    claimed: set[str] = set()
    found: list[Recommendation] = []
    for site in (s for s in sites if s.existing):
        if site.key in answer.counters:
            found.append(Recommendation(site.key, KEEP, None, site.counters_now, answer.counters[site.key]))
            continue
        target = _receiver(site.key, demands, now, answer)
        moved = _nearby_candidate(site, sites, answer, knobs.move_km, claimed)
        if moved is not None:
            claimed.add(moved)
            found.append(Recommendation(site.key, MOVE, moved, site.counters_now, answer.counters[moved]))
        elif _convertible(site, knobs):
            found.append(Recommendation(site.key, CONVERT, target, site.counters_now, 0))
        elif target is not None:
            found.append(Recommendation(site.key, MERGE, target, site.counters_now, 0))
        else:
            found.append(Recommendation(site.key, CLOSE, None, site.counters_now, 0))
    moves = {r.target: r.site for r in found if r.action == MOVE}
    for key, counters in answer.counters.items():
        if not by_key[key].existing:
            found.append(
                Recommendation(key, MOVED_IN, moves[key], 0, counters)
                if key in moves
                else Recommendation(key, BUILD, None, 0, counters)
            )
    return found


def _receiver(hall: str, demands: list[Demand], now: dict[str, str], answer: Answer) -> str | None:
    """The open site that takes most of the visits of the 台区 a closed hall serves now."""
    taken: dict[str, float] = {}
    for d in demands:
        if now.get(d.key) == hall and d.key in answer.served:
            taken[answer.served[d.key]] = taken.get(answer.served[d.key], 0.0) + d.visits
    return max(sorted(taken), key=lambda k: taken[k]) if taken else None


def _nearby_candidate(site: Site, sites: list[Site], answer: Answer, move_km: float, claimed: set[str]) -> str | None:
    """The nearest candidate opened within ``move_km`` of a closed hall, not taken by another move."""
    near: list[tuple[float, str]] = []
    for other in sites:
        if other.existing or other.key not in answer.counters or other.key in claimed:
            continue
        d = float(haversine_km(site.latitude, site.longitude, other.latitude, other.longitude))
        if d <= move_km:
            near.append((d, other.key))
    return min(near)[1] if near else None


def _convertible(site: Site, knobs: Knobs) -> bool:
    return (
        site.density is not None
        and site.self_service_share is not None
        and site.density < knobs.convert_density
        and site.self_service_share >= knobs.convert_self_service
    )


def within(answer_km: dict[str, float], weights: dict[str, float], limit_km: float) -> float:
    """The share (0..1) of ``weights`` (customers or visits by 台区) served within ``limit_km``."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    near = sum(w for key, w in weights.items() if answer_km.get(key, math.inf) <= limit_km)
    return near / total
