"""The key-account service's history rows, through the one event writer
(gridcare.core.events.record), and the sentence each shows (gridcare.core.history)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from gridcare.core.events import Actor, record
from gridcare.core.history import Sentence, label_of, one_of, register
from gridcare.keyaccounts.models import (
    ImpactGrade,
    Industry,
    KeyAccountEvent,
    NeedCategory,
    NeedStatus,
    VisitSatisfaction,
)


def key_account_event(
    type: str, *, actor: Actor, at: datetime | None = None, **about_and_parameters: Any
) -> KeyAccountEvent:
    """One history row: ``account`` (or ``area`` for a 台区's assignment), and ``visit``, ``plan`` or
    ``finding`` where the step is about one; every other keyword is a parameter of the sentence."""
    about = {
        k: about_and_parameters.pop(k)
        for k in ("account", "area", "visit", "plan", "finding")
        if k in about_and_parameters
    }
    return record(KeyAccountEvent, type=type, actor=actor, at=at, parameters=about_and_parameters, **about)


class KeyEventType(models.TextChoices):
    """The steps a key account's history records (its ``type``)."""

    # portfolio and visits (KEY-1/2)
    KAM_ASSIGNED = "kam_assigned", _("大客户经理分配")
    CM_ASSIGNED = "cm_assigned", _("台区经理分配")
    PROFILE_UPDATED = "profile_updated", _("客户档案更新")
    VISIT_PLANNED = "visit_planned", _("计划走访")
    VISIT_RECORDED = "visit_recorded", _("登记走访")
    VISIT_CANCELLED = "visit_cancelled", _("取消走访")
    NEED_STATUS = "need_status", _("需求办理")
    FOLLOW_UP_DONE = "follow_up_done", _("跟进事项完成")
    PLAN_CREATED = "plan_created", _("制定应急方案")


_ASSIGNED = (
    Sentence(_("%(actor)s 将%(post)s由 %(old_name)s 改为 %(new_name)s"), more=(_("，原因：%(reason)s"),)),
    Sentence(_("%(actor)s 指定%(post)s %(new_name)s"), more=(_("，原因：%(reason)s"),)),
    Sentence(_("%(actor)s 取消%(post)s %(old_name)s"), more=(_("，原因：%(reason)s"),)),
)
_POST = one_of({"kam": _("大客户经理"), "cm": _("台区经理")})

T = KeyEventType
register(
    KeyAccountEvent,
    labels=T.choices,
    shows={
        "post": _POST,
        "industry": label_of(Industry),
        "impact_grade": label_of(ImpactGrade),
        "satisfaction": label_of(VisitSatisfaction),
        "category": label_of(NeedCategory),
        "old": label_of(NeedStatus),
        "new": label_of(NeedStatus),
    },
    sentences={
        T.KAM_ASSIGNED: _ASSIGNED,
        T.CM_ASSIGNED: _ASSIGNED,
        T.PROFILE_UPDATED: (
            Sentence(_("%(actor)s 更新客户档案：行业“%(industry)s”，用电影响度“%(impact_grade)s”")),
            Sentence(_("%(actor)s 更新客户档案：行业“%(industry)s”")),
            Sentence(_("%(actor)s 更新客户档案：用电影响度“%(impact_grade)s”")),
            Sentence(_("%(actor)s 更新客户档案")),
        ),
        T.VISIT_PLANNED: Sentence(_("%(actor)s 安排 %(manager)s 于 %(day)s 走访"), more=(_("，目的：%(purpose)s"),)),
        T.VISIT_RECORDED: Sentence(
            _("%(actor)s 登记 %(day)s 的走访：客户需求 %(needs)s 项，跟进事项 %(follow_ups)s 项"),
            more=(
                _("，客户评价“%(satisfaction)s”"),
                _("，用电影响度“%(impact_grade)s”"),
                _("，下次走访 %(next_visit)s"),
            ),
        ),
        T.VISIT_CANCELLED: Sentence(_("%(actor)s 取消 %(day)s 的走访"), more=(_("，原因：%(reason)s"),)),
        T.NEED_STATUS: Sentence(
            _("%(actor)s 将“%(category)s”需求（%(text)s）由“%(old)s”改为“%(new)s”"), more=(_("，说明：%(note)s"),)
        ),
        T.FOLLOW_UP_DONE: Sentence(_("%(actor)s 完成跟进事项“%(text)s”"), more=(_("，备注：%(note)s"),)),
        T.PLAN_CREATED: (
            Sentence(_("%(actor)s 由第 %(copied_from)s 版修订出应急方案第 %(version)s 版，复核期限 %(review_due_on)s")),
            Sentence(_("%(actor)s 制定应急方案第 %(version)s 版，复核期限 %(review_due_on)s")),
        ),
    },
)
del T

# The findings' sentences (KEY-4) join this table; after the register above.
from gridcare.keyaccounts import events_findings  # noqa: E402, F401
