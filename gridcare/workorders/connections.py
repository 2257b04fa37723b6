"""New-connection stages (WO-8), pure: which stages a category passes and each stage's limit.

The utility's total time (5/6/22/32 working days, GRIDCARE_RULES) is split over its stages: the
default split below, scaled to the total when a province sets another total, and any stage fixed
by GRIDCARE_WO_NEW_CONNECTION_STAGE_DAYS kept as set (the other stages share the rest). The
customer's own construction is not the utility's time, so it has no limit and the total deadline
moves on by the working time it took.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from gridcare.workorders.models import ConnectionCategory, Stage

_LOW = (Stage.APPLICATION, Stage.SITE_SURVEY, Stage.SUPPLY_PLAN)
_HIGH = (*_LOW, Stage.DESIGN_REVIEW)
_END = (Stage.INSPECTION, Stage.METER_INSTALLATION, Stage.POWER_ON)

STAGES: dict[str, tuple[Stage, ...]] = {
    ConnectionCategory.RESIDENTIAL: (*_LOW, Stage.METER_INSTALLATION, Stage.POWER_ON),
    ConnectionCategory.LOW_VOLTAGE: (*_LOW, Stage.CONSTRUCTION, *_END),
    ConnectionCategory.HV_SINGLE: (*_HIGH, Stage.CONSTRUCTION, *_END),
    ConnectionCategory.HV_DUAL: (*_HIGH, Stage.CONSTRUCTION, *_END),
}

# Working days per stage; each category's limits add up to its SPEC total.
DEFAULT_STAGE_DAYS: dict[str, dict[str, int]] = {
    ConnectionCategory.RESIDENTIAL: {"application": 1, "site_survey": 1, "supply_plan": 1, "meter_installation": 1, "power_on": 1},
    ConnectionCategory.LOW_VOLTAGE: {"application": 1, "site_survey": 1, "supply_plan": 1, "inspection": 1, "meter_installation": 1, "power_on": 1},
    ConnectionCategory.HV_SINGLE: {"application": 1, "site_survey": 2, "supply_plan": 10, "design_review": 3, "inspection": 3, "meter_installation": 2, "power_on": 1},
    ConnectionCategory.HV_DUAL: {"application": 1, "site_survey": 3, "supply_plan": 15, "design_review": 5, "inspection": 4, "meter_installation": 3, "power_on": 1},
}  # fmt: skip


def split(total: int, weights: dict[str, int]) -> dict[str, int]:
    """``total`` whole days shared in proportion to ``weights`` (largest remainder; ties go to
    the earlier stage), so the parts always add up to ``total``."""
    weight = sum(weights.values())
    if weight <= 0:
        return dict.fromkeys(weights, 0)
    parts = {k: total * w // weight for k, w in weights.items()}
    order = sorted(weights, key=lambda k: (-(total * weights[k] % weight), list(weights).index(k)))
    for k in order[: total - sum(parts.values())]:
        parts[k] += 1
    return parts


def stage_days(category: str) -> dict[str, int]:
    """Working days per stage of ``category``, adding up to its total."""
    defaults = DEFAULT_STAGE_DAYS[category]
    raw: dict[str, Any] = json.loads(str(settings.GRIDCARE_WORKORDERS["NEW_CONNECTION_STAGE_DAYS"]) or "{}")
    fixed = {k: int(v) for k, v in raw.get(category, {}).items() if k in defaults}
    rest = {k: w for k, w in defaults.items() if k not in fixed}
    left = total_days(category) - sum(fixed.values())
    if left < 0 or (not rest and left != 0):
        raise ImproperlyConfigured(
            f"GRIDCARE_WO_NEW_CONNECTION_STAGE_DAYS for {category} does not fit its total of "
            f"{total_days(category)} working days"
        )
    shares = split(left, rest)
    return {k: fixed.get(k, shares.get(k, 0)) for k in defaults}


def total_days(category: str) -> int:
    totals: Any = settings.GRIDCARE_RULES["NEW_CONNECTION_WORKING_DAYS"]
    return int(totals[category])


def next_stage(category: str, current: str) -> Stage:
    stages = STAGES[category]
    index = stages.index(Stage(current))
    return stages[index + 1] if index + 1 < len(stages) else Stage.DONE


def limit(category: str, stage: str) -> int | None:
    """Working days for ``stage``; None for the customer's own construction and for done."""
    if stage in (Stage.CONSTRUCTION, Stage.DONE):
        return None
    return stage_days(category)[stage]
