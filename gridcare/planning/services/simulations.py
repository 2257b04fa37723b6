"""Running a staffing plan through the simulated hall day before it is adopted (PLAN-2).

Each day of the plan is a simulated day of its half hours: the forecast arrivals of a slot (the
plan's self-service diversion already taken off by the plan) arrive in it, the counters the
plan needs are open; service times are the hall's recorded handling times (an exponential of its
business types' expected minutes while it has too few), patience and the priority mix the hall's
own, the calling policy the hall's. The figures (with their 95% intervals), per day and against the plan's targets, are
stored in ``plan.simulation`` with a PLAN_SIMULATED event."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gridcare.core.events import Actor
from gridcare.core.timezone import now
from gridcare.halls.models import BusinessType
from gridcare.org.access import Capability, Scope, require
from gridcare.planning.access import plan_get_for_scope
from gridcare.planning.events import PlanningEventType, planning_event
from gridcare.planning.exceptions import PlanConflict, PlanRefused
from gridcare.planning.models import PlanStatus, StaffingPlan, StaffingSlot
from gridcare.planning.rules.simulation import Estimate, HallDay, ServiceTimes, SimulationResult, simulate_days
from gridcare.planning.selectors_simulation import (
    MAX_SEED,
    MIN_SAMPLES,
    ageing_minutes,
    customers_of,
    hall_history,
    limits,
    patience_of,
    priority_shares,
    too_many,
)

SLOT_MINUTES = 30


def _whole(value: Any, low: int, high: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return None
    return int(value)


def _check(replications: Any, seed: Any) -> tuple[int, int]:
    most = limits()["MAX_REPLICATIONS"]
    errors: dict[str, str] = {}
    if _whole(replications, 2, most) is None:
        errors["replications"] = _("重复次数应为 2 至 %(n)s 的整数。") % {"n": most}
    if _whole(seed, 0, MAX_SEED) is None:
        errors["seed"] = _("随机种子应为 0 至 %(n)s 的整数。") % {"n": MAX_SEED}
    if errors:
        raise PlanRefused(_("仿真参数有误，请按提示修改。"), errors=errors)
    return int(replications), int(seed)


def _service(plan: StaffingPlan, samples: list[float]) -> ServiceTimes:
    if len(samples) >= MIN_SAMPLES:
        return ServiceTimes(samples=tuple(samples))
    expected = list(BusinessType.objects.filter(hall=plan.hall, active=True).values_list("expected_minutes", flat=True))
    return ServiceTimes(mean_minutes=sum(expected) / len(expected) if expected else 10.0)


def _minute(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def plan_days(plan: StaffingPlan, slots: list[StaffingSlot], **common: Any) -> list[tuple[date, HallDay]]:
    """Each day of the plan from its first to its last half hour (a half hour without a slot:
    no counter, nobody arrives)."""
    by_day: dict[date, dict[int, StaffingSlot]] = defaultdict(dict)
    for slot in slots:
        by_day[slot.day][_minute(slot.slot) // SLOT_MINUTES] = slot
    days = []
    for day, found in sorted(by_day.items()):
        span = range(min(found), max(found) + 1)
        days.append(
            (
                day,
                HallDay(
                    counters=tuple(found[k].needed if k in found else 0 for k in span),
                    arrivals_per_hour=tuple(float(found[k].arrivals) * 2 if k in found else 0.0 for k in span),
                    period_minutes=float(SLOT_MINUTES),
                    **common,
                ),
            )
        )
    return days


def _interval(value: Estimate) -> list[float]:
    return [round(value.low, 4), round(value.high, 4)]


def simulation_record(
    plan: StaffingPlan, result: SimulationResult, days: list[tuple[date, HallDay]], at: datetime
) -> dict[str, Any]:
    """What ``plan.simulation`` keeps: the figures, their intervals, the days and the targets."""
    day = days[0][1]
    share_target = float(plan.share_target_percent) / 100
    return {
        "replications": result.replications,
        "seed": result.seed,
        "mean_wait_minutes": round(result.mean_wait_minutes.mean, 4),
        "mean_wait_ci95": _interval(result.mean_wait_minutes),
        "share_within_15": round(result.share_within_15.mean, 4),
        "share_within_15_ci95": _interval(result.share_within_15),
        "abandonment_share": round(result.abandonment_share.mean, 4),
        "abandonment_share_ci95": _interval(result.abandonment_share),
        "utilisation": round(result.utilisation.mean, 4),
        "utilisation_ci95": _interval(result.utilisation),
        "customers": round(result.customers, 1),
        "distribution": "empirical" if day.service.samples else "exponential",
        "service_samples": len(day.service.samples),
        "service_mean_minutes": round(day.service.mean, 3),
        "patience_minutes": None if day.patience_minutes is None else round(day.patience_minutes, 2),
        "ageing_minutes": day.ageing_minutes,
        "meets_wait_target": result.mean_wait_minutes.high <= plan.wait_target_minutes,
        "meets_share_target": result.share_within_15.low >= share_target,
        "days": [
            {"day": d.isoformat(), "mean_wait_minutes": round(w, 3), "abandonment_share": round(a, 4)}
            for (d, _day), w, a in zip(days, result.day_waits, result.day_abandonment, strict=True)
        ],
        "simulated_at": at.isoformat(),
    }


def _prepare(
    *, scope: Scope, plan_id: int, replications: Any, seed: Any
) -> tuple[StaffingPlan, list[tuple[date, HallDay]], int, int]:
    """The plan and its simulated days, every check of ``plan_simulate`` made, nothing run."""
    require(scope, Capability.PLAN_EDIT)
    plan = plan_get_for_scope(scope=scope, plan_id=plan_id)
    replications, seed = _check(replications, seed)
    if plan.status != PlanStatus.DRAFT:
        raise PlanConflict(_("只有草稿计划可以仿真检验，该计划%(status)s。") % {"status": plan.get_status_display()})
    slots = list(plan.slots.order_by("day", "slot"))
    if not slots:
        raise PlanRefused(_("该计划没有任何时段，无法仿真。"))
    history = hall_history(plan.hall)
    patience, _estimated = patience_of(None, history)
    days = plan_days(
        plan,
        slots,
        service=_service(plan, history.handling_minutes if history else []),
        patience_minutes=patience,
        diversion_share=0.0,  # the slots' forecast arrivals are already after the plan's diversion
        priority_shares=priority_shares(history),
        ageing_minutes=ageing_minutes(plan.hall),
    )
    customers = sum(customers_of(day) for _d, day in days)
    if customers * replications > limits()["MAX_CUSTOMERS"]:
        raise PlanRefused(
            _("计划太大，请减少重复次数。"), errors={"replications": too_many(customers, limits()["MAX_CUSTOMERS"])}
        )
    return plan, days, replications, seed


def plan_simulate_preview(*, scope: Scope, plan_id: int, replications: Any, seed: Any) -> str:
    """What running the plan will do (the confirmation's sentence); the same checks, no run."""
    plan, days, replications, seed = _prepare(scope=scope, plan_id=plan_id, replications=replications, seed=seed)
    return _(
        "将按%(hall)s的实际办理时长、优先级与叫号规则，对该计划的 %(days)s 天逐日仿真 %(r)s 次（随机种子 %(seed)s），结果保存到计划中，并替换此前的仿真结果。"
    ) % {
        "hall": plan.hall.name,
        "days": len(days),
        "r": replications,
        "seed": seed,
    }


def plan_simulate(*, scope: Scope, actor: Actor, plan_id: int, replications: int, seed: int) -> StaffingPlan:
    """Run the draft plan ``plan_id`` through the simulated hall day ``replications`` times from
    ``seed`` (PLAN_EDIT) and keep the answer in ``plan.simulation`` with a PLAN_SIMULATED event."""
    plan, days, replications, seed = _prepare(scope=scope, plan_id=plan_id, replications=replications, seed=seed)
    result = simulate_days([day for _d, day in days], replications=replications, seed=seed)
    at = now()
    with transaction.atomic():
        plan.simulation = simulation_record(plan, result, days, at)
        plan.save(update_fields=["simulation"])
        planning_event(
            PlanningEventType.PLAN_SIMULATED,
            actor=actor,
            at=at,
            plan=plan,
            replications=replications,
            seed=seed,
            mean_wait_minutes=plan.simulation["mean_wait_minutes"],
            share_within_15=plan.simulation["share_within_15"],
        )
    return plan
