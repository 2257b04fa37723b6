"""The outlet network in the API (PLAN-3, issue 17), with the pages' rules: PLAN_EDIT (planners
and administrators), their company's sites and scenarios; every other post 403. A bad value is a
422 naming its field and writes nothing; another company's or a missing id is 404."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from gridcare.org.access import Capability, require, scope_for
from gridcare.org.api import ERRORS, ErrorOut
from gridcare.planning.access import scenario_get_for_scope
from gridcare.planning.models import CandidateSite, NetworkScenario
from gridcare.planning.selectors_network import (
    figures_window,
    hall_figures,
    network_halls,
    network_sites,
    scenarios_for,
    site_key,
)
from gridcare.planning.services import network as service

router = Router(tags=["planning"])


class NetworkSiteOut(Schema):
    key: str  # hall-<code> (an existing hall) or site-<id> (a candidate)
    id: int | None  # the site row (None: an existing hall with the default costs)
    name: str
    existing: bool
    hall: str | None  # the hall's code
    latitude: Decimal | None
    longitude: Decimal | None
    max_counters: int
    counters_now: int
    fixed_cost: Decimal
    counter_cost: Decimal


class NetworkSiteIn(Schema):
    max_counters: int
    fixed_cost: str  # yuan a year
    counter_cost: str  # yuan a year per counter
    name: str = ""  # a candidate's
    latitude: str = ""  # a candidate's, degrees
    longitude: str = ""
    note: str = ""
    hall: str = ""  # create only: an existing hall's code (its own counters and costs)


class NetworkScenarioIn(Schema):
    name: str
    max_km: str = ""  # default GRIDCARE_PLANNING_NETWORK_MAX_KM
    distance_cost: str = ""  # yuan per visit-km
    tickets_per_counter: str = ""  # a counter's year
    months: str = ""  # of history behind the demand (12)
    max_sites: str = ""
    budget: str = ""  # yuan a year
    keep: list[str] = []  # site keys
    bar: list[str] = []


class NetworkScenarioOut(Schema):
    id: int
    name: str
    status: str  # draft, solved, infeasible
    parameters: dict[str, Any]
    result: dict[str, Any]
    solve_seconds: Decimal | None
    created_at: datetime
    solved_at: datetime | None


class NetworkHallOut(Schema):
    hall: str
    name: str
    counters: int
    tickets: int
    counter_hours: float
    density: float | None  # tickets per counter-hour
    utilisation_percent: float | None
    nearest_percent: float | None  # of tickets from placed 台区, at their nearest hall
    self_service_percent: float | None
    months: list[dict[str, Any]]  # month, tickets, density
    origins: list[dict[str, Any]]  # area, tickets (most first, 10 at most)


def _site_out(row: Any) -> dict[str, Any]:
    return {
        "key": row.key,
        "id": row.site.pk if row.site else None,
        "name": row.name,
        "existing": row.existing,
        "hall": row.hall.code if row.hall else None,
        "latitude": row.latitude,
        "longitude": row.longitude,
        "max_counters": row.max_counters,
        "counters_now": row.counters_now,
        "fixed_cost": row.fixed_cost,
        "counter_cost": row.counter_cost,
    }


def _one_site(request: HttpRequest, site: CandidateSite) -> dict[str, Any]:
    scope = scope_for(request.user)
    key = site_key(site=site, hall=site.hall)
    return next(_site_out(r) for r in network_sites(scope, site.company_id) if r.key == key)


def _scenario_out(s: NetworkScenario) -> dict[str, Any]:
    return {
        "id": s.pk,
        "name": s.name,
        "status": s.status,
        "parameters": s.parameters,
        "result": s.result,
        "solve_seconds": s.solve_seconds,
        "created_at": s.created_at,
        "solved_at": s.solved_at,
    }


def _data(payload: NetworkSiteIn) -> service.SiteData:
    return service.SiteData(
        max_counters=payload.max_counters,
        fixed_cost=payload.fixed_cost,
        counter_cost=payload.counter_cost,
        name=payload.name,
        latitude=payload.latitude,
        longitude=payload.longitude,
        note=payload.note,
    )


@router.get("/network/sites", response={200: list[NetworkSiteOut], 403: ErrorOut})
def network_site_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The company's halls and candidate sites, as the model sees them."""
    scope = require(scope_for(request.user), Capability.PLAN_EDIT)
    return [_site_out(r) for r in network_sites(scope, scope.company_id)]


@router.post("/network/sites", response={201: NetworkSiteOut, **ERRORS})
def network_site_create(request: HttpRequest, payload: NetworkSiteIn) -> tuple[int, dict[str, Any]]:
    """A candidate site, or (``hall``) an existing hall's own counters and costs."""
    scope = require(scope_for(request.user), Capability.PLAN_EDIT)
    if payload.hall:
        site = service.hall_site_save(scope=scope, actor=request.user, hall_code=payload.hall, data=_data(payload))
    else:
        site = service.site_create(scope=scope, actor=request.user, data=_data(payload))
    return 201, _one_site(request, site)


@router.put("/network/sites/{int:site_id}", response={200: NetworkSiteOut, **ERRORS})
def network_site_update(request: HttpRequest, site_id: int, payload: NetworkSiteIn) -> dict[str, Any]:
    """Change a site (a candidate's name and place too)."""
    scope = require(scope_for(request.user), Capability.PLAN_EDIT)
    site = service.site_update(scope=scope, actor=request.user, site_id=site_id, data=_data(payload))
    return _one_site(request, site)


@router.get("/network/scenarios", response={200: list[NetworkScenarioOut], 403: ErrorOut})
def network_scenario_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The company's scenarios, newest first (100 at most)."""
    scope = require(scope_for(request.user), Capability.PLAN_EDIT)
    return [_scenario_out(s) for s in scenarios_for(scope)[:100]]


@router.post("/network/scenarios", response={201: NetworkScenarioOut, **ERRORS})
def network_scenario_create(request: HttpRequest, payload: NetworkScenarioIn) -> tuple[int, dict[str, Any]]:
    """A scenario to solve (its parameters checked; nothing written when one is refused)."""
    scope = require(scope_for(request.user), Capability.PLAN_EDIT)
    parameters = payload.dict()
    name = parameters.pop("name")
    scenario = service.scenario_create(scope=scope, actor=request.user, name=name, parameters=parameters)
    return 201, _scenario_out(scenario)


@router.get("/network/scenarios/{int:scenario_id}", response={200: NetworkScenarioOut, **ERRORS})
def network_scenario_detail(request: HttpRequest, scenario_id: int) -> dict[str, Any]:
    scope = require(scope_for(request.user), Capability.PLAN_EDIT)
    return _scenario_out(scenario_get_for_scope(scope=scope, scenario_id=scenario_id))


@router.post("/network/scenarios/{int:scenario_id}/solve", response={200: NetworkScenarioOut, **ERRORS})
def network_scenario_solve(request: HttpRequest, scenario_id: int) -> dict[str, Any]:
    """Solve with today's sites and demand (HiGHS, within GRIDCARE_PLANNING_NETWORK_TIME_LIMIT_SECONDS);
    an infeasible model answers 200 with status ``infeasible`` and ``result.sentence``."""
    scope = require(scope_for(request.user), Capability.PLAN_EDIT)
    return _scenario_out(service.scenario_solve(scope=scope, actor=request.user, scenario_id=scenario_id))


@router.get("/network/halls", response={200: list[NetworkHallOut], 403: ErrorOut})
def network_hall_figures(request: HttpRequest) -> list[dict[str, Any]]:
    """Per hall of the company over the last 12 months: workload density, utilisation, where its
    customers come from, the share served at the nearest hall, the self-service share."""
    scope = require(scope_for(request.user), Capability.PLAN_EDIT)
    start, end = figures_window()
    return [
        {
            "hall": f.hall.code,
            "name": f.hall.name,
            "counters": f.counters,
            "tickets": f.tickets,
            "counter_hours": round(f.counter_hours, 1),
            "density": _round(f.density, 2),
            "utilisation_percent": _round(f.utilisation, 1, 100),
            "nearest_percent": _round(f.nearest_share, 1, 100),
            "self_service_percent": _round(f.self_service_share, 1, 100),
            "months": [{"month": m, "tickets": n, "density": _round(d, 2)} for m, n, d in f.months],
            "origins": [{"area": a, "tickets": n} for a, n in f.origins[:10]],
        }
        for f in hall_figures(network_halls(scope, scope.company_id), start=start, end=end)
    ]


def _round(value: float | None, places: int, times: float = 1.0) -> float | None:
    return None if value is None else round(value * times, places)
