"""Append-only history rows of outages (registered, restored, cancelled), and the sentence each
shows on the outage page (gridcare.core.history)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from gridcare.core.events import Actor, record
from gridcare.core.history import Sentence, moment, one_of, register
from gridcare.notices.models import Outage, OutageEvent, Publication, PublicationEvent


def outage_event(*, outage: Outage, type: str, actor: Actor, **parameters: Any) -> OutageEvent:
    return record(OutageEvent, type=type, actor=actor, parameters=parameters, outage=outage)


# Where an outage was registered or restored from, when not on the outage pages.
_SOURCE = _("（%(source)s）")

T = OutageEvent.Type
register(
    OutageEvent,
    labels=T.choices,
    shows={"restored_at": moment, "source": one_of({"workorders": _("由故障工单确认")})},
    sentences={
        T.REGISTERED: Sentence(
            _("%(actor)s 登记停电，影响 %(affected_accounts)s 户，生成通知 %(notices)s 条"), more=(_SOURCE,)
        ),
        T.RESTORED: Sentence(_("%(actor)s 登记恢复送电（%(restored_at)s），生成通知 %(notices)s 条"), more=(_SOURCE,)),
        T.CANCELLED: _("%(actor)s 取消停电，撤回未发出的通知 %(withdrawn)s 条，告知已收到通知的客户 %(notices)s 条"),
    },
)


def publication_event(*, publication: Publication, type: str, actor: Actor, **parameters: Any) -> PublicationEvent:
    return record(PublicationEvent, type=type, actor=actor, parameters=parameters, publication=publication)


P = PublicationEvent.Type
register(
    PublicationEvent,
    labels=P.choices,
    shows={"published_at": moment},
    sentences={
        P.CREATED: _("%(actor)s 撰写公告"),
        P.EDITED: _("%(actor)s 修改公告"),
        P.PUBLISHED: _("%(actor)s 发布公告，客户自 %(published_at)s 起可见"),
        P.WITHDRAWN: _("%(actor)s 撤回公告，客户不再可见"),
    },
)
