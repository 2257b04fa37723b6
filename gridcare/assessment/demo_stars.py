"""The demo's star standards and ratings (ASSESS-1): one standard set per post, in force from the
first month the demo history was rolled up, and the ratings of every month of that history up to
last month, as the worker's job ``assessment_stars`` would have made them."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User

from gridcare.assessment.models import RolledDay, StandardSet, StarPost
from gridcare.assessment.selectors_stars import month_after, month_before, month_first
from gridcare.assessment.services.stars import NewSet, NewStandard, ratings_compute, standard_set_create
from gridcare.core import timezone as tz
from gridcare.org.access import scope_for

# post → (note, standards: figure, comparison, threshold in the figure's units, weight)
DEMO_SETS: dict[str, tuple[str, list[tuple[str, str, str, int]]]] = {
    StarPost.COUNTER_CLERK: (
        "柜台服务规范：等候、办理、满意、过号、零投诉",
        [
            ("wait_mean", "at_most", "15", 20),
            ("handle_mean", "at_most", "10", 20),
            ("satisfaction_rate", "at_least", "95", 30),
            ("no_show_rate", "at_most", "5", 10),
            ("verified", "at_most", "0", 20),
        ],
    ),
    StarPost.HALL_GUIDE: (
        "大堂引导：满意与零投诉",
        [("satisfaction_rate", "at_least", "95", 50), ("verified", "at_most", "0", 50)],
    ),
    StarPost.AGENT_95598: (
        "95598 坐席：时限、回访满意、零投诉",
        [
            ("deadline_rate", "at_least", "98", 40),
            ("callback_rate", "at_least", "95", 30),
            ("verified", "at_most", "0", 30),
        ],
    ),
    StarPost.COUNTER: (
        "窗口：等候、满意、离开",
        [
            ("wait_mean", "at_most", "15", 40),
            ("satisfaction_rate", "at_least", "95", 40),
            ("abandonment_rate", "at_most", "5", 20),
        ],
    ),
    StarPost.HALL: (
        "星级营业厅：15 分钟内叫号、满意、离开、零投诉",
        [
            ("within_target", "at_least", "80", 30),
            ("satisfaction_rate", "at_least", "95", 30),
            ("abandonment_rate", "at_most", "5", 20),
            ("verified", "at_most", "0", 20),
        ],
    ),
    StarPost.UNIT: (
        "供电单位：叫号、满意、时限、回访",
        [
            ("within_target", "at_least", "80", 25),
            ("satisfaction_rate", "at_least", "95", 25),
            ("deadline_rate", "at_least", "98", 25),
            ("callback_rate", "at_least", "95", 25),
        ],
    ),
}


def seed_stars() -> str:
    """The demo sets and the ratings of the demo months (nothing when sets exist already)."""
    if StandardSet.objects.exists():
        return "star standards and ratings: already seeded"
    by = User.objects.filter(is_superuser=True).order_by("pk").first()
    first_day: date | None = RolledDay.objects.order_by("day").values_list("day", flat=True).first()
    if by is None or first_day is None:
        return "star standards and ratings: no administrator or no rolled-up history"
    first = month_first(first_day)
    for post, (note, rules) in DEMO_SETS.items():
        data = NewSet(
            post=post,
            valid_from=f"{first:%Y-%m}",
            note=note,
            standards=[NewStandard(f, c, t, w) for f, c, t, w in rules],
        )
        standard_set_create(scope=scope_for(by), actor=by, data=data)
    rated, month, last = 0, first, month_before(month_first(tz.business_date()))
    while month <= last:
        rated += ratings_compute(month=month).rated
        month = month_after(month)
    return f"star standards: {len(DEMO_SETS)} sets; star ratings: {rated}"
