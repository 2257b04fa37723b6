"""Planning's history rows, through the one event writer (gridcare.core.events.record)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from gridcare.core.events import Actor, record
from gridcare.core.history import Sentence, register
from gridcare.planning.models import PlanningEvent


class PlanningEventType(models.TextChoices):
    PLAN_CREATED = "plan_created", _("制定排班计划")
    PLAN_SIMULATED = "plan_simulated", _("仿真检验排班计划")
    PLAN_ADOPTED = "plan_adopted", _("采用排班计划")
    PLAN_SUPERSEDED = "plan_superseded", _("排班计划被替代")
    ROSTER_ENTERED = "roster_entered", _("录入排班")
    SITE_SAVED = "site_saved", _("保存网点")
    SCENARIO_SOLVED = "scenario_solved", _("求解网点规划方案")


def planning_event(
    type: str, *, actor: Actor, at: datetime | None = None, **about_and_parameters: Any
) -> PlanningEvent:
    """One history row about a ``plan``, ``site``, ``scenario`` or ``hall``; every other keyword
    is a parameter of the sentence."""
    about = {k: about_and_parameters.pop(k) for k in ("plan", "site", "scenario", "hall") if k in about_and_parameters}
    return record(PlanningEvent, type=type, actor=actor, at=at, parameters=about_and_parameters, **about)


# The sentences of planning's history (issue 13, convention 4). The staffing plan's (PLAN-1) are
# its own; the simulation's and the network's say what was done until their parts add detail.
T = PlanningEventType
register(
    PlanningEvent,
    labels=T.choices,
    sentences={
        T.PLAN_CREATED: Sentence(_("%(actor)s 制定 %(first_day)s 至 %(last_day)s 的排班计划")),
        T.PLAN_SIMULATED: Sentence(_("%(actor)s 对排班计划做仿真检验")),
        T.PLAN_ADOPTED: Sentence(_("%(actor)s 采用排班计划")),
        T.PLAN_SUPERSEDED: Sentence(_("%(actor)s 采用了日期重叠的新计划，本计划被替代")),
        T.ROSTER_ENTERED: Sentence(_("%(actor)s 录入 %(day)s 的排班（%(slots)s 个时段）")),
        T.SITE_SAVED: Sentence(_("%(actor)s 保存网点")),
        T.SCENARIO_SOLVED: Sentence(_("%(actor)s 求解网点规划方案")),
    },
)
