"""The history of social supervisors (SupervisorEvent) and the sentence each row shows
(gridcare.core.history); registered when ``gridcare.assessment.events`` is imported."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from gridcare.assessment.models import SocialSupervisor, SupervisorEvent
from gridcare.core.events import Actor, record
from gridcare.core.history import Sentence, label_of, register


def supervisor_event(
    *, supervisor: SocialSupervisor, type: SupervisorEvent.Type, actor: Actor, at: datetime, **parameters: Any
) -> SupervisorEvent:
    return record(SupervisorEvent, supervisor=supervisor, type=type, actor=actor, at=at, parameters=parameters)


S = SupervisorEvent.Type
register(
    SupervisorEvent,
    labels=S.choices,
    shows={"from": label_of(SocialSupervisor.State), "to": label_of(SocialSupervisor.State)},
    sentences={
        S.INVITED: Sentence(_("%(actor)s 按抽样“%(sample)s”邀请为社会监督员")),
        S.STATE: Sentence(
            _("%(actor)s 将状态由“%(from)s”改为“%(to)s”"),
            more=(_("，聘期 %(term_start)s 至 %(term_end)s"), _("，备注：%(note)s")),
        ),
    },
)
