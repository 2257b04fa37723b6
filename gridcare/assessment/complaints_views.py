"""投诉分析 (issue 14, ASSESS-6): complaints per 10,000 customers by class, unit and cause for a
month or a date range, repeat complaints, the last 12 months as a chart and a table, the orders
behind each number, and the same numbers as an Excel workbook. ``COMPLAINT_ANALYSIS``:
supervisors their unit, planners and administrators the company."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from gridcare.assessment import selectors_complaints as sc
from gridcare.assessment.complaints_export import analysis_workbook
from gridcare.assessment.rules.period import Period, parse_period
from gridcare.core.exceptions import InvalidInput
from gridcare.core.paging import paginate
from gridcare.core.timezone import business_date
from gridcare.core.views import staff_required
from gridcare.org.access import Capability, request_scope, require


def _period(request: HttpRequest) -> tuple[Period, dict[str, str]]:
    """The asked month or range, or this month so far with the field's error when it is wrong."""
    today = business_date()
    asked = {key: request.GET.get(key, "").strip() for key in ("month", "start", "end")}
    try:
        return parse_period(**asked, today=today), {}
    except InvalidInput as exc:
        return parse_period(today=today), {k: str(v) for k, v in exc.errors.items()}


def chart_data(a: sc.Analysis) -> dict[str, Any]:
    """What complaints.js draws: the trend's months, complaints per 10,000 and repeats (the same
    numbers as the table below the chart)."""
    return {
        "months": [f"{m.month:%Y-%m}" for m in a.trend],
        "per_10k": [round(m.per_10k, 2) if m.per_10k is not None else None for m in a.trend],
        "complaints": [m.complaints for m in a.trend],
        "repeats": [m.repeats for m in a.trend],
        "labels": {"per_10k": _("每万户投诉"), "complaints": _("投诉数"), "repeats": _("重复投诉")},
    }


def _link(period: Period, query: dict[str, str], repeat: bool = False) -> str:
    asked = {"start": period.start.isoformat(), "end": period.end.isoformat(), **query}
    if repeat:
        asked["repeat"] = "1"
    return "?" + urlencode(asked)


def _rows(period: Period, lines: list[sc.Line]) -> list[dict[str, Any]]:
    return [{"line": x, "link": _link(period, x.query), "repeat_link": _link(period, x.query, True)} for x in lines]


@staff_required
def complaints(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), Capability.COMPLAINT_ANALYSIS)
    period, errors = _period(request)
    a = sc.complaint_analysis(scope=scope, start=period.start, end=period.end)
    months = [
        {
            "m": m,
            "link": _link(Period(m.month, m.last_day), {}),
            "repeat_link": _link(Period(m.month, m.last_day), {}, True),
        }
        for m in a.trend
    ]
    context = {
        "a": a,
        "period": period,
        "errors": errors,
        "total_rows": _rows(period, [a.total]),
        "by_class": _rows(period, a.by_class),
        "by_unit": _rows(period, a.by_unit),
        "by_cause": _rows(period, a.by_cause),
        "months": months,
        "chart": chart_data(a),
        "export": _link(period, {}),
    }
    return render(request, "assessment/complaints.html", context)


@staff_required
def complaints_export(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), Capability.COMPLAINT_ANALYSIS)
    period, _errors = _period(request)
    a = sc.complaint_analysis(scope=scope, start=period.start, end=period.end)
    response = HttpResponse(
        analysis_workbook(a), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"complaints-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@staff_required
def complaint_orders(request: HttpRequest) -> HttpResponse:
    """The complaints behind a number of the analysis (its period and filters), each linked to its
    order's page, repeats marked."""
    scope = require(request_scope(request), Capability.COMPLAINT_ANALYSIS)
    period, errors = _period(request)
    context: dict[str, Any] = {"period": period, "errors": errors, "page": None}
    try:
        ask = sc.behind_ask(scope=scope, start=period.start, end=period.end, values=request.GET.dict())
    except InvalidInput as exc:
        context["errors"] = {**errors, **{k: str(v) for k, v in exc.errors.items()}}
        return render(request, "assessment/complaint_orders.html", context)
    ids, repeats = sc.orders_behind(scope=scope, ask=ask)
    page = paginate(request, ids)
    context.update(
        ask=ask,
        page=page,
        orders=sc.order_rows(page.items),
        repeats=repeats,
        back="?" + urlencode({"start": period.start.isoformat(), "end": period.end.isoformat()}),
        asked=sc.behind_words(scope=scope, ask=ask),
    )
    return render(request, "assessment/complaint_orders.html", context)
