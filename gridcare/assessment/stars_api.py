"""Star ratings and standards in the API (ASSESS-1), with the pages' access: a post with
ASSESS_FIGURES the ratings of its reach (supervisors their unit, hall managers their hall,
planners and administrators the company), every other post its own; the standards for every
post to read, a new version for STAR_STANDARDS_EDIT (administrators)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from gridcare.assessment import selectors_stars as ss
from gridcare.assessment.models import StandardSet, StarPost, StarRating
from gridcare.assessment.rules.period import month_period
from gridcare.assessment.rules.stars import RATED_LEVELS, standard_sentence
from gridcare.assessment.services import stars
from gridcare.assessment.stars_access import rating_get_for_scope
from gridcare.core.exceptions import InvalidInput
from gridcare.core.paging import api_page
from gridcare.core.timezone import business_date
from gridcare.org.access import Reach, scope_for
from gridcare.org.api import ERRORS, ErrorOut
from gridcare.org.selectors import place_in_reach

router = Router(tags=["assessment"])


class StarReasonOut(Schema):
    figure: str
    label: str
    comparison: str  # at_least, at_most
    threshold: str  # in the figure's units: percent, minutes or a count
    value: str | None  # the month's value in the same units (None: no data, not met)
    met: bool
    weight: int
    sentence: str


class StarRatingOut(Schema):
    id: int
    month: str  # YYYY-MM
    level: str  # person, counter, hall, unit
    subject_id: int
    name: str
    post: str
    post_label: str
    standard_set_id: int
    standard_set_version: int
    stars: int
    score: Decimal
    rated_at: datetime


class StarRatingDetailOut(StarRatingOut):
    reasons: list[StarReasonOut]
    history: list[dict[str, Any]]  # the last 12 months: month, stars (None: not rated), score


class StarStandardOut(Schema):
    position: int
    figure: str
    comparison: str
    threshold: Decimal
    weight: int
    sentence: str


class StarStandardSetOut(Schema):
    id: int
    post: str
    post_label: str
    version: int
    valid_from: date
    note: str
    used: bool  # a rating used it: never changed
    in_force: bool  # the one in force this month
    created_at: datetime
    standards: list[StarStandardOut]


class StarStandardIn(Schema):
    figure: str
    comparison: str  # at_least, at_most
    threshold: str  # rates in percent 0-100, times in minutes, counts whole
    weight: int


class StarStandardSetIn(Schema):
    post: str
    valid_from: str  # YYYY-MM
    note: str = ""
    standards: list[StarStandardIn]


def _rating_out(row: ss.RatingRow) -> dict[str, Any]:
    r = row.rating
    return {
        "id": r.pk,
        "month": row.month,
        "level": r.level,
        "subject_id": r.subject_id,
        "name": row.name,
        "post": r.post,
        "post_label": row.post_label,
        "standard_set_id": r.standard_set_id,
        "standard_set_version": r.standard_set.version,
        "stars": r.stars,
        "score": r.score,
        "rated_at": r.rated_at,
    }


def _place(scope: Any, level: str, code: str, errors: dict[str, str]) -> int | None:
    if not code:
        return None
    found = place_in_reach(scope, Reach.ASSESSMENT, level, code)
    if found is None:
        errors[level] = _("请选择您管辖范围内的单位。") if level == "unit" else _("请选择您管辖范围内的营业厅。")
    return found


@router.get("/assessment/stars", response={200: list[StarRatingOut], 422: ErrorOut})
def star_ratings(
    request: HttpRequest,
    response: HttpResponse,
    month: str = "",
    level: str = "",
    unit: str = "",
    hall: str = "",
    page: int = 1,
    page_size: int | None = None,
) -> list[dict[str, Any]]:
    """The star ratings of ``month`` (YYYY-MM; default last month) the caller may read, of one
    ``level`` (person, counter, hall, unit; default all), of the people and places of one
    ``unit`` or ``hall`` (codes) in reach; most stars first. Pages of ``?page=`` /
    ``?page_size=``; the total is in X-Total-Count."""
    scope = scope_for(request.user)
    errors: dict[str, str] = {}
    first = ss.month_before(ss.month_first(business_date()))
    if month:
        try:
            first = month_period(month).start
        except InvalidInput:
            errors["month"] = _("月份格式应为 2026-11。")
    if level and level not in RATED_LEVELS:
        errors["level"] = _("层级应为 person、counter、hall 或 unit。")
    unit_id, hall_id = _place(scope, "unit", unit, errors), _place(scope, "hall", hall, errors)
    if errors:
        raise InvalidInput(_("查询条件有误。"), errors=errors)
    rows = ss.rating_list(scope=scope, month=first, level=level, unit_id=unit_id, hall_id=hall_id)
    return [_rating_out(r) for r in ss.rating_rows(api_page(response, rows, page=page, page_size=page_size))]


@router.get("/assessment/stars/{int:rating_id}", response={200: StarRatingDetailOut, 404: ErrorOut})
def star_rating(request: HttpRequest, rating_id: int) -> dict[str, Any]:
    """One rating with its reasons (each standard: the value, the threshold, met or not, the
    weight, and the sentence) and the subject's last 12 months of stars."""
    rating: StarRating = rating_get_for_scope(scope=scope_for(request.user), rating_id=rating_id)
    row = ss.rating_rows([rating])[0]
    sentences = [sentence for _met, sentence in ss.rating_sentences(rating)]
    reasons = [
        {k: r.get(k) for k in ("figure", "label", "comparison", "threshold", "value", "met", "weight")}
        | {"sentence": sentence}
        for r, sentence in zip(rating.reasons, sentences, strict=False)
    ]
    history = [
        {"month": f"{m:%Y-%m}", "stars": r.stars if r else None, "score": str(r.score) if r else None}
        for m, r in ss.subject_months(rating)
    ]
    return _rating_out(row) | {"reasons": reasons, "history": history}


def _set_out(row: ss.SetRow) -> dict[str, Any]:
    s: StandardSet = row.standard_set
    return {
        "id": s.pk,
        "post": s.post,
        "post_label": str(StarPost(s.post).label),
        "version": s.version,
        "valid_from": s.valid_from,
        "note": s.note,
        "used": row.used,
        "in_force": row.in_force,
        "created_at": s.created_at,
        "standards": [
            {
                "position": r.position,
                "figure": r.figure,
                "comparison": r.comparison,
                "threshold": r.threshold,
                "weight": r.weight,
                "sentence": standard_sentence(r.figure, r.comparison, r.threshold, r.weight),
            }
            for r in ss.standards_of(s)
        ],
    }


@router.get("/assessment/standards", response={200: list[StarStandardSetOut]})
def star_standards(request: HttpRequest) -> list[dict[str, Any]]:
    """Every post's standard sets, newest version first, with whether a rating used each and
    which is in force this month. Thresholds: rates in percent, times in minutes."""
    return [_set_out(v) for p in ss.post_sets(today=business_date()) for v in p.versions]


@router.post("/assessment/standards", response={201: StarStandardSetOut, **ERRORS})
def star_standards_create(request: HttpRequest, payload: StarStandardSetIn) -> tuple[int, dict[str, Any]]:
    """A new version of a post's standards (STAR_STANDARDS_EDIT): valid from the first of a
    month not before next month (or an earlier month not yet rated for the post); each bad value
    a 422 naming its field (``standards.<i>.threshold`` …), nothing written."""
    data = stars.NewSet(
        post=payload.post,
        valid_from=payload.valid_from,
        note=payload.note,
        standards=[stars.NewStandard(s.figure, s.comparison, s.threshold, s.weight) for s in payload.standards],
    )
    created = stars.standard_set_create(scope=scope_for(request.user), actor=request.user, data=data)
    row = next(v for p in ss.post_sets(today=business_date()) for v in p.versions if v.standard_set.pk == created.pk)
    return 201, _set_out(row)
