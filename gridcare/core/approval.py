"""Second-person approval (四眼原则): whoever asked for a change may not approve it. One check
for every approval of the house (refunds, instalment plans …); the table's CheckConstraint
(``decided_by`` differs from the asker) backs it in the database."""

from __future__ import annotations

from django.contrib.auth.models import User

from gridcare.core.exceptions import Forbidden


def second_person(*, asked_by_id: int | None, actor: User, message: str) -> None:
    """Refuse (403, ``message``) when ``actor`` is the person who asked."""
    if asked_by_id is not None and asked_by_id == actor.pk:
        raise Forbidden(message)
