"""Append-only history rows of people's posts and of the rewards ledger, and the sentence each
row shows on the pages (gridcare.core.history)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from gridcare.assessment.models import LedgerEntry, LedgerEvent, LedgerKind, LedgerSource, PostEvent, PostStatus
from gridcare.core.events import Actor, record
from gridcare.core.history import Sentence, label_of, one_of, register
from gridcare.org.models import Staff


def post_event(*, staff: Staff, type: PostEvent.Type, actor: Actor, at: datetime, **parameters: Any) -> PostEvent:
    return record(PostEvent, staff=staff, type=type, actor=actor, at=at, parameters=parameters)


def ledger_event(
    *, entry: LedgerEntry, type: LedgerEvent.Type, actor: Actor, at: datetime, **parameters: Any
) -> LedgerEvent:
    return record(LedgerEvent, entry=entry, type=type, actor=actor, at=at, parameters=parameters)


_REASON = _("，原因：%(reason)s")
_NOTE = _("，意见：%(note)s")

P = PostEvent.Type
register(
    PostEvent,
    labels=P.choices,
    shows={"from": label_of(PostStatus), "to": label_of(PostStatus), "already": one_of({True: _("仍在待岗")})},
    sentences={
        P.CHANGED: Sentence(_("%(actor)s 将岗位状态由“%(from)s”改为“%(to)s”"), more=(_REASON,)),
        # A complaint found true (WO-7): the one who found it acted; ``already``: on standby before.
        P.STANDBY: (
            Sentence(_("%(actor)s 查实投诉（工单 %(order)s），%(already)s"), more=(_REASON,)),
            Sentence(
                _("%(actor)s 查实投诉（工单 %(order)s），按“一次申告查实待岗”由“%(from)s”转为待岗"),
                more=(_REASON,),
            ),
        ),
        P.RESTORED: Sentence(
            _("%(actor)s 确认复训合格，由“待岗”恢复为“%(to)s”"),
            more=(_("，复训情况：%(retraining)s"), _REASON),
        ),
    },
)

L = LedgerEvent.Type
register(
    LedgerEvent,
    labels=L.choices,
    shows={"kind": label_of(LedgerKind), "source": label_of(LedgerSource)},
    sentences={
        L.PROPOSED: Sentence(
            _("%(actor)s 提出%(kind)s %(points)s 分"),
            more=(
                _("，金额 %(amount)s 元"),
                _("，计入 %(period)s"),
                _("，来源：%(source)s"),
                _("（%(reference)s）"),
                _("，事由：%(reason)s"),
            ),
        ),
        L.APPROVED: Sentence(_("%(actor)s 批准"), more=(_NOTE,)),
        L.REJECTED: Sentence(_("%(actor)s 驳回"), more=(_NOTE,)),
        L.WITHDRAWN: Sentence(_("%(actor)s 撤回"), more=(_NOTE,)),
    },
)

# The improvement actions' history registers its sentences beside its writer (its own module).
from gridcare.assessment import events_actions, events_surveys  # noqa: E402, F401
