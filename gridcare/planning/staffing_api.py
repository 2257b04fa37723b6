"""The staffing plan's API (PLAN-1) under /api/v1/planning/: the Erlang C figures, a hall's
forecast, plans made, listed, read and adopted, and a day's roster. PLAN_VIEW reads (planners
and administrators the company's halls, a hall manager their own), PLAN_EDIT writes; a hall or
plan outside the caller's reach is 404 like a missing one; bad input is 422 on its field."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from gridcare.core.paging import api_page
from gridcare.core.timezone import business_date
from gridcare.org.access import Capability, require
from gridcare.org.api import ERRORS, scoped_get
from gridcare.planning import selectors_staffing as reads
from gridcare.planning.access import hall_get_for_scope, plan_get_for_scope
from gridcare.planning.exceptions import PlanRefused
from gridcare.planning.models import StaffingPlan
from gridcare.planning.rules.queueing import erlang_c
from gridcare.planning.rules.staffing import slot_start
from gridcare.planning.services import staffing as services

router = Router(tags=["planning"])

# The largest queue anyone may ask about (a city's call centres together stay far below).
_MAX_ARRIVALS, _MAX_SECONDS, _MAX_AGENTS, _MAX_LOAD = 1_000_000, 86_400, 20_000, 20_000


class StaffingErlangCOut(Schema):
    p_wait: float
    service_level: float
    asa_seconds: float | None  # None: the agents cannot carry the load (the wait grows without end)
    occupancy: float


def _checked(name: str, value: float, *, low: float, high: float, errors: dict[str, str]) -> None:
    if not (math.isfinite(value) and low <= value <= high):
        errors[name] = _("须为 %(low)s 到 %(high)s 之间的数。") % {"low": low, "high": high}


@router.get("/queueing/erlang-c", response={200: StaffingErlangCOut, **ERRORS})
def staffing_erlang_c(
    request: HttpRequest, arrivals_per_hour: float, aht_seconds: float, agents: int, target_seconds: float
) -> dict[str, Any]:
    """Erlang C for ``agents`` serving ``arrivals_per_hour`` of ``aht_seconds`` each: the share
    waiting, the share answered within ``target_seconds``, the mean wait, the occupancy."""
    require(request.user, Capability.PLAN_VIEW)
    errors: dict[str, str] = {}
    _checked("arrivals_per_hour", arrivals_per_hour, low=0, high=_MAX_ARRIVALS, errors=errors)
    _checked("aht_seconds", aht_seconds, low=1, high=_MAX_SECONDS, errors=errors)
    _checked("agents", agents, low=0, high=_MAX_AGENTS, errors=errors)
    _checked("target_seconds", target_seconds, low=0, high=_MAX_SECONDS, errors=errors)
    if not errors and arrivals_per_hour * aht_seconds / 3600 > _MAX_LOAD:
        errors["arrivals_per_hour"] = _("负荷过大（到达量×办理时长不超过 %(n)s 爱尔兰）。") % {"n": _MAX_LOAD}
    if errors:
        raise PlanRefused(_("排队计算的参数有误。"), errors=errors)
    figures = erlang_c(
        arrivals_per_hour=arrivals_per_hour, aht_seconds=aht_seconds, agents=agents, target_seconds=target_seconds
    )
    asa = figures.asa_seconds if math.isfinite(figures.asa_seconds) else None
    return {
        "p_wait": figures.p_wait,
        "service_level": figures.service_level,
        "asa_seconds": asa,
        "occupancy": figures.occupancy,
    }


class StaffingBacktestOut(Schema):
    mape: float | None  # percent
    naive_mape: float | None  # the seasonal-naive baseline's (same weekday a week before)
    ratio: float | None  # mape / naive_mape (below 1: better than the baseline)
    origins: int
    history_days: int


class StaffingForecastSlotOut(Schema):
    slot: str  # HH:MM, the half hour's start
    arrivals: float
    by_business: dict[str, float]


class StaffingForecastDayOut(Schema):
    day: date
    slots: list[StaffingForecastSlotOut]


class StaffingForecastOut(Schema):
    hall: str
    days: list[StaffingForecastDayOut]
    backtest: StaffingBacktestOut


@router.get("/forecasts", response={200: StaffingForecastOut, **ERRORS})
def staffing_forecast(request: HttpRequest, hall: str, first_day: str, last_day: str) -> dict[str, Any]:
    """The hall's forecast arrivals per half hour (and business) of ``first_day``..``last_day``
    (YYYY-MM-DD), from its history before today, with the backtest."""
    require(request.user, Capability.PLAN_VIEW)
    _scope, found = scoped_get(request, hall_get_for_scope, hall_code=hall)
    today = business_date()
    wanted = services.plan_input(services.PlanAsk(first_day=first_day, last_day=last_day), today=today)
    result = reads.forecast(found, first=wanted.first_day, last=wanted.last_day, today=today)
    days = []
    for day, counts in sorted(result.days.items()):
        slots: dict[int, dict[str, float]] = {}
        for (kind, slot), n in counts.items():
            slots.setdefault(slot, {})[kind] = round(n, 2)
        days.append(
            {
                "day": day,
                "slots": [
                    {"slot": f"{slot_start(s):%H:%M}", "arrivals": round(sum(by.values()), 2), "by_business": by}
                    for s, by in sorted(slots.items())
                ],
            }
        )
    return {"hall": found.code, "days": days, "backtest": result.backtest.as_dict()}


class StaffingPlanIn(Schema):
    hall: str  # the hall's code
    first_day: str  # YYYY-MM-DD, from today
    last_day: str
    wait_target_minutes: int | None = None  # default: the hall's waiting target (15)
    share_target_percent: float | str | None = None  # share called within it, % (default 80)
    diversion_percent: float | str | None = None  # self-service diversion of what terminals can do, %


class StaffingSlotOut(Schema):
    day: date
    slot: str
    arrivals: Decimal
    needed: int
    open: int | None
    leaving_needed: Decimal | None  # % expected to leave unserved with the counters needed (Erlang A)
    leaving_open: Decimal | None  # … with the counters open (null: open not known)


class StaffingPlanOut(Schema):
    id: int
    hall: str
    first_day: date
    last_day: date
    wait_target_minutes: int
    share_target_percent: Decimal
    diversion_percent: Decimal
    patience_minutes: Decimal | None  # the mean patience the leaving figures were reckoned with
    status: str
    forecast: dict[str, Any]
    simulation: dict[str, Any]
    created_at: datetime
    adopted_at: datetime | None


class StaffingPlanDetailOut(StaffingPlanOut):
    slots: list[StaffingSlotOut]


def plan_out(plan: StaffingPlan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "hall": plan.hall.code,
        "first_day": plan.first_day,
        "last_day": plan.last_day,
        "wait_target_minutes": plan.wait_target_minutes,
        "share_target_percent": plan.share_target_percent,
        "diversion_percent": plan.diversion_percent,
        "patience_minutes": plan.patience_minutes,
        "status": plan.status,
        "forecast": plan.forecast,
        "simulation": plan.simulation,
        "created_at": plan.created_at,
        "adopted_at": plan.adopted_at,
    }


def plan_detail(plan: StaffingPlan) -> dict[str, Any]:
    slots = [
        {
            "day": s.day,
            "slot": f"{s.slot:%H:%M}",
            "arrivals": s.arrivals,
            "needed": s.needed,
            "open": s.open,
            "leaving_needed": s.leaving_needed,
            "leaving_open": s.leaving_open,
        }
        for s in plan.slots.order_by("day", "slot")
    ]
    return {**plan_out(plan), "slots": slots}


@router.post("/staffing-plans", response={201: StaffingPlanDetailOut, **ERRORS})
def staffing_plan_create(request: HttpRequest, payload: StaffingPlanIn) -> tuple[int, dict[str, Any]]:
    """A draft plan for the hall and days (the same draft asked again: the one already made)."""
    require(request.user, Capability.PLAN_EDIT)
    scope, found = scoped_get(request, hall_get_for_scope, hall_code=payload.hall)
    ask = services.PlanAsk(
        first_day=payload.first_day,
        last_day=payload.last_day,
        wait_target_minutes=payload.wait_target_minutes,
        share_target_percent=payload.share_target_percent,
        diversion_percent=payload.diversion_percent,
    )
    plan = services.plan_create(scope=scope, actor=request.user, hall=found, ask=ask)
    return 201, plan_detail(plan)


@router.get("/staffing-plans", response={200: list[StaffingPlanOut], **ERRORS})
def staffing_plan_list(
    request: HttpRequest, response: HttpResponse, hall: str = "", page: int = 1, page_size: int | None = None
) -> list[Any]:
    """The plans of the caller's reach (one hall's with ``hall``), newest first (X-Total-Count)."""
    scope = require(request.user, Capability.PLAN_VIEW)
    chosen = hall_get_for_scope(scope=scope, hall_code=hall) if hall else None
    return api_page(response, reads.plans_for(scope, hall=chosen), page=page, page_size=page_size, dress=plan_out)


@router.get("/staffing-plans/{plan_id}", response={200: StaffingPlanDetailOut, **ERRORS})
def staffing_plan_get(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    require(request.user, Capability.PLAN_VIEW)
    _scope, plan = scoped_get(request, plan_get_for_scope, plan_id=plan_id)
    return plan_detail(plan)


@router.post("/staffing-plans/{plan_id}/adopt", response={200: StaffingPlanOut, **ERRORS})
def staffing_plan_adopt(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    """The plan adopted (422 before it is simulated, 409 when no longer a draft)."""
    require(request.user, Capability.PLAN_EDIT)
    scope, plan = scoped_get(request, plan_get_for_scope, plan_id=plan_id)
    return plan_out(services.plan_adopt(scope=scope, actor=request.user, plan=plan))


class StaffingRosterIn(Schema):
    counters: dict[str, int | None]  # "08:30" → counters open in that half hour (null: not entered)


class StaffingRosterOut(Schema):
    hall: str
    day: date
    counters: dict[str, int]


@router.put("/rosters/{hall_code}/{day}", response={200: StaffingRosterOut, **ERRORS})
def staffing_roster_put(request: HttpRequest, hall_code: str, day: str, payload: StaffingRosterIn) -> dict[str, Any]:
    """The counters the hall opens in each half hour of ``day`` (YYYY-MM-DD): the day's entries
    are replaced by these."""
    require(request.user, Capability.PLAN_EDIT)
    scope, found = scoped_get(request, hall_get_for_scope, hall_code=hall_code)
    made = services.roster_save(scope=scope, actor=request.user, hall=found, day=day, counters=payload.counters)
    saved_day = made[0].day if made else date.fromisoformat(day)
    return {"hall": found.code, "day": saved_day, "counters": {f"{r.slot:%H:%M}": r.counters for r in made}}
