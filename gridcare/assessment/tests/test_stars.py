"""Star ratings (ASSESS-1): each subject rated by the set in force for its post, with exact
scores, stars and reasons; versions by month; a used set is never changed; recomputing gives the
same rows; the worker's job rates last month and catches up; bad input changes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gridcare.assessment.models import StandardSet, StarPost, StarRating
from gridcare.assessment.rules.stars import Rule, rate, reason_sentence, stars_of
from gridcare.assessment.selectors_stars import rating_sentences, set_in_force
from gridcare.assessment.services.stars import NewSet, NewStandard, ratings_compute, standard_set_create, stars_due
from gridcare.assessment.tests.stars_helpers import DEC, NOV, november, rolled, service, staff_of, standard_set
from gridcare.core.exceptions import Forbidden, InvalidInput
from gridcare.core.testing import City
from gridcare.org.access import scope_for


@pytest.fixture
def month(town: City) -> City:
    return november(town)


def _ratings(month: date) -> dict[tuple[str, int], tuple[str, int, Decimal]]:
    return {(r.level, r.subject_id): (r.post, r.stars, r.score) for r in StarRating.objects.filter(month=month)}


def test_the_score_is_the_weight_met_over_the_total_and_the_bands_give_the_stars() -> None:
    rules = [Rule("wait_mean", "at_most", Decimal(15), 20), Rule("satisfaction_rate", "at_least", Decimal(95), 30)]
    rules += [Rule("callback_rate", "at_least", Decimal(90), 10), Rule("verified", "at_most", Decimal(0), 40)]
    rated = rate(rules, {"wait_mean": 12.5, "satisfaction_rate": 0.94, "callback_rate": None, "verified": 0.0})
    assert (rated.score, rated.stars) == (Decimal("60.00"), 3)
    assert [r["met"] for r in rated.reasons] == [True, False, False, True]
    assert [stars_of(Decimal(s)) for s in ("100", "90", "89.99", "75", "74.99", "60", "40", "39.99", "0")] == [
        5,
        5,
        4,
        4,
        3,
        3,
        2,
        1,
        1,
    ]
    assert stars_of(Decimal("50"), (Decimal(95), Decimal(85), Decimal(70), Decimal(50))) == 2
    # a third of the weight: 33.33 (two places, half up)
    thirds = rate(
        [Rule("served", "at_least", Decimal(1), 1), Rule("verified", "at_most", Decimal(0), 2)],
        {"served": 5.0, "verified": 0.0},
    )
    assert thirds.score == Decimal("100.00")
    thirds = rate(
        [Rule("served", "at_least", Decimal(9), 2), Rule("verified", "at_most", Decimal(0), 1)],
        {"served": 5.0, "verified": 0.0},
    )
    assert thirds.score == Decimal("33.33")


def test_every_subject_with_figures_is_rated_by_its_posts_set_with_the_reasons(month: City) -> None:
    done = ratings_compute(month=NOV)
    clerk, agent = staff_of(month.clerk), staff_of(month.agent)
    assert _ratings(NOV) == {
        ("person", clerk.pk): ("counter_clerk", 5, Decimal("90.00")),
        ("person", agent.pk): ("agent_95598", 1, Decimal("0.00")),
        ("hall", month.hall.pk): ("hall", 3, Decimal("66.67")),
        ("unit", month.unit.pk): ("unit", 1, Decimal("0.00")),
    }  # the manager's post is not rated; counters have no set
    assert (done.rated, done.created, done.updated, done.removed) == (4, 4, 0, 0)
    rating = StarRating.objects.get(month=NOV, level="person", subject_id=clerk.pk)
    assert rating.reasons == [
        {"figure": "wait_mean", "label": "平均等候时长", "comparison": "at_most", "threshold": "15", "value": "12.5",
         "met": True, "weight": 20, "no_data": False},
        {"figure": "satisfaction_rate", "label": "满意率", "comparison": "at_least", "threshold": "95",
         "value": "96.15", "met": True, "weight": 30, "no_data": False},
        {"figure": "callback_rate", "label": "回访满意率", "comparison": "at_least", "threshold": "90", "value": None,
         "met": False, "weight": 10, "no_data": True},
        {"figure": "verified", "label": "查实投诉", "comparison": "at_most", "threshold": "0", "value": "0",
         "met": True, "weight": 40, "no_data": False},
    ]  # fmt: skip
    assert rating_sentences(rating) == [
        (True, "平均等候时长 12.5 分钟，标准不高于 15 分钟，达标，权重 20"),
        (True, "满意率 96.15%，标准不低于 95%，达标，权重 30"),
        (False, "回访满意率 本月无数据，标准不低于 90%，不达标（无数据按未达标计），权重 10"),
        (True, "查实投诉 0 件，标准不高于 0 件，达标，权重 40"),
    ]
    hall = StarRating.objects.get(month=NOV, level="hall")
    assert [reason_sentence(r) for r in hall.reasons] == [
        "等候时长P90 20 分钟，标准不高于 10 分钟，未达标，权重 1",
        "满意率 96.43%，标准不低于 90%，达标，权重 2",
    ]


def test_each_month_is_rated_by_the_version_in_force_then(month: City) -> None:
    v1 = StandardSet.objects.get(post="counter_clerk")
    v2 = standard_set(StarPost.COUNTER_CLERK, DEC, [("wait_mean", "at_most", "10", 1)], by=month.admin, version=2)
    service(month, date(2026, 12, 1), user=month.clerk, counter=0, waits=[12], rated=(0, 0))
    assert set_in_force("counter_clerk", NOV) == v1 and set_in_force("counter_clerk", date(2027, 3, 1)) == v2
    assert set_in_force("counter_clerk", date(2026, 9, 1)) is None
    ratings_compute(month=NOV)
    ratings_compute(month=DEC)
    clerk = staff_of(month.clerk).pk
    nov = StarRating.objects.get(month=NOV, level="person", subject_id=clerk)
    dec = StarRating.objects.get(month=DEC, level="person", subject_id=clerk)
    assert (nov.standard_set_id, nov.stars, nov.score) == (v1.pk, 5, Decimal("90.00"))
    assert (dec.standard_set_id, dec.stars, dec.score) == (v2.pk, 1, Decimal("0.00"))
    assert rating_sentences(dec) == [(False, "平均等候时长 12 分钟，标准不高于 10 分钟，未达标，权重 1")]


def test_recomputing_a_month_gives_the_same_rows(month: City) -> None:
    ratings_compute(month=NOV)
    before = list(
        StarRating.objects.order_by("pk").values(
            "pk", "level", "subject_id", "stars", "score", "reasons", "standard_set"
        )
    )
    again = ratings_compute(month=NOV)
    after = list(
        StarRating.objects.order_by("pk").values(
            "pk", "level", "subject_id", "stars", "score", "reasons", "standard_set"
        )
    )
    assert after == before
    assert (again.created, again.updated, again.removed) == (0, 4, 0)


def test_a_subject_without_figures_any_more_loses_its_rating(month: City) -> None:
    ratings_compute(month=NOV)
    from gridcare.assessment.models import OrderDay

    OrderDay.objects.all().delete()
    done = ratings_compute(month=NOV)
    assert done.removed == 1
    assert ("person", staff_of(month.agent).pk) not in _ratings(NOV)


def _new(
    post: str = "counter_clerk", valid_from: str = "2027-01", standards: list[NewStandard] | None = None
) -> NewSet:
    return NewSet(
        post=post,
        valid_from=valid_from,
        note="2027 年标准",
        standards=standards
        if standards is not None
        else [NewStandard("wait_mean", "at_most", "12", 60), NewStandard("satisfaction_rate", "at_least", "96.5", 40)],
    )


def test_an_administrator_makes_a_new_version_from_next_month(month: City) -> None:
    made = standard_set_create(scope=scope_for(month.admin), actor=month.admin, data=_new(), today=date(2026, 12, 5))
    assert (made.post, made.version, made.valid_from, made.note) == (
        "counter_clerk",
        2,
        date(2027, 1, 1),
        "2027 年标准",
    )
    assert [
        (s.position, s.figure, s.comparison, s.threshold, s.weight) for s in made.standards.order_by("position")
    ] == [
        (1, "wait_mean", "at_most", Decimal("12.0000"), 60),
        (2, "satisfaction_rate", "at_least", Decimal("96.5000"), 40),
    ]
    assert set_in_force("counter_clerk", date(2027, 1, 1)) == made
    assert set_in_force("counter_clerk", DEC).version == 1  # type: ignore[union-attr]


def test_a_used_set_is_never_changed_and_a_rated_month_takes_no_new_version(month: City) -> None:
    ratings_compute(month=NOV)
    v1 = StandardSet.objects.get(post="counter_clerk")
    before = list(v1.standards.values_list("figure", "threshold", "weight"))
    with pytest.raises(InvalidInput) as refused:
        standard_set_create(
            scope=scope_for(month.admin), actor=month.admin, data=_new(valid_from="2026-10"), today=date(2026, 12, 5)
        )
    assert refused.value.errors == {"valid_from": "2026-10 起已按本岗位的标准评定过，新版本最早从 2027-01 起生效。"}
    assert StandardSet.objects.filter(post="counter_clerk").count() == 1
    assert list(v1.standards.values_list("figure", "threshold", "weight")) == before
    # A month nobody of the post was rated in yet may still take a version (here December).
    dec = standard_set_create(
        scope=scope_for(month.admin), actor=month.admin, data=_new(valid_from="2026-12"), today=date(2026, 12, 5)
    )
    assert (dec.version, dec.valid_from) == (2, DEC)
    # … and an unused version of the same month is replaced by the next one.
    again = standard_set_create(
        scope=scope_for(month.admin), actor=month.admin, data=_new(valid_from="2026-12"), today=date(2026, 12, 5)
    )
    assert again.version == 3
    assert list(
        StandardSet.objects.filter(post="counter_clerk").order_by("version").values_list("version", flat=True)
    ) == [1, 3]


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (_new(post="manager"), {"post": "请选择适用岗位。"}),
        (_new(valid_from="2027-13"), {"valid_from": "生效月份格式应为 2026-12。"}),
        (_new(valid_from="\x00"), {"valid_from": "生效月份格式应为 2026-12。"}),
        (_new(standards=[]), {"standards": "至少需要一条标准。"}),
        (
            _new(standards=[NewStandard("speed", "at_least", "1", 1)]),
            {"standards.0.figure": "请选择一项考核指标。"},
        ),
        (
            _new(standards=[NewStandard("satisfaction_rate", "at_least", "101", 1)]),
            {"standards.0.threshold": "比率的标准值应在 0 到 100（%）之间。"},
        ),
        (
            _new(standards=[NewStandard("wait_mean", "at_most", "-1", 1)]),
            {"standards.0.threshold": "标准值不能为负数。"},
        ),
        (
            _new(standards=[NewStandard("verified", "at_most", "0.5", 1)]),
            {"standards.0.threshold": "件数的标准值应为整数。"},
        ),
        (
            _new(standards=[NewStandard("wait_mean", "between", "x", 0)]),
            {
                "standards.0.comparison": "请选择不低于或不高于。",
                "standards.0.threshold": "请填写标准值（数字）。",
                "standards.0.weight": "权重应为 1 到 100 的整数。",
            },
        ),
        (
            _new(
                standards=[NewStandard("wait_mean", "at_most", "10", 101), NewStandard("wait_mean", "at_most", "9", 5)]
            ),
            {"standards.0.weight": "权重应为 1 到 100 的整数。", "standards.1.figure": "同一项指标只能有一条标准。"},
        ),
        (
            _new(post="counter", standards=[NewStandard("callback_rate", "at_least", "90", 1)]),
            {"standards.0.figure": "柜台没有工单，不能以工单指标考核。"},
        ),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_written(
    month: City, data: NewSet, errors: dict[str, str]
) -> None:
    sets = list(StandardSet.objects.values_list("pk", flat=True))
    with pytest.raises(InvalidInput) as refused:
        standard_set_create(scope=scope_for(month.admin), actor=month.admin, data=data, today=date(2026, 12, 5))
    assert refused.value.errors == errors
    assert list(StandardSet.objects.values_list("pk", flat=True)) == sets


@pytest.mark.parametrize("persona", ["supervisor", "planner", "manager", "clerk"])
def test_only_an_administrator_makes_a_version(month: City, persona: str) -> None:
    user = getattr(month, persona)
    with pytest.raises(Forbidden):
        standard_set_create(scope=scope_for(user), actor=user, data=_new(), today=date(2026, 12, 5))
    assert StandardSet.objects.filter(post="counter_clerk").count() == 1


def test_the_job_rates_last_month_once_and_catches_up_the_missing_months(month: City) -> None:
    service(month, date(2026, 10, 5), user=month.clerk, counter=0, waits=[30], rated=(1, 0))
    service(month, date(2026, 12, 5), user=month.clerk, counter=0, waits=[5], rated=(1, 1))
    rolled(date(2026, 10, 1), date(2026, 12, 30))
    done = stars_due(today=date(2027, 1, 2))
    assert done.waiting and [m.month for m in done.months] == [date(2026, 10, 1), NOV]  # December not rolled up yet
    rolled(date(2026, 12, 31), date(2026, 12, 31))
    done = stars_due(today=date(2027, 1, 2))
    assert not done.waiting and [m.month for m in done.months] == [DEC]
    assert stars_due(today=date(2027, 1, 3)).months == []  # nothing due: once a month
    clerk = staff_of(month.clerk).pk
    assert list(
        StarRating.objects.filter(level="person", subject_id=clerk).order_by("month").values_list("month", "stars")
    ) == [(date(2026, 10, 1), 2), (NOV, 5), (DEC, 5)]
    # A version made for a month already rated (nobody of its post rated then) makes it due again.
    standard_set(StarPost.COUNTER, DEC, [("served", "at_least", "1", 1)], by=month.admin)
    assert [m.month for m in stars_due(today=date(2027, 1, 4)).months] == [DEC]
    assert StarRating.objects.filter(month=DEC, level="counter").count() == 1
    # Three months in all: September is never looked at.
    assert not StarRating.objects.filter(month__lt=date(2026, 10, 1)).exists()


def test_the_job_rates_nothing_before_the_first_day_rolled_up(month: City) -> None:
    rolled(date(2026, 12, 1), date(2026, 12, 1))  # the worker began in December
    assert stars_due(today=date(2026, 12, 2)).months == []
    assert not StarRating.objects.exists()
