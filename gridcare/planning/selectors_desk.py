"""The 95598 desk's staffing calculator (issue 17): the planner's half hours of calls and targets
checked field by field (one Chinese message each), then ``rules.desk.desk_plan``. Reads nothing
from the database; PLAN_VIEW, like the other calculators."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import time
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from gridcare.org.access import Capability, Scope, require
from gridcare.planning.exceptions import PlanRefused
from gridcare.planning.rules.desk import DeskPlan, DeskTargets, desk_plan
from gridcare.planning.rules.staffing import slot_of, slot_start

MAX_SLOTS = 48  # a whole day of half hours


def desk_settings() -> dict[str, Any]:
    return dict(settings.GRIDCARE_PLANNING_DESK)


@dataclass(frozen=True)
class DeskAsk:
    """What the planner asks (page form or API body), not yet checked."""

    first_slot: Any  # "08:00": the first half hour's start (on the hour or half past)
    calls_per_half_hour: Any  # a list of numbers, one per half hour from ``first_slot``
    aht_seconds: Any = None
    patience_seconds: Any = None
    target_seconds: Any = None
    service_level_percent: Any = None
    max_abandonment_percent: Any = None


@dataclass(frozen=True)
class DeskAnswer:
    first_slot: int
    targets: DeskTargets
    plan: DeskPlan

    def slot_labels(self) -> list[str]:
        return [f"{slot_start(self.first_slot + n):%H:%M}" for n in range(len(self.plan.slots))]


def _number(value: Any, low: float, high: float) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        found = float(value)
    except (TypeError, ValueError):
        return None
    return found if math.isfinite(found) and low <= found <= high else None


def _first_slot(value: Any) -> int | None:
    text = str(value or "").strip()
    try:
        hour, minute = (int(part) for part in text.split(":"))
        moment = time(hour, minute)
    except (ValueError, TypeError):
        return None
    return slot_of(moment) if moment.minute in (0, 30) else None


def desk_answer(*, scope: Scope, ask: DeskAsk) -> DeskAnswer:
    """The agents per half hour for ``ask`` (defaults from GRIDCARE_PLANNING_DESK)."""
    require(scope, Capability.PLAN_VIEW)
    limits = desk_settings()
    errors: dict[str, str] = {}
    first = _first_slot(ask.first_slot)
    if first is None:
        errors["first_slot"] = _("开始时段应为整点或半点，如 08:00 或 08:30。")
    calls_in = ask.calls_per_half_hour
    most = int(limits["MAX_CALLS_PER_HALF_HOUR"])
    calls: list[float] = []
    if not isinstance(calls_in, list | tuple) or not calls_in:
        errors["calls_per_half_hour"] = _("请填写每半小时的来话量（至少一个时段）。")
    else:
        checked = [_number(c, 0, most) for c in calls_in]
        if any(c is None for c in checked):
            errors["calls_per_half_hour"] = _("每半小时来话量应为 0 至 %(n)s 的数。") % {"n": most}
        calls = [c or 0.0 for c in checked]
    if first is not None and calls and first + len(calls) > MAX_SLOTS:
        errors["calls_per_half_hour"] = _("时段超出当天：从 %(start)s 起最多 %(n)s 个半小时。") % {
            "start": f"{slot_start(first):%H:%M}",
            "n": MAX_SLOTS - first,
        }

    def field(name: str, value: Any, default: Any, low: float, high: float, message: str) -> float:
        found = _number(default if value in (None, "") else value, low, high)
        if found is None:
            errors[name] = message
            return low
        return found

    aht = field("aht_seconds", ask.aht_seconds, limits["AHT_SECONDS"], 1, 7200, _("平均处理时长应为 1 至 7200 秒。"))
    patience = field(
        "patience_seconds",
        ask.patience_seconds,
        limits["PATIENCE_SECONDS"],
        1,
        3600,
        _("平均耐心时长应为 1 至 3600 秒。"),
    )
    target = field(
        "target_seconds", ask.target_seconds, limits["TARGET_SECONDS"], 0, 600, _("接通目标时间应为 0 至 600 秒。")
    )
    level = field(
        "service_level_percent",
        ask.service_level_percent,
        limits["SERVICE_LEVEL_PERCENT"],
        1,
        99.9,
        _("服务水平目标应为 1% 至 99.9%。"),
    )
    leaving = field(
        "max_abandonment_percent",
        ask.max_abandonment_percent,
        limits["MAX_ABANDONMENT_PERCENT"],
        0.1,
        100,
        _("放弃率上限应为 0.1% 至 100%。"),
    )
    if errors:
        raise PlanRefused(_("话务排班的参数有误，请按提示修改。"), errors=errors)
    assert first is not None
    targets = DeskTargets(
        aht_seconds=aht,
        patience_seconds=patience,
        target_seconds=target,
        service_level=level / 100,
        max_abandonment=leaving / 100,
    )
    return DeskAnswer(first_slot=first, targets=targets, plan=desk_plan(calls, targets))
