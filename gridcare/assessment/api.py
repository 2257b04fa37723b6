"""The assessment API under /api/v1/assessment/... (issue 14), with the pages' access rules:
supervisors their unit, hall managers their hall, administrators and planners the company,
every other post its own figures."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from gridcare.assessment import selectors
from gridcare.assessment.access import sees_others
from gridcare.assessment.rules.period import parse_period
from gridcare.core.exceptions import NotFound
from gridcare.core.paging import api_page
from gridcare.core.timezone import business_date
from gridcare.org.access import scope_for
from gridcare.org.api import ErrorOut

router = Router(tags=["assessment"])

Level = Literal["person", "counter", "hall", "unit", "company"]


class FiguresOut(Schema):
    tickets: int
    served: int
    no_show: int
    abandoned: int
    evaluated: int
    satisfied: int
    dissatisfied: int
    wait_mean: float | None
    wait_p90: float | None
    within_target: float | None
    handle_mean: float | None
    handle_p90: float | None
    satisfaction_rate: float | None
    no_show_rate: float | None
    abandonment_rate: float | None
    received: int
    complaints: int
    closed: int
    deadlines_due: int
    deadlines_met: int
    deadline_rate: float | None
    callbacks_reached: int
    callbacks_satisfied: int
    callback_rate: float | None
    verified: int
    target_minutes: int


class FigureRowOut(Schema):
    level: Level
    key: int
    name: str
    start: str
    end: str
    figures: FiguresOut


def _dress(start: str, end: str) -> Any:
    def dress(row: selectors.FigureRow) -> dict[str, Any]:
        return {
            "level": row.level,
            "key": row.key,
            "name": row.name,
            "start": start,
            "end": end,
            "figures": asdict(row.figures),
        }

    return dress


@router.get("/assessment/figures", response={200: list[FigureRowOut], 422: ErrorOut})
def assessment_figures(
    request: HttpRequest,
    response: HttpResponse,
    level: Level = "hall",
    month: str = "",
    start: str = "",
    end: str = "",
    page: int = 1,
    page_size: int | None = None,
) -> list[dict[str, Any]]:
    """The figures of every subject of ``level`` in the caller's reach for ``month`` (YYYY-MM)
    or ``start``..``end`` (default: this month up to yesterday); a post without the assessment
    capability gets its own person row whatever it asks. Times in minutes, rates 0..1. Pages of
    ``?page=`` / ``?page_size=``; the total is in X-Total-Count."""
    scope = scope_for(request.user)
    period = parse_period(month=month, start=start, end=end, today=business_date())
    chosen = level if sees_others(scope) else "person"
    rows = selectors.figure_rows(scope=scope, start=period.start, end=period.end, level=chosen)
    dress = _dress(f"{period.start:%Y-%m-%d}", f"{period.end:%Y-%m-%d}")
    return api_page(response, rows, page=page, page_size=page_size, dress=dress)


@router.get("/assessment/figures/{level}/{key}", response={200: FigureRowOut, 404: ErrorOut, 422: ErrorOut})
def assessment_figure(
    request: HttpRequest, level: Level, key: int, month: str = "", start: str = "", end: str = ""
) -> dict[str, Any]:
    """One subject's figures (404 when it is not in the caller's reach or has none)."""
    scope = scope_for(request.user)
    period = parse_period(month=month, start=start, end=end, today=business_date())
    row = (
        selectors.figures_of(scope=scope, start=period.start, end=period.end, level=level, key=key)
        if sees_others(scope) or level == "person"
        else None
    )
    if row is None:
        raise NotFound(_("没有这项考核数据，或不在您的范围内。"))
    result: dict[str, Any] = _dress(f"{period.start:%Y-%m-%d}", f"{period.end:%Y-%m-%d}")(row)
    return result
