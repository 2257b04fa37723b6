"""The version of a hall's live state (issue 20): every service that changes what a board, a
floor view or a console shows calls :func:`hall_changed` in its own transaction; the screens
(halls.views) answer from a per-version cache. One UPDATE of one row per change, so two counters
of one hall serialise on it only for the rest of their (short) transactions."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from gridcare.core.timezone import now
from gridcare.halls.models import HallLive


def hall_changed(hall_id: int) -> None:
    """Raise the hall's live version (creating its row on the first change)."""
    at = now()
    if HallLive.objects.filter(hall_id=hall_id).update(version=F("version") + 1, changed_at=at):
        return
    try:
        with transaction.atomic():
            HallLive.objects.create(hall_id=hall_id, version=1, changed_at=at)
    except IntegrityError:  # another change of the same hall created it first
        HallLive.objects.filter(hall_id=hall_id).update(version=F("version") + 1, changed_at=at)


def halls_changed(hall_ids: list[int]) -> None:
    """:func:`hall_changed` for several halls (a renamed clerk's, a unit's)."""
    for hall_id in sorted(set(hall_ids)):
        hall_changed(hall_id)


def hall_live_token(hall_id: int) -> str:
    """The hall's live version as a short token for a cache key and an ETag (its row made on the
    first screen of a hall that has not changed yet)."""
    row = HallLive.objects.filter(hall_id=hall_id).values_list("version", "changed_at").first()
    if row is None:
        try:
            with transaction.atomic():
                HallLive.objects.create(hall_id=hall_id, version=0, changed_at=now())
        except IntegrityError:
            pass
        row = HallLive.objects.filter(hall_id=hall_id).values_list("version", "changed_at").get()
    version, changed_at = row
    return f"{version}.{int(changed_at.timestamp() * 1_000_000):x}"
