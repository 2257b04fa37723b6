"""The simulated hall day in the API (PLAN-2): ``POST /api/v1/planning/simulations`` runs a hall
day and answers its figures with their 95% intervals. PLAN_VIEW may simulate; a ``hall`` outside
the caller's halls is 404 like a missing one; bad or too large input is 422 on its field."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from gridcare.org.access import scope_for
from gridcare.org.api import ERRORS
from gridcare.planning.rules.simulation import Estimate
from gridcare.planning.selectors_simulation import SimulationAsk, SimulationRun, simulation_run

router = Router(tags=["planning"])

Number = int | float


class SimulationServiceIn(Schema):
    distribution: str = "exponential"  # exponential | empirical (the hall's recorded handling times)
    mean_minutes: Number | None = None
    hall: str | None = None  # a hall's code
    business_type: str | None = None  # a business kind of that hall (payment, consultation …)


class SimulationIn(Schema):
    counters: Number | list[Number]  # counters open, or one number per hour
    hours: Number
    warmup_hours: Number | None = None
    arrivals_per_hour: Number | list[Number]  # customers an hour, or one number per hour
    service: SimulationServiceIn
    patience_minutes: Number | None = None  # mean patience (0: nobody leaves; absent: the hall's)
    diversion_percent: Number | None = None  # self-service diversion share, %
    replications: Number
    seed: Number


class SimulationOut(Schema):
    mean_wait_minutes: float
    mean_wait_ci95: list[float]  # [low, high]
    share_within_15: float
    abandonment_share: float
    utilisation: float
    share_within_15_ci95: list[float]
    abandonment_share_ci95: list[float]
    utilisation_ci95: list[float]
    customers: float  # customers a replication, on average
    wait_by_hour: list[float | None]  # mean wait of the served, by hour of arrival
    replications: int
    seed: int
    service_samples: int  # recorded handling times drawn from (0: exponential)
    patience_minutes: float | None  # the mean patience simulated (None: nobody left)
    ageing_minutes: float  # the calling policy's ageing (the hall's, or the default)


def _interval(value: Estimate) -> list[float]:
    return [round(value.low, 4), round(value.high, 4)]


def simulation_out(run: SimulationRun) -> dict[str, Any]:
    result = run.result
    return {
        "mean_wait_minutes": round(result.mean_wait_minutes.mean, 4),
        "mean_wait_ci95": _interval(result.mean_wait_minutes),
        "share_within_15": round(result.share_within_15.mean, 4),
        "abandonment_share": round(result.abandonment_share.mean, 4),
        "utilisation": round(result.utilisation.mean, 4),
        "share_within_15_ci95": _interval(result.share_within_15),
        "abandonment_share_ci95": _interval(result.abandonment_share),
        "utilisation_ci95": _interval(result.utilisation),
        "customers": round(result.customers, 2),
        "wait_by_hour": [None if w is None else round(w, 3) for w in result.wait_by_period],
        "replications": result.replications,
        "seed": result.seed,
        "service_samples": run.samples,
        "patience_minutes": run.day.patience_minutes,
        "ageing_minutes": run.day.ageing_minutes,
    }


@router.post("/simulations", response={200: SimulationOut, **ERRORS})
def simulation_create(request: HttpRequest, payload: SimulationIn) -> dict[str, Any]:
    """Simulate a hall day (PLAN_VIEW): replications of the day from the seed, the mean wait,
    the share called within 15 minutes, the abandonment share and the counters' utilisation."""
    service = payload.service
    ask = SimulationAsk(
        counters=payload.counters,
        hours=payload.hours,
        arrivals_per_hour=payload.arrivals_per_hour,
        replications=payload.replications,
        seed=payload.seed,
        distribution=service.distribution,
        mean_minutes=service.mean_minutes,
        hall=service.hall,
        business_type=service.business_type,
        warmup_hours=payload.warmup_hours,
        patience_minutes=payload.patience_minutes,
        diversion_percent=payload.diversion_percent,
    )
    return simulation_out(simulation_run(scope=scope_for(request.user), ask=ask))
