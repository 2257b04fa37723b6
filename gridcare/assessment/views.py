"""The assessment pages: figures of any period for every person, counter, hall and unit in the
caller's reach (their own for posts without ASSESS_FIGURES), each drilling down to its rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from gridcare.assessment import selectors
from gridcare.assessment.access import sees_others
from gridcare.assessment.rules.period import Period, parse_period
from gridcare.core.exceptions import InvalidInput, NotFound
from gridcare.core.paging import export_response, paginate, sort_items
from gridcare.core.timezone import SHANGHAI, business_date
from gridcare.core.views import staff_required
from gridcare.halls.figures import wait_target_minutes
from gridcare.halls.selectors import tickets_behind_figure
from gridcare.org.access import Scope, request_scope
from gridcare.workorders.selectors import orders_behind_figure


def _levels() -> list[tuple[str, str]]:
    return [
        ("person", _("人员")),
        ("counter", _("窗口")),
        ("hall", _("营业厅")),
        ("unit", _("供电单位")),
        ("company", _("公司")),
    ]


# The figures table's sortable columns (?sort=key or -key); otherwise by name.
FIGURE_SORTS: dict[str, Callable[[selectors.FigureRow], Any]] = {
    "name": lambda r: r.name,
    "served": lambda r: r.figures.served,
    "handle_mean": lambda r: r.figures.handle_mean,
    "handle_p90": lambda r: r.figures.handle_p90,
    "wait_mean": lambda r: r.figures.wait_mean,
    "wait_p90": lambda r: r.figures.wait_p90,
    "within_target": lambda r: r.figures.within_target,
    "satisfaction_rate": lambda r: r.figures.satisfaction_rate,
    "verified": lambda r: r.figures.verified,
    "received": lambda r: r.figures.received,
    "deadline_rate": lambda r: r.figures.deadline_rate,
    "callback_rate": lambda r: r.figures.callback_rate,
    "no_show_rate": lambda r: r.figures.no_show_rate,
    "abandonment_rate": lambda r: r.figures.abandonment_rate,
}


def _period(request: HttpRequest) -> tuple[Period, dict[str, str]]:
    """The asked period, or this month so far with the field's error when the asked one is wrong."""
    today = business_date()
    try:
        return parse_period(
            month=request.GET.get("month", "").strip(),
            start=request.GET.get("start", "").strip(),
            end=request.GET.get("end", "").strip(),
            today=today,
        ), {}
    except InvalidInput as exc:
        return parse_period(today=today), {k: str(v) for k, v in exc.errors.items()}


def _level(request: HttpRequest, scope: Scope) -> str:
    level = request.GET.get("level", "")
    if not sees_others(scope):
        return "person"
    return level if level in selectors.LEVELS else "hall"


def _rows(request: HttpRequest, scope: Scope) -> tuple[list[selectors.FigureRow], Any, Period, str, dict[str, str]]:
    period, errors = _period(request)
    level = _level(request, scope)
    rows = selectors.figure_rows(scope=scope, start=period.start, end=period.end, level=level)
    rows, sorting = sort_items(request, rows, FIGURE_SORTS)
    return rows, sorting, period, level, errors


@staff_required
def figures(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    rows, sorting, period, level, errors = _rows(request, scope)
    context = {
        "page": paginate(request, rows),
        "sorting": sorting,
        "period": period,
        "level": level,
        "levels": _levels() if sees_others(scope) else [],
        "errors": errors,
        "rolled_through": selectors.rolled_through(),
        "query": request.GET.urlencode(),
        "target": wait_target_minutes(),
    }
    return render(request, "assessment/figures.html", context)


EXPORT_HEADER = (
    "名称",
    "取号数",
    "办结数",
    "平均办理时长（分钟）",
    "办理时长P90（分钟）",
    "平均等候时长（分钟）",
    "等候时长P90（分钟）",
    "等候达标率",
    "评价数",
    "满意率",
    "过号率",
    "离开率",
    "受理工单",
    "时限达标率",
    "回访满意率",
    "查实投诉",
)


def _export_line(row: selectors.FigureRow) -> list[Any]:
    f = row.figures

    def rounded(value: float | None, places: int = 2) -> float | str:
        return "" if value is None else round(value, places)

    return [
        row.name,
        f.tickets,
        f.served,
        rounded(f.handle_mean),
        rounded(f.handle_p90),
        rounded(f.wait_mean),
        rounded(f.wait_p90),
        rounded(f.within_target, 4),
        f.evaluated,
        rounded(f.satisfaction_rate, 4),
        rounded(f.no_show_rate, 4),
        rounded(f.abandonment_rate, 4),
        f.received,
        rounded(f.deadline_rate, 4),
        rounded(f.callback_rate, 4),
        f.verified,
    ]


@staff_required
def figures_export(request: HttpRequest) -> HttpResponseBase:
    scope = request_scope(request)
    rows, _sorting, period, level, _errors = _rows(request, scope)
    header = [_(h) for h in EXPORT_HEADER]
    name = f"assessment-{level}-{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    return export_response(header, (_export_line(r) for r in rows), name=name, fmt=request.GET.get("format", "xlsx"))


@staff_required
def drill(request: HttpRequest, level: str, key: int) -> HttpResponse:
    """The rows behind one subject's figures: its tickets, or its work orders (``?of=orders``)."""
    scope = request_scope(request)
    if level not in selectors.LEVELS or (not sees_others(scope) and level != "person"):
        raise NotFound(_("页面不存在。"))
    period, errors = _period(request)
    row = selectors.figures_of(scope=scope, start=period.start, end=period.end, level=level, key=key)
    if row is None:
        raise NotFound(_("没有这项考核数据，或不在您的范围内。"))
    of = "orders" if request.GET.get("of") == "orders" and level != "counter" else "tickets"
    context: dict[str, Any] = {"row": row, "period": period, "level": level, "of": of, "errors": errors}
    context["query"] = f"start={period.start:%Y-%m-%d}&end={period.end:%Y-%m-%d}"
    if of == "tickets":
        context["page"] = paginate(request, _tickets(scope, period, level, key))
    else:
        context["page"] = paginate(request, _orders(scope, period, level, key))
    return render(request, "assessment/drill.html", context)


def _tickets(scope: Scope, period: Period, level: str, key: int) -> Any:
    if level == "person":
        from gridcare.org.selectors import user_of_staff

        return tickets_behind_figure(scope=scope, start=period.start, end=period.end, clerk_id=user_of_staff(key))
    where = {"counter": "counter_id", "hall": "hall_id", "unit": "unit_id"}.get(level)
    return tickets_behind_figure(scope=scope, start=period.start, end=period.end, **({where: key} if where else {}))


def _orders(scope: Scope, period: Period, level: str, key: int) -> Any:
    start = datetime.combine(period.start, time.min, tzinfo=SHANGHAI)
    end = datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=SHANGHAI)
    where = {"person": "staff_id", "hall": "hall_id", "unit": "unit_id"}.get(level)
    return orders_behind_figure(scope=scope, start=start, end=end, **({where: key} if where else {}))
