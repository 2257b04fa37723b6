"""The one writer of append-only history rows (``gridcare.core.models.Event`` subclasses). Each
app's ``events.py`` keeps its own small function (``bill_event``, ``ticket_event`` …) naming the
row it is about and calls ``record`` (or ``record_many`` for the rows of one bulk step)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, TypeAlias, TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.utils import timezone

from gridcare.core.models import Event

E = TypeVar("E", bound=Event)

# Who a service is told acted: a signed-in person, the anonymous visitor of a public page, or
# nobody (a job, a device, a channel's notification).
Actor: TypeAlias = User | AnonymousUser | None


def actor_user(actor: Actor) -> User | None:
    """The user to store for ``actor``: only a real user is recorded, anyone else as nobody."""
    return actor if isinstance(actor, User) else None


def record(
    model: type[E],
    *,
    type: str,
    actor: Actor,
    at: datetime | None = None,
    parameters: dict[str, Any] | None = None,
    **about: Any,
) -> E:
    """Append one ``model`` row: ``about`` names what it is about (``bill=bill``, ``counter=…``);
    ``at`` the time of the step where the caller has one, else now (read here rather than as the
    field's default, so a test clock that replaces ``timezone.now`` reaches every history)."""
    return model._default_manager.create(
        type=type,
        actor=actor_user(actor),
        parameters=parameters or {},
        created_at=timezone.now() if at is None else at,
        **about,
    )


def record_many(
    model: type[E],
    rows: Iterable[Mapping[str, Any]],
    *,
    type: str,
    actor: Actor,
    at: datetime | None = None,
) -> int:
    """Append one ``model`` row of ``type`` for each item of ``rows``, in one bulk insert: each
    item names what its row is about (``appointment=…``) and may carry its own ``parameters``.
    For the steps that change many rows at once (tokens revoked together, the day's missed
    appointments); returns how many rows were written."""
    created_at = timezone.now() if at is None else at
    user = actor_user(actor)
    events = [model(type=type, actor=user, created_at=created_at, **{"parameters": {}, **row}) for row in rows]
    return len(model._default_manager.bulk_create(events, batch_size=5000))
