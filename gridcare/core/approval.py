"""Second-person approval (四眼原则): whoever asked for a change may not approve it, and the
decision claims the request with a conditional UPDATE, so two people deciding at the same moment
make one decision. One pattern for every approval of the house (refunds, instalment plans, bill
corrections, adjustments …); each table's CheckConstraint (``decided_by`` differs from the asker)
backs it in the database."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import models
from django.utils.translation import gettext as _

from gridcare.core.exceptions import Conflict, Forbidden, InvalidInput


def second_person(*, asked_by_id: int | None, actor: User, message: str) -> None:
    """Refuse (403, ``message``) when ``actor`` is the person who asked."""
    if asked_by_id is not None and asked_by_id == actor.pk:
        raise Forbidden(message)


def decision_note(note: str) -> str:
    """The approver's note, checked: at most 200 characters."""
    if not isinstance(note, str) or len(note) > 200:
        raise InvalidInput(_("审批意见最多 200 字。"), errors={"note": _("最多 200 字。")})
    return note.strip()


def claim(model: type[models.Model], *, pk: int, status: str, to: str, **changes: Any) -> None:
    """Move the request ``pk`` from ``status`` to ``to`` (with ``changes``) only if it is still
    in ``status``; a request someone else decided first is refused (nothing else is done)."""
    if not model._default_manager.filter(pk=pk, status=status).update(status=to, **changes):
        raise Conflict(_("该申请已被他人处理，请刷新页面。"))
