"""Star standards and monthly star ratings (星级服务标准, ASSESS-1).

``standard_set_create`` writes a new version of a post's standards (STAR_STANDARDS_EDIT,
administrators): every standard checked first (a known figure, a comparison, a threshold within
the figure's range, a weight 1-100, no figure twice, at least one), valid from the first of a
month not before next month, unless no subject of the post was rated in that month or later
yet. A set a rating used is never changed: a change is always a new version (an unused version
of the same month is replaced by the new one).

``ratings_compute`` rates every person, counter, hall and unit with figures in a month by the
set in force for its post (``rules.stars``), in one transaction; the same figures give the
same rows. The worker's job ``assessment_stars`` (``stars_due``) rates last month once it is
rolled up, and catches up the ``STARS_CATCH_UP_MONTHS`` months before it that are missing or
have a set newer than their ratings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from gridcare.assessment.models import Comparison, RolledDay, Standard, StandardSet, StarPost, StarRating
from gridcare.assessment.rules.figures import FIGURE_DIRECTION, figures
from gridcare.assessment.rules.period import month_period
from gridcare.assessment.rules.stars import (
    COMPARISONS,
    RATED_LEVELS,
    STANDARDS_MAX,
    WEIGHT_MAX,
    WEIGHT_MIN,
    Rated,
    Rule,
    figure_error,
    post_of,
    rate,
    threshold_error,
)
from gridcare.assessment.selectors import rolled_through, sums_from_rollups
from gridcare.assessment.selectors_stars import (
    month_after,
    month_before,
    month_first,
    post_rated_since,
    rules_of,
    sets_in_force,
    star_bands,
)
from gridcare.core import timezone as tz
from gridcare.core.exceptions import Forbidden, InvalidInput
from gridcare.halls.figures import wait_target_minutes
from gridcare.org.access import Capability, Scope, require
from gridcare.org.models import Staff

NOTE_MAX = 500
EVERYONE = Scope(staff=None, company_id=None, unit_id=None, hall_id=None, everything=True)


@dataclass(frozen=True)
class NewStandard:
    figure: str
    comparison: str
    threshold: Any  # a number or its text, in the figure's units (percent, minutes, count)
    weight: Any


@dataclass(frozen=True)
class NewSet:
    post: str
    valid_from: str  # YYYY-MM (or the month's first day, YYYY-MM-01)
    standards: Sequence[NewStandard]
    note: str = ""


@dataclass(frozen=True)
class Checked:
    post: str
    valid_from: date
    note: str
    rules: list[Rule]
    replaces: StandardSet | None  # an unused version of the same month, replaced by this one
    version: int


def _text_error(text: str) -> str:
    if any(ord(c) < 32 and c not in "\t\n\r" for c in text):
        return _("不能包含控制字符。")
    return ""


def _valid_from(text: str, post: str, today: date, errors: dict[str, str]) -> date | None:
    text = text.strip()
    if text.count("-") == 2 and text.endswith("-01"):
        text = text[:-3]
    try:
        first = month_period(text).start if text and len(text) <= 10 else None
    except InvalidInput:
        first = None
    if first is None or not 2000 <= first.year <= 2100:
        errors["valid_from"] = _("生效月份格式应为 2026-12。")
        return None
    following = month_after(month_first(today))
    if first < following and post in StarPost.values and post_rated_since(post, first):
        errors["valid_from"] = _("%(month)s 起已按本岗位的标准评定过，新版本最早从 %(next)s 起生效。") % {
            "month": f"{first:%Y-%m}",
            "next": f"{following:%Y-%m}",
        }
    return first


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip()) if len(str(value)) <= 30 else None
    except InvalidOperation:
        return None
    return number if number is not None and number.is_finite() else None


def _weight(value: Any) -> int | None:
    number = _number(value)
    if number is None or number != number.to_integral_value():
        return None
    return int(number)


def _rule(i: int, post: str, s: NewStandard, seen: set[str], errors: dict[str, str]) -> Rule | None:
    where = f"standards.{i}"
    figure, comparison = str(s.figure or "").strip(), str(s.comparison or "").strip()
    bad = figure_error(post, figure)
    if not bad and figure in seen:
        bad = _("同一项指标只能有一条标准。")
    if bad:
        errors[f"{where}.figure"] = bad
    seen.add(figure)
    if comparison not in COMPARISONS:
        errors[f"{where}.comparison"] = _("请选择不低于或不高于。")
    threshold = _number(s.threshold)
    if threshold is None:
        errors[f"{where}.threshold"] = _("请填写标准值（数字）。")
    elif figure in FIGURE_DIRECTION and (problem := threshold_error(figure, threshold)):
        errors[f"{where}.threshold"] = problem
    weight = _weight(s.weight)
    if weight is None or not WEIGHT_MIN <= weight <= WEIGHT_MAX:
        errors[f"{where}.weight"] = _("权重应为 %(min)d 到 %(max)d 的整数。") % {"min": WEIGHT_MIN, "max": WEIGHT_MAX}
    if f"{where}.figure" in errors or threshold is None or weight is None or comparison not in COMPARISONS:
        return None
    return Rule(figure, comparison, threshold, weight)


def standard_set_check(*, scope: Scope, data: NewSet, today: date | None = None) -> Checked:
    """Everything about a new version, checked before anything is written; each problem on its
    field (``post``, ``valid_from``, ``note``, ``standards``, ``standards.<i>.<field>``)."""
    require(scope, Capability.STAR_STANDARDS_EDIT)
    today = today or tz.business_date()
    errors: dict[str, str] = {}
    post = str(data.post or "").strip()
    if post not in StarPost.values:
        errors["post"] = _("请选择适用岗位。")
    note = str(data.note or "").strip()
    if len(note) > NOTE_MAX:
        errors["note"] = _("说明最多 %(n)d 个字。") % {"n": NOTE_MAX}
    elif bad := _text_error(note):
        errors["note"] = bad
    first = _valid_from(str(data.valid_from or ""), post, today, errors)
    standards = list(data.standards or [])
    if not standards:
        errors["standards"] = _("至少需要一条标准。")
    elif len(standards) > STANDARDS_MAX:
        errors["standards"] = _("一套标准最多 %(n)d 条。") % {"n": STANDARDS_MAX}
    seen: set[str] = set()
    rules = [_rule(i, post, s, seen, errors) for i, s in enumerate(standards[:STANDARDS_MAX])]
    if errors or first is None:
        raise InvalidInput(_("星级标准有误，未保存。"), errors=errors)
    replaces = StandardSet.objects.filter(post=post, valid_from=first).first()
    latest = StandardSet.objects.filter(post=post).aggregate(v=Max("version"))["v"] or 0
    return Checked(post, first, note, [r for r in rules if r is not None], replaces, latest + 1)


@dataclass(frozen=True)
class Preview:
    sentence: str


def standard_set_preview(*, scope: Scope, data: NewSet, today: date | None = None) -> Preview:
    """What saving would do, after the same checks; nothing written."""
    checked = standard_set_check(scope=scope, data=data, today=today)
    values = {
        "post": StarPost(checked.post).label,
        "version": checked.version,
        "month": f"{checked.valid_from:%Y-%m}",
        "n": len(checked.rules),
        "weight": sum(r.weight for r in checked.rules),
    }
    sentence = _("将保存%(post)s的星级标准第 %(version)d 版：%(n)d 条标准，总权重 %(weight)d，自 %(month)s 起生效。")
    if checked.replaces is not None:
        sentence += _("同月尚未使用的第 %(old)d 版将被替换。") % {"old": checked.replaces.version}
    return Preview(sentence % values)


def standard_set_create(
    *, scope: Scope, actor: User | AnonymousUser, data: NewSet, today: date | None = None
) -> StandardSet:
    """Write the new version (administrators); refused on its fields with nothing written."""
    checked = standard_set_check(scope=scope, data=data, today=today)
    if not isinstance(actor, User):
        raise Forbidden(_("您的岗位无权办理此项业务。"))
    with transaction.atomic():
        if checked.replaces is not None:
            StandardSet.objects.filter(pk=checked.replaces.pk, ratings__isnull=True).delete()
        created = StandardSet.objects.create(
            post=checked.post,
            version=checked.version,
            valid_from=checked.valid_from,
            note=checked.note,
            created_by=actor,
            created_at=tz.now(),
        )
        Standard.objects.bulk_create(
            Standard(
                standard_set=created,
                position=i,
                figure=r.figure,
                comparison=Comparison(r.comparison),
                threshold=r.threshold,
                weight=r.weight,
            )
            for i, r in enumerate(checked.rules, start=1)
        )
    return created


# -- the monthly ratings -------------------------------------------------------------------------


@dataclass
class RatingsDone:
    month: date
    rated: int = 0
    created: int = 0
    updated: int = 0
    removed: int = 0


def _wanted(month: date) -> dict[tuple[str, int], tuple[str, StandardSet, Rated]]:
    """Each subject with figures in ``month`` whose post has a set in force: its rating."""
    sets = sets_in_force(month)
    if not sets:
        return {}
    rules = {post: rules_of(s) for post, s in sets.items()}
    bands, target = star_bands(), wait_target_minutes()
    last = month_after(month) - timedelta(days=1)
    wanted: dict[tuple[str, int], tuple[str, StandardSet, Rated]] = {}
    for level in RATED_LEVELS:
        sums = sums_from_rollups(scope=EVERYONE, start=month, end=last, level=level)
        roles = dict(Staff.objects.filter(pk__in=list(sums)).values_list("pk", "role")) if level == "person" else {}
        for key, found in sums.items():
            post = post_of(level, roles.get(key, ""))
            if post is None or post not in sets:
                continue
            shown = figures(found, target_minutes=target)
            values = {name: shown.value(name) for name in FIGURE_DIRECTION}
            wanted[(level, key)] = (post, sets[post], rate(rules[post], values, bands))
    return wanted


def ratings_compute(*, month: date) -> RatingsDone:
    """Rate every subject with figures in ``month`` by its post's set in force, in one
    transaction: a subject rated before is updated in place, one without figures (or whose
    post lost its set) any more loses its rating; the same figures give the same rows."""
    month = month_first(month)
    wanted = _wanted(month)
    done = RatingsDone(month=month, rated=len(wanted))
    now = tz.now()
    with transaction.atomic():
        have = {(r.level, r.subject_id): r for r in StarRating.objects.select_for_update().filter(month=month)}
        fresh, changed = [], []
        for (level, key), (post, standard_set, rated) in sorted(wanted.items()):
            row = have.get((level, key))
            values = {
                "post": post,
                "standard_set_id": standard_set.pk,
                "stars": rated.stars,
                "score": rated.score,
                "reasons": rated.reasons,
                "rated_at": now,
            }
            if row is None:
                fresh.append(StarRating(month=month, level=level, subject_id=key, **values))
                continue
            for name, value in values.items():
                setattr(row, name, value)
            changed.append(row)
        StarRating.objects.bulk_create(fresh, batch_size=1000)
        StarRating.objects.bulk_update(
            changed, ["post", "standard_set_id", "stars", "score", "reasons", "rated_at"], batch_size=1000
        )
        stale = [r.pk for k, r in have.items() if k not in wanted]
        StarRating.objects.filter(pk__in=stale).delete()
    done.created, done.updated, done.removed = len(fresh), len(changed), len(stale)
    return done


@dataclass
class StarsDone:
    months: list[RatingsDone] = field(default_factory=list)
    waiting: bool = False  # last month is not rolled up to its end yet

    @property
    def rated(self) -> int:
        return sum(m.rated for m in self.months)


def _catch_up_months() -> int:
    return int(str(settings.GRIDCARE_ASSESSMENT["STARS_CATCH_UP_MONTHS"]))


def _due(month: date) -> bool:
    """A month is due when it has a set in force and no rating yet, or a set in force newer than
    its ratings (a version made for it after it was rated)."""
    sets = sets_in_force(month)
    if not sets:
        return False
    rated_at = StarRating.objects.filter(month=month).aggregate(at=Max("rated_at"))["at"]
    return rated_at is None or any(s.created_at > rated_at for s in sets.values())


def stars_due(
    *, today: date | None = None, regenerate: bool = False, stop: Callable[[], bool] | None = None
) -> StarsDone:
    """Last month's ratings once the month is rolled up to its last day, and those of the months
    before it (``STARS_CATCH_UP_MONTHS`` in all) that are due; ``regenerate``: every one of them."""
    today = today or tz.business_date()
    last = month_before(month_first(today))
    through = rolled_through()
    began = RolledDay.objects.order_by("day").values_list("day", flat=True).first()
    done = StarsDone(waiting=through is None or through < month_after(last) - timedelta(days=1))
    months = [last]
    while len(months) < max(1, _catch_up_months()):
        months.insert(0, month_before(months[0]))
    for month in months:
        end = month_after(month) - timedelta(days=1)
        if through is None or through < end or began is None or end < began:
            continue  # not complete yet, or before anything was rolled up
        if stop is not None and stop():
            return done
        if regenerate or _due(month):
            done.months.append(ratings_compute(month=month))
    return done
