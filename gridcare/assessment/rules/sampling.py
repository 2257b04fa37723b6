"""Stratified sampling for service assessments (issue 14): how many to draw from each stratum,
and which members.

``allocate`` splits a sample of ``n`` over the strata, in proportion to their populations
(n_h ∝ N_h) or by Neyman's rule (n_h ∝ N_h·S_h, the allocation with the least variance of
the stratified mean for a fixed ``n``). The ideal shares are computed exactly (fractions, no
floating-point ties) and then:

- every non-empty stratum gets at least one when ``n`` is at least the number of non-empty
  strata, and no stratum gets more than its population: the ideal shares are n_h = λ·a_h
  clamped to [1, N_h] with one λ for all strata (water-filling), so what a full or a
  minimum stratum gives up or takes is spread over the others by the same rule;
- the shares are rounded to whole members by largest remainder: everyone gets the floor,
  the members still missing go to the largest fractional parts, ties to the larger
  population, then to the smaller key. The sizes always sum to ``n``, and each differs from
  its (clamped) ideal share by less than one.

Neyman with some S_h = 0: such a stratum needs no sample and gets only its minimum; if the
strata that vary are then enumerated completely and members are still missing, the rest is
spread over the zero-S strata in proportion to their populations. When every S_h is zero
there is nothing for Neyman to weigh, and the allocation is the proportional one.

``draw`` then picks the members: a simple random sample without replacement within each
stratum, from a PCG64 generator seeded with ``seed``, over the members sorted by id, so the
same population, sizes and seed always give the same sample whatever order the population
came in.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction

import numpy as np

METHODS = ("proportional", "neyman")


def allocate(
    strata: Mapping[str, int],
    n: int,
    *,
    method: str = "proportional",
    sd: Mapping[str, float] | None = None,
) -> dict[str, int]:
    """Sample size per stratum, in the order of ``strata``: proportional (n_h ∝ N_h) or
    Neyman (n_h ∝ N_h·S_h, ``sd`` giving S_h for every non-empty stratum; ignored for
    proportional). Empty strata get 0. Refuses (ValueError) negative or non-integer sizes,
    a negative ``n``, an ``n`` above the total population, an unknown method and a missing,
    negative or non-finite standard deviation."""
    sizes = _checked_sizes(strata)
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError("样本量必须是非负整数")
    total = sum(sizes.values())
    if n > total:
        raise ValueError(f"样本量 {n} 超过总体数 {total}，无法不重复抽取")
    if method not in METHODS:
        raise ValueError(f"未知的分配方法 {method!r}：只能是 proportional（按比例）或 neyman（奈曼）")
    filled = {key: size for key, size in sizes.items() if size > 0}
    measure = _neyman_measure(filled, sd) if method == "neyman" else {k: Fraction(v) for k, v in filled.items()}
    floor = 1 if n >= len(filled) else 0
    shares = _ideal_shares(filled, measure, n, floor)
    rounded = _largest_remainder(shares, filled, n)
    return {key: rounded.get(key, 0) for key in sizes}


def draw(population: Sequence[tuple[str, str]], sizes: Mapping[str, int], seed: int) -> list[str]:
    """The member ids chosen: within each stratum (taken in sorted order) ``sizes[stratum]``
    members without replacement from its members sorted by id, with
    ``numpy.random.Generator(PCG64(seed))``. Returned stratum by stratum, ids sorted within
    each. A stratum missing from ``sizes`` gives none. Refuses a member listed twice, a size
    larger than the stratum's members or for a stratum with no members, and a negative seed."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError("随机种子必须是非负整数")
    members = _members_by_stratum(population)
    for stratum, size in sizes.items():
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise ValueError(f"层 {stratum} 的样本量必须是非负整数")
        available = len(members.get(stratum, []))
        if size > available:
            raise ValueError(f"层 {stratum} 只有 {available} 个成员，不能抽取 {size} 个")
    rng = np.random.Generator(np.random.PCG64(seed))
    chosen: list[str] = []
    for stratum in sorted(members):
        size = sizes.get(stratum, 0)
        if size == 0:
            continue
        ids = members[stratum]
        picked = rng.choice(len(ids), size=size, replace=False)
        chosen.extend(ids[i] for i in sorted(int(i) for i in picked))
    return chosen


def _checked_sizes(strata: Mapping[str, int]) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for key, size in strata.items():
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise ValueError(f"层 {key} 的总体数必须是非负整数")
        sizes[key] = size
    return sizes


def _neyman_measure(filled: Mapping[str, int], sd: Mapping[str, float] | None) -> dict[str, Fraction]:
    if sd is None:
        raise ValueError("奈曼分配需要各层的标准差")
    missing = [key for key in filled if key not in sd]
    if missing:
        raise ValueError(f"奈曼分配缺少这些层的标准差：{'、'.join(missing)}")
    for key in filled:
        value = sd[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            raise ValueError(f"层 {key} 的标准差必须是非负的有限数")
    measure = {key: Fraction(size) * Fraction(sd[key]) for key, size in filled.items()}
    if all(a == 0 for a in measure.values()):
        return {key: Fraction(size) for key, size in filled.items()}
    return measure


def _ideal_shares(
    filled: Mapping[str, int], measure: Mapping[str, Fraction], n: int, floor: int
) -> dict[str, Fraction]:
    """Exact shares λ·a_h clamped to [floor, N_h] summing to n. Strata with a_h = 0 sit at the
    floor unless the strata that vary are full, then they share the rest by population."""
    varying = [key for key in filled if measure[key] > 0]
    flat = [key for key in filled if measure[key] == 0]
    room = sum(filled[key] for key in varying) + floor * len(flat)
    if n <= room:
        shares = {key: Fraction(floor) for key in flat}
        shares.update(_water_fill({k: measure[k] for k in varying}, filled, n - floor * len(flat), floor))
        return shares
    shares = {key: Fraction(filled[key]) for key in varying}
    shares.update(_water_fill({k: Fraction(filled[k]) for k in flat}, filled, n - room + floor * len(flat), floor))
    return shares


def _water_fill(measure: Mapping[str, Fraction], caps: Mapping[str, int], n: int, floor: int) -> dict[str, Fraction]:
    """Find λ with Σ clamp(λ·a_h, floor, N_h) = n (all a_h > 0) by walking the breakpoints
    floor/a_h and N_h/a_h: between two of them the sum is linear in λ."""
    if not measure:
        return {}

    def clamp(key: str, lam: Fraction) -> Fraction:
        return min(max(lam * measure[key], Fraction(floor)), Fraction(caps[key]))

    def total(lam: Fraction) -> Fraction:
        return sum((clamp(key, lam) for key in measure), Fraction(0))

    if total(Fraction(0)) >= n:  # everyone at the floor is already n
        return {key: Fraction(floor) for key in measure}
    points = sorted({Fraction(floor) / a for a in measure.values()} | {caps[k] / a for k, a in measure.items()})
    low = Fraction(0)
    high = points[-1]  # every stratum full there: the sum is the whole population, at least n
    for point in points:
        if total(point) >= n:
            high = point
            break
        low = point
    # total(low) < n <= total(high), and the sum is linear in between: solve for λ there.
    middle = (low + high) / 2
    free = [key for key in measure if floor < middle * measure[key] < caps[key]]
    pinned = sum((clamp(key, middle) for key in measure if key not in free), Fraction(0))
    lam = (n - pinned) / sum(measure[key] for key in free)
    return {key: clamp(key, lam) for key in measure}


def _largest_remainder(shares: Mapping[str, Fraction], populations: Mapping[str, int], n: int) -> dict[str, int]:
    whole = {key: math.floor(share) for key, share in shares.items()}
    missing = n - sum(whole.values())
    order = sorted(shares, key=lambda key: (-(shares[key] - whole[key]), -populations[key], key))
    for key in order[:missing]:
        whole[key] += 1
    return whole


def _members_by_stratum(population: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    seen: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    for stratum, member in population:
        if member in seen:
            raise ValueError(f"成员 {member} 出现了两次（层 {seen[member]} 和层 {stratum}）")
        seen[member] = stratum
        members.setdefault(stratum, []).append(member)
    return {stratum: sorted(ids) for stratum, ids in members.items()}
