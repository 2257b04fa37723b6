"""Append-only rows of the organisation: the sign-in security audit (SEC-1) and the history of
the repair crews, with the sentence each crew row shows (gridcare.core.history)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from gridcare.core.events import Actor, record
from gridcare.core.history import Sentence, Text, present, register
from gridcare.org.models import AuthEvent, Crew, CrewEvent


def auth_event(
    *,
    type: AuthEvent.Type,
    actor: Actor = None,
    username: str = "",
    user: User | None = None,
    ip_address: str | None = None,
    at: datetime | None = None,
    **parameters: Any,
) -> AuthEvent:
    """``username`` and ``user`` name whom it concerns (the name outlives a deleted user)."""
    return record(
        AuthEvent,
        type=type,
        actor=actor,
        at=at,
        parameters=parameters,
        username=username,
        user=user,
        ip_address=ip_address,
    )


def crew_event(
    *, crew: Crew, type: CrewEvent.Type, actor: Actor, at: datetime | None = None, **parameters: Any
) -> CrewEvent:
    return record(CrewEvent, crew=crew, type=type, actor=actor, at=at, parameters=parameters)


def _unit(code: Any) -> Text:
    # Imported here: the sign-in audit's writer is imported by the token check, which
    # org.selectors (through org.access) needs first.
    from gridcare.org.selectors import unit_name

    return present(unit_name(code=str(code)))


_LEADER = _("，班组长 %(leader)s")
T = CrewEvent.Type
register(
    CrewEvent,
    labels=T.choices,
    shows={"unit": _unit},
    sentences={
        T.CREATED: Sentence(_("%(actor)s 为%(unit)s新建班组 %(name)s"), more=(_LEADER,)),
        T.RENAMED: (
            Sentence(_("%(actor)s 将班组 %(old_name)s 更名为 %(new_name)s"), more=(_LEADER,)),
            Sentence(_("%(actor)s 将班组 %(name)s 的班组长改为 %(leader)s")),
            Sentence(_("%(actor)s 清除了班组 %(name)s 的班组长")),
        ),
        T.DEACTIVATED: _("%(actor)s 停用班组 %(name)s，派单时不再可选"),
        T.REACTIVATED: _("%(actor)s 恢复班组 %(name)s"),
    },
)
del T
