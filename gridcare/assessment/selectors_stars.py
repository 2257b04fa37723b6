"""Reads of the star standards and ratings (星级服务标准, ASSESS-1): the set in force for a post
in a month, every post's versions, the ratings a post may read (``stars_access``), a rating's
reasons as sentences, a subject's last months, and a hall's latest stars for its publication
(公示) on the board and in the portal (``hall_stars``: halls and portal read them here)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridcare.assessment.models import Standard, StandardSet, StarPost, StarRating
from gridcare.assessment.rules.stars import (
    RATED_LEVELS,
    Rule,
    bands_of,
    reason_sentence,
    standard_sentence,
    stars_text,
)
from gridcare.assessment.stars_access import ratings_filter
from gridcare.org.access import Scope
from gridcare.org.models import Counter, Hall, Staff
from gridcare.org.selectors import names_of

HISTORY_MONTHS = 12

LEVEL_LABELS: dict[str, Promise] = {
    "person": gettext_lazy("人员"),
    "counter": gettext_lazy("窗口"),
    "hall": gettext_lazy("营业厅"),
    "unit": gettext_lazy("供电单位"),
}
assert tuple(LEVEL_LABELS) == RATED_LEVELS

HALL_TITLES: dict[int, Promise] = {
    1: gettext_lazy("一星营业厅"),
    2: gettext_lazy("二星营业厅"),
    3: gettext_lazy("三星营业厅"),
    4: gettext_lazy("四星营业厅"),
    5: gettext_lazy("五星营业厅"),
}


def star_bands() -> tuple[Decimal, ...]:
    """The least score of 5, 4, 3 and 2 stars (``GRIDCARE_ASSESSMENT["STAR_BANDS"]``)."""
    raw: Any = settings.GRIDCARE_ASSESSMENT["STAR_BANDS"]
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    return bands_of([str(item) for item in items])


def month_first(day: date) -> date:
    return day.replace(day=1)


def month_before(first: date) -> date:
    return (first - timedelta(days=1)).replace(day=1)


def month_after(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1)


# -- the standard sets ----------------------------------------------------------------------------


def set_in_force(post: str, month: date) -> StandardSet | None:
    """The set of ``post`` in force in ``month``: the latest that is valid from it or before."""
    return (
        StandardSet.objects.filter(post=post, valid_from__lte=month_first(month))
        .prefetch_related("standards")
        .order_by("-valid_from", "-version")
        .first()
    )


def sets_in_force(month: date) -> dict[str, StandardSet]:
    """Every post's set in force in ``month`` (the posts without one left out)."""
    found = {}
    for post in StarPost.values:
        standard_set = set_in_force(post, month)
        if standard_set is not None:
            found[post] = standard_set
    return found


def rules_of(standard_set: StandardSet) -> list[Rule]:
    return [
        Rule(s.figure, s.comparison, s.threshold, s.weight)
        for s in sorted(standard_set.standards.all(), key=lambda s: s.position)
    ]


def set_used(standard_set: StandardSet | int) -> bool:
    """Whether a rating was made by the set (it is never changed then)."""
    pk = standard_set if isinstance(standard_set, int) else standard_set.pk
    return StarRating.objects.filter(standard_set_id=pk).exists()


def post_rated_since(post: str, month: date) -> bool:
    """Whether a subject of ``post`` was rated in ``month`` or a later month."""
    return StarRating.objects.filter(post=post, month__gte=month_first(month)).exists()


@dataclass(frozen=True)
class SetRow:
    standard_set: StandardSet
    sentences: list[str]
    used: bool
    in_force: bool  # the set in force this month
    created_by: str


@dataclass(frozen=True)
class PostSets:
    post: str
    label: str
    versions: list[SetRow]  # newest first

    @property
    def current(self) -> SetRow | None:
        return next((v for v in self.versions if v.in_force), None)


def post_sets(*, today: date) -> list[PostSets]:
    """Every post with its versions, newest first, each with its standards as sentences, whether
    a rating used it and whether it is the one in force this month."""
    sets = (
        StandardSet.objects.annotate(used=Exists(StarRating.objects.filter(standard_set_id=OuterRef("pk"))))
        .select_related("created_by__staff")
        .prefetch_related("standards")
        .order_by("post", "-valid_from", "-version")
    )
    by_post: dict[str, list[StandardSet]] = defaultdict(list)
    for s in sets:
        by_post[s.post].append(s)
    shown = []
    this_month = month_first(today)
    for post, label in StarPost.choices:
        current = next((s for s in by_post[post] if s.valid_from <= this_month), None)
        rows = [
            SetRow(
                standard_set=s,
                sentences=[standard_sentence(r.figure, r.comparison, r.threshold, r.weight) for r in rules_of(s)],
                used=bool(getattr(s, "used", False)),
                in_force=current is not None and s.pk == current.pk,
                created_by=_who(s),
            )
            for s in by_post[post]
        ]
        shown.append(PostSets(post, str(label), rows))
    return shown


def _who(standard_set: StandardSet) -> str:
    user = standard_set.created_by
    staff = getattr(user, "staff", None)
    return staff.name if staff is not None else user.get_username()


def latest_set(post: str) -> StandardSet | None:
    """The newest version of ``post`` (the one a new version starts as a copy of)."""
    return (
        StandardSet.objects.filter(post=post).prefetch_related("standards").order_by("-valid_from", "-version").first()
    )


def standards_of(standard_set: StandardSet) -> list[Standard]:
    return sorted(standard_set.standards.all(), key=lambda s: s.position)


# -- the ratings ----------------------------------------------------------------------------------

# The list's sortable columns (?sort=); otherwise the most stars first.
RATING_SORTS: dict[str, tuple[str, ...]] = {
    "stars": ("stars", "score", "id"),
    "score": ("score", "id"),
    "level": ("level", "-stars", "-score", "id"),
    "post": ("post", "-stars", "-score", "id"),
}


def _in_unit(unit_id: int) -> Q:
    return (
        Q(level="person", subject_id__in=Staff.objects.filter(unit_id=unit_id).values("pk"))
        | Q(level="counter", subject_id__in=Counter.objects.filter(hall__unit_id=unit_id).values("pk"))
        | Q(level="hall", subject_id__in=Hall.objects.filter(unit_id=unit_id).values("pk"))
        | Q(level="unit", subject_id=unit_id)
    )


def _in_hall(hall_id: int) -> Q:
    return (
        Q(level="person", subject_id__in=Staff.objects.filter(hall_id=hall_id).values("pk"))
        | Q(level="counter", subject_id__in=Counter.objects.filter(hall_id=hall_id).values("pk"))
        | Q(level="hall", subject_id=hall_id)
    )


def rating_list(
    *, scope: Scope, month: date, level: str = "", unit_id: int | None = None, hall_id: int | None = None
) -> QuerySet[StarRating]:
    """The month's ratings ``scope`` may read, of one level (empty: all), of the people and
    places of one unit or hall when given; the most stars and the highest score first."""
    rows = StarRating.objects.filter(ratings_filter(scope), month=month_first(month))
    if level in RATED_LEVELS:
        rows = rows.filter(level=level)
    if unit_id is not None:
        rows = rows.filter(_in_unit(unit_id))
    if hall_id is not None:
        rows = rows.filter(_in_hall(hall_id))
    return rows.select_related("standard_set").order_by("-stars", "-score", "level", "subject_id")


@dataclass(frozen=True)
class RatingRow:
    rating: StarRating
    name: str
    level_label: str
    post_label: str
    marks: str  # ★★★★☆
    month: str  # YYYY-MM


def rating_rows(ratings: Iterable[StarRating]) -> list[RatingRow]:
    """Ratings as the list and the export show them, the subjects' names read once per level."""
    ratings = list(ratings)
    ids: dict[str, set[int]] = defaultdict(set)
    for r in ratings:
        ids[r.level].add(r.subject_id)
    names = {level: names_of(level, keys) for level, keys in ids.items()}
    return [
        RatingRow(
            rating=r,
            name=names.get(r.level, {}).get(r.subject_id, "—"),
            level_label=str(LEVEL_LABELS.get(r.level, "")),
            post_label=str(StarPost(r.post).label) if r.post in StarPost.values else "",
            marks=stars_text(r.stars),
            month=f"{r.month:%Y-%m}",
        )
        for r in ratings
    ]


def rating_sentences(rating: StarRating) -> list[tuple[bool, str]]:
    """(met, sentence) of each standard the rating was made by."""
    return [(bool(r.get("met")), reason_sentence(r)) for r in rating.reasons if isinstance(r, dict)]


def subject_months(rating: StarRating, *, months: int = HISTORY_MONTHS) -> list[tuple[date, StarRating | None]]:
    """The subject's ratings of the ``months`` months up to the rating's, oldest first (None: a
    month without a rating)."""
    firsts = [rating.month]
    while len(firsts) < months:
        firsts.insert(0, month_before(firsts[0]))
    found = {
        r.month: r
        for r in StarRating.objects.filter(
            level=rating.level, subject_id=rating.subject_id, month__gte=firsts[0], month__lte=rating.month
        )
    }
    return [(first, found.get(first)) for first in firsts]


# -- publication (公示): a hall's latest stars ------------------------------------------------------


@dataclass(frozen=True)
class HallStars:
    stars: int
    month: date
    marks: str  # ★★★★☆
    title: str  # 四星营业厅
    text: str  # ★★★★☆ 四星营业厅（2026年11月）


def publication_text(stars: int, month: date) -> str:
    return _("%(marks)s %(title)s（%(year)d年%(month)d月）") % {
        "marks": stars_text(stars),
        "title": HALL_TITLES[max(1, min(5, stars))],
        "year": month.year,
        "month": month.month,
    }


def hall_stars(hall_ids: Iterable[int]) -> dict[int, HallStars]:
    """Each hall's latest star rating (halls never rated left out), as it is published."""
    wanted = sorted(set(hall_ids))
    latest: dict[int, StarRating] = {}
    rows = StarRating.objects.filter(level="hall", subject_id__in=wanted).order_by("subject_id", "-month")
    for r in rows:
        latest.setdefault(r.subject_id, r)
    return {
        pk: HallStars(
            stars=r.stars,
            month=r.month,
            marks=stars_text(r.stars),
            title=str(HALL_TITLES[max(1, min(5, r.stars))]),
            text=publication_text(r.stars, r.month),
        )
        for pk, r in latest.items()
    }
