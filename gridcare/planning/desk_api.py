"""The 95598 desk's staffing in the API (issue 17, Erlang A): ``POST /api/v1/planning/desk-staffing``
answers the agents each half hour of calls needs, next to Erlang C's, and what they achieve.
PLAN_VIEW; bad or too large input is 422 on its field."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from gridcare.org.access import scope_for
from gridcare.org.api import ERRORS
from gridcare.planning.selectors_desk import DeskAnswer, DeskAsk, desk_answer

router = Router(tags=["planning"])

Number = int | float


class DeskStaffingIn(Schema):
    first_slot: str  # "08:00": the first half hour's start
    calls_per_half_hour: list[Number]  # one per half hour from first_slot
    aht_seconds: Number | None = None  # default GRIDCARE_PLANNING_DESK["AHT_SECONDS"] (240)
    patience_seconds: Number | None = None  # callers' mean patience (default 120)
    target_seconds: Number | None = None  # answered within (default 20)
    service_level_percent: Number | None = None  # share answered within it (default 80)
    max_abandonment_percent: Number | None = None  # share who may hang up (default 5)


class DeskSlotOut(Schema):
    slot: str  # "08:00"
    calls: float
    agents: int  # Erlang A
    agents_erlang_c: int
    service_level_percent: float
    abandonment_percent: float
    mean_wait_seconds: float
    occupancy_percent: float


class DeskStaffingOut(Schema):
    slots: list[DeskSlotOut]
    agent_hours: float
    agent_hours_erlang_c: float
    calls: float
    abandoned_calls: float
    service_level_percent: float
    targets: dict[str, float]


def desk_out(answer: DeskAnswer) -> dict[str, Any]:
    plan, targets = answer.plan, answer.targets
    return {
        "slots": [
            {
                "slot": label,
                "calls": s.calls,
                "agents": s.agents,
                "agents_erlang_c": s.agents_erlang_c,
                "service_level_percent": round(100 * s.service_level, 2),
                "abandonment_percent": round(100 * s.abandonment, 2),
                "mean_wait_seconds": round(s.mean_wait_seconds, 1),
                "occupancy_percent": round(100 * s.occupancy, 2),
            }
            for label, s in zip(answer.slot_labels(), plan.slots, strict=True)
        ],
        "agent_hours": plan.agent_hours,
        "agent_hours_erlang_c": plan.agent_hours_erlang_c,
        "calls": plan.calls,
        "abandoned_calls": round(plan.abandoned, 1),
        "service_level_percent": round(100 * plan.service_level, 2),
        "targets": {
            "aht_seconds": targets.aht_seconds,
            "patience_seconds": targets.patience_seconds,
            "target_seconds": targets.target_seconds,
            "service_level_percent": round(100 * targets.service_level, 2),
            "max_abandonment_percent": round(100 * targets.max_abandonment, 2),
        },
    }


@router.post("/desk-staffing", response={200: DeskStaffingOut, **ERRORS})
def desk_staffing(request: HttpRequest, payload: DeskStaffingIn) -> dict[str, Any]:
    """The 95598 desk's agents per half hour (Erlang A: callers hang up after a mean patience),
    with Erlang C's for comparison, the service level and abandonment they give."""
    ask = DeskAsk(
        first_slot=payload.first_slot,
        calls_per_half_hour=payload.calls_per_half_hour,
        aht_seconds=payload.aht_seconds,
        patience_seconds=payload.patience_seconds,
        target_seconds=payload.target_seconds,
        service_level_percent=payload.service_level_percent,
        max_abandonment_percent=payload.max_abandonment_percent,
    )
    return desk_out(desk_answer(scope=scope_for(request.user), ask=ask))
