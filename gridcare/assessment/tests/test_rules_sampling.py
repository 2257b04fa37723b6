import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridcare.assessment.rules.sampling import allocate, draw

HALLS = {"城东": 500, "城西": 300, "城南": 200}


def test_proportional_allocation_of_a_round_example() -> None:
    # 10 of 1000: 500/1000·10 = 5, 300/1000·10 = 3, 200/1000·10 = 2, no remainders.
    assert allocate(HALLS, 10) == {"城东": 5, "城西": 3, "城南": 2}


def test_largest_remainders_get_the_members_left_over() -> None:
    # 7 of 1000: ideal 3.5, 2.1, 1.4; floors 3, 2, 1 make 6; the one left goes to the
    # largest remainder (.5, 城东).
    assert allocate(HALLS, 7) == {"城东": 4, "城西": 2, "城南": 1}


def test_equal_remainders_go_to_the_larger_stratum_then_the_smaller_key() -> None:
    # 2 of 60 over 30/20/10 (2 < 3 strata, so no minimum): ideal 1, 2/3, 1/3; floors 1, 0, 0;
    # the one left goes to B (2/3).
    assert allocate({"A": 30, "B": 20, "C": 10}, 2) == {"A": 1, "B": 1, "C": 0}
    # 5 of 40 over 16/16/8: ideal 2, 2, 1 exactly.  4 of 40: ideal 1.6, 1.6, 0.8; C is raised
    # to its one, A and B share the other 3 as 1.5 each; they tie on remainder and population,
    # so the smaller key A gets the extra one.
    assert allocate({"B": 16, "A": 16, "C": 8}, 5) == {"B": 2, "A": 2, "C": 1}
    assert allocate({"B": 16, "A": 16, "C": 8}, 4) == {"B": 1, "A": 2, "C": 1}
    # 100 of 300 in three equal strata: 33⅓ each, the one left to the smallest key.
    assert allocate({"C": 100, "B": 100, "A": 100}, 100) == {"C": 33, "B": 33, "A": 34}
    # 8 of 16 over 3/13: ideal 1.5 and 6.5, floors 1 + 6; the remainders tie (.5), so the
    # larger population gets the one left, whatever the keys.
    assert allocate({"A": 3, "B": 13}, 8) == {"A": 1, "B": 7}
    assert allocate({"B": 3, "A": 13}, 8) == {"B": 1, "A": 7}


def test_every_non_empty_stratum_gets_one_when_there_are_enough() -> None:
    # 10 of 1008: ideal 9.92, 0.0496, 0.0298; the two small halls are raised to 1 and the
    # large one keeps the other 8.
    assert allocate({"大厅": 1000, "小厅": 5, "微厅": 3}, 10) == {"大厅": 8, "小厅": 1, "微厅": 1}


def test_with_fewer_members_than_strata_the_small_ones_may_get_none() -> None:
    # 2 of 12 over 1/1/10: ideal 1/6, 1/6, 5/3 -> floors 0, 0, 1; one left -> C (2/3).
    assert allocate({"A": 1, "B": 1, "C": 10}, 2) == {"A": 0, "B": 0, "C": 2}


def test_empty_strata_get_nothing_and_do_not_count_for_the_minimum() -> None:
    # 2 of 30 over 10/0/20: two non-empty strata, so each gets at least one; ideal 2/3, 4/3.
    assert allocate({"A": 10, "空": 0, "C": 20}, 2) == {"A": 1, "空": 0, "C": 1}


def test_a_full_stratum_gives_its_excess_to_the_others() -> None:
    # Neyman 50 over N = 3/50/47 with S = 40/1/1: N·S = 120/50/47, ideal for A is
    # 50·120/217 = 27.6 > 3, so A takes all 3; the other 47 go 50:47 -> 24.23 and 22.77,
    # floors 24 + 22, the one left to C (.77).
    assert allocate({"A": 3, "B": 50, "C": 47}, 50, method="neyman", sd={"A": 40, "B": 1, "C": 1}) == {
        "A": 3,
        "B": 24,
        "C": 23,
    }


def test_neyman_with_known_standard_deviations() -> None:
    # N = 400/600, S = 3/1: N·S = 1200/600, so 30 split 2:1 -> 20 and 10 (proportional
    # would give 12 and 18).
    strata = {"高压": 400, "低压": 600}
    assert allocate(strata, 30, method="neyman", sd={"高压": 3.0, "低压": 1.0}) == {"高压": 20, "低压": 10}
    assert allocate(strata, 30) == {"高压": 12, "低压": 18}


def test_neyman_gives_a_stratum_without_spread_only_its_minimum() -> None:
    # S = 0 for B: all of the sample but B's one goes to A.
    assert allocate({"A": 50, "B": 50}, 10, method="neyman", sd={"A": 2.0, "B": 0.0}) == {"A": 9, "B": 1}


def test_neyman_fills_the_zero_spread_strata_once_the_others_are_complete() -> None:
    # A (S > 0) holds only 5; B and C (S = 0) share the remaining 7 by population 10:4 ->
    # 5 and 2.
    result = allocate({"A": 5, "B": 10, "C": 4}, 12, method="neyman", sd={"A": 2.0, "B": 0.0, "C": 0.0})
    assert result == {"A": 5, "B": 5, "C": 2}


def test_neyman_with_no_spread_anywhere_is_proportional() -> None:
    assert allocate(HALLS, 10, method="neyman", sd=dict.fromkeys(HALLS, 0.0)) == allocate(HALLS, 10)


def test_neyman_needs_no_sd_for_an_empty_stratum() -> None:
    assert allocate({"A": 10, "空": 0}, 3, method="neyman", sd={"A": 1.5}) == {"A": 3, "空": 0}


def test_the_whole_population_and_nothing() -> None:
    assert allocate(HALLS, 1000) == HALLS
    assert allocate(HALLS, 1000, method="neyman", sd={"城东": 9.0, "城西": 1.0, "城南": 0.0}) == HALLS
    assert allocate(HALLS, 0) == {"城东": 0, "城西": 0, "城南": 0}


@pytest.mark.parametrize(
    ("strata", "n", "kwargs", "message"),
    [
        ({"A": -1}, 0, {}, "层 A 的总体数必须是非负整数"),
        ({"A": 1.5}, 1, {}, "层 A 的总体数必须是非负整数"),
        ({"A": True}, 1, {}, "层 A 的总体数必须是非负整数"),
        (HALLS, -1, {}, "样本量必须是非负整数"),
        (HALLS, 2.0, {}, "样本量必须是非负整数"),
        (HALLS, 1001, {}, "样本量 1001 超过总体数 1000，无法不重复抽取"),
        (HALLS, 10, {"method": "optimal"}, "未知的分配方法 'optimal'"),
        (HALLS, 10, {"method": "neyman"}, "奈曼分配需要各层的标准差"),
        (HALLS, 10, {"method": "neyman", "sd": {"城东": 1.0}}, "奈曼分配缺少这些层的标准差：城西、城南"),
        (
            HALLS,
            10,
            {"method": "neyman", "sd": {"城东": 1.0, "城西": -1.0, "城南": 1.0}},
            "层 城西 的标准差必须是非负的有限数",
        ),
        (HALLS, 10, {"method": "neyman", "sd": {"城东": 1.0, "城西": float("nan"), "城南": 1.0}}, "层 城西 的标准差"),
    ],
)
def test_bad_input_is_refused_in_chinese(
    strata: dict[str, int], n: int, kwargs: dict[str, object], message: str
) -> None:
    before = dict(strata)
    with pytest.raises(ValueError, match=message):
        allocate(strata, n, **kwargs)  # type: ignore[arg-type]
    assert strata == before


populations = st.dictionaries(st.text("ABCDEFGH", min_size=1, max_size=2), st.integers(0, 300), min_size=1, max_size=8)


@given(strata=populations, data=st.data())
def test_proportional_sizes_sum_to_n_respect_the_bounds_and_stay_within_one(
    strata: dict[str, int], data: st.DataObject
) -> None:
    total = sum(strata.values())
    n = data.draw(st.integers(0, total))
    sizes = allocate(strata, n)
    assert list(sizes) == list(strata)
    assert sum(sizes.values()) == n
    filled = [k for k, size in strata.items() if size > 0]
    for key, size in strata.items():
        assert 0 <= sizes[key] <= size
        if size == 0:
            assert sizes[key] == 0
        elif n >= len(filled):
            assert sizes[key] >= 1
    # Where neither the minimum nor the cap binds, the size is within one of n·N_h/N.
    if total and n < len(filled):
        for key, size in strata.items():
            assert abs(sizes[key] - n * size / total) < 1


@given(strata=populations, data=st.data())
def test_neyman_sizes_sum_to_n_and_respect_the_bounds(strata: dict[str, int], data: st.DataObject) -> None:
    n = data.draw(st.integers(0, sum(strata.values())))
    sd = {key: data.draw(st.sampled_from([0.0, 0.5, 1.0, 3.0, 10.0])) for key in strata}
    sizes = allocate(strata, n, method="neyman", sd=sd)
    assert sum(sizes.values()) == n
    filled = [k for k, size in strata.items() if size > 0]
    for key, size in strata.items():
        assert 0 <= sizes[key] <= size
        if size and n >= len(filled):
            assert sizes[key] >= 1


@given(st.lists(st.integers(1, 400), min_size=2, max_size=6), st.data())
def test_proportionality_holds_within_one_when_nothing_binds(counts: list[int], data: st.DataObject) -> None:
    strata = {f"层{i}": c for i, c in enumerate(counts)}
    total = sum(counts)
    n = data.draw(st.integers(len(counts), total))
    sizes = allocate(strata, n)
    if all(n * c >= total for c in counts):  # no stratum needs raising to its one
        for key, c in strata.items():
            assert abs(sizes[key] - n * c / total) < 1


POPULATION = [("城东", f"E{i:03d}") for i in range(50)] + [("城西", f"W{i:03d}") for i in range(30)]


def test_draw_takes_the_allocated_number_from_each_stratum() -> None:
    chosen = draw(POPULATION, {"城东": 5, "城西": 3}, seed=2026)
    assert len(chosen) == 8
    assert len(set(chosen)) == 8
    assert sum(c.startswith("E") for c in chosen) == 5
    assert sum(c.startswith("W") for c in chosen) == 3
    # strata in sorted order ("城东" < "城西"), ids sorted within each
    assert chosen[:5] == sorted(chosen[:5])
    assert chosen[5:] == sorted(chosen[5:])


def test_the_same_seed_gives_the_same_sample_whatever_the_input_order() -> None:
    first = draw(POPULATION, {"城东": 5, "城西": 3}, seed=2026)
    shuffled = list(reversed(POPULATION[::2])) + POPULATION[1::2]
    assert draw(shuffled, {"城西": 3, "城东": 5}, seed=2026) == first


def test_the_sample_is_numpy_pcg64_over_the_sorted_members() -> None:
    import numpy as np

    rng = np.random.Generator(np.random.PCG64(7))
    east = sorted(m for s, m in POPULATION if s == "城东")
    west = sorted(m for s, m in POPULATION if s == "城西")
    expected = [east[i] for i in sorted(rng.choice(50, size=4, replace=False))]
    expected += [west[i] for i in sorted(rng.choice(30, size=2, replace=False))]
    assert draw(POPULATION, {"城东": 4, "城西": 2}, seed=7) == expected


def test_different_seeds_give_different_samples() -> None:
    samples = {tuple(draw(POPULATION, {"城东": 5, "城西": 3}, seed=s)) for s in range(10)}
    assert len(samples) == 10


def test_a_stratum_without_a_size_gives_no_one_and_a_full_one_gives_everyone() -> None:
    assert draw(POPULATION, {"城西": 30}, seed=1) == sorted(m for s, m in POPULATION if s == "城西")
    assert draw(POPULATION, {}, seed=1) == []


@pytest.mark.parametrize(
    ("population", "sizes", "seed", "message"),
    [
        (POPULATION, {"城西": 31}, 1, "层 城西 只有 30 个成员，不能抽取 31 个"),
        (POPULATION, {"城北": 1}, 1, "层 城北 只有 0 个成员，不能抽取 1 个"),
        (POPULATION, {"城西": -1}, 1, "层 城西 的样本量必须是非负整数"),
        (POPULATION, {"城西": 1}, -1, "随机种子必须是非负整数"),
        ([("城东", "E1"), ("城西", "E1")], {"城东": 1}, 1, "成员 E1 出现了两次（层 城东 和层 城西）"),
        ([("城东", "E1"), ("城东", "E1")], {"城东": 1}, 1, "成员 E1 出现了两次"),
    ],
)
def test_bad_draws_are_refused(
    population: list[tuple[str, str]], sizes: dict[str, int], seed: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        draw(population, sizes, seed)
