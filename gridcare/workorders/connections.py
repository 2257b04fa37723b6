"""New-connection stages (WO-8), pure: which stages a category passes and each stage's limit.

The utility's total time (5/6/22/32 working days, GRIDCARE_RULES) is split over its stages; the
customer's own construction is not the utility's time, so it has no limit and the total deadline
moves on by however long it took.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings

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


def stage_days(category: str) -> dict[str, int]:
    days = dict(DEFAULT_STAGE_DAYS[category])
    overrides: dict[str, Any] = json.loads(str(settings.GRIDCARE_WORKORDERS["NEW_CONNECTION_STAGE_DAYS"]) or "{}")
    days.update({k: int(v) for k, v in overrides.get(category, {}).items()})
    return days


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
