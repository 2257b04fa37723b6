"""The complaint analysis in the API (issue 14, ASSESS-6): the numbers of the page 投诉分析, with
its access (COMPLAINT_ANALYSIS: supervisors their unit, planners and administrators the company)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from gridcare.assessment import selectors_complaints as sc
from gridcare.assessment.rules.period import parse_period
from gridcare.core.timezone import business_date
from gridcare.org.access import Capability, require
from gridcare.org.api import ErrorOut

router = Router(tags=["assessment"])


class ComplaintLineOut(Schema):
    label: str
    group: str  # a cause's complaint class ("" elsewhere)
    filters: dict[str, str]  # what narrows the line: class, unit (code or "none"), cause (code or "none")
    complaints: int
    customers: int  # active accounts at the end of the period that the line is divided by
    per_10k: float | None
    repeats: int


class ComplaintMonthOut(Schema):
    month: str  # YYYY-MM
    last_day: str  # the month's last day, or the period's end in its month
    complaints: int
    customers: int
    per_10k: float | None
    repeats: int


class ComplaintsOut(Schema):
    start: str
    end: str
    place: str
    repeat_days: int
    total: ComplaintLineOut
    by_class: list[ComplaintLineOut]
    by_unit: list[ComplaintLineOut]
    by_cause: list[ComplaintLineOut]
    trend: list[ComplaintMonthOut]  # the 12 months up to the period's end


def _line(x: sc.Line) -> dict[str, Any]:
    return {
        "label": x.label,
        "group": x.group,
        "filters": x.query,
        "complaints": x.complaints,
        "customers": x.customers,
        "per_10k": x.per_10k,
        "repeats": x.repeats,
    }


@router.get("/assessment/complaints", response={200: ComplaintsOut, 403: ErrorOut, 422: ErrorOut})
def assessment_complaints(request: HttpRequest, start: str = "", end: str = "", month: str = "") -> dict[str, Any]:
    """Complaints per 10,000 customers (accounts active at the end of the period) by class, unit
    and cause, repeat complaints (the same customer again within GRIDCARE_ASSESSMENT_REPEAT_COMPLAINT_DAYS,
    30, calendar days, inclusive) and the 12 months' trend, for ``month`` (YYYY-MM) or ``start``..``end``
    (ISO dates, both included; default this month up to yesterday)."""
    scope = require(request.user, Capability.COMPLAINT_ANALYSIS)
    period = parse_period(month=month.strip(), start=start.strip(), end=end.strip(), today=business_date())
    a = sc.complaint_analysis(scope=scope, start=period.start, end=period.end)
    return {
        "start": a.start.isoformat(),
        "end": a.end.isoformat(),
        "place": a.place,
        "repeat_days": a.repeat_days,
        "total": _line(a.total),
        "by_class": [_line(x) for x in a.by_class],
        "by_unit": [_line(x) for x in a.by_unit],
        "by_cause": [_line(x) for x in a.by_cause],
        "trend": [
            {
                "month": f"{m.month:%Y-%m}",
                "last_day": m.last_day.isoformat(),
                "complaints": m.complaints,
                "customers": m.customers,
                "per_10k": m.per_10k,
                "repeats": m.repeats,
            }
            for m in a.trend
        ],
    }
