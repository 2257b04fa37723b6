"""Deadlines on the working-day calendar when a year's holiday notice is missing (WO-3).

A deadline reckoned over such a year is stored with ``provisional=True`` and the years it was
reckoned over, and an order event says which year was missing. When the year is saved
(gridcare.core.services.calendar), ``deadlines_recompute`` replays every open provisional
deadline of that year on the saved calendar, in the saving transaction, with an event per order
giving the old and the new due time. Deadlines that were not provisional, and met ones, stay.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from gridcare.core.calendar import add_working_days_at, add_working_time, working_time_between
from gridcare.core.events import Actor
from gridcare.core.timezone import SHANGHAI
from gridcare.workorders import connections, rules
from gridcare.workorders.events import connection_event, order_event
from gridcare.workorders.models import (
    OPEN_STATUSES,
    ConnectionEvent,
    ConnectionStep,
    Deadline,
    NewConnection,
    OrderEvent,
    Stage,
    WorkOrder,
)


def _iso(moment: datetime | None) -> str | None:
    """A moment as recorded in events: Shanghai time, ISO 8601."""
    return moment.astimezone(SHANGHAI).isoformat() if moment else None


def deadlines_create(
    *, order: WorkOrder, planned: Sequence[rules.PlannedDeadline], actor: Actor, at: datetime
) -> list[Deadline]:
    """Store an order's planned deadlines, with an event for each one reckoned provisionally."""
    rows = Deadline.objects.bulk_create(
        [
            Deadline(
                order=order,
                kind=p.kind,
                due_at=p.due_at,
                warn_at=p.warn_at,
                start_at=p.start_at,
                working_days=p.working_days,
                provisional=p.provisional,
                provisional_years=sorted(p.unknown_years),
            )
            for p in planned
        ]
    )
    for p in planned:
        if p.provisional:
            provisional_event(order=order, kind=p.kind, due_at=p.due_at, years=p.unknown_years, actor=actor, at=at)
    return rows


def provisional_event(
    *, order: WorkOrder, kind: str, due_at: datetime, years: frozenset[int], actor: Actor, at: datetime
) -> OrderEvent:
    return order_event(
        order=order,
        type=OrderEvent.Type.PROVISIONAL,
        actor=actor,
        at=at,
        kind=kind,
        due_at=_iso(due_at),
        missing_years=sorted(years),
    )


def deadline_resume(*, deadline: Deadline, paused_at: datetime, resumed_at: datetime, actor: Actor) -> None:
    """Move an open deadline on by the time the order waited (working-day time for replies)."""
    in_working_days = deadline.kind == Deadline.Kind.REPLY
    due = rules.resumed(deadline.due_at, paused_at, resumed_at, working_days=in_working_days)
    warn = rules.resumed(deadline.warn_at, paused_at, resumed_at, working_days=in_working_days)
    deadline.due_at, deadline.warn_at = due.value, warn.value
    fields = ["due_at", "warn_at"]
    unknown = due.unknown_years | warn.unknown_years
    if unknown - set(deadline.provisional_years):
        deadline.provisional = True
        deadline.provisional_years = sorted(unknown | set(deadline.provisional_years))
        fields += ["provisional", "provisional_years"]
        provisional_event(
            order=deadline.order, kind=deadline.kind, due_at=due.value, years=unknown, actor=actor, at=resumed_at
        )
    deadline.save(update_fields=fields)


def _pauses(order: WorkOrder, since: datetime) -> list[tuple[datetime, datetime]]:
    """The order's finished waits for the customer (paused, resumed) from ``since`` on."""
    events = order.events.filter(
        type__in=(OrderEvent.Type.PAUSED, OrderEvent.Type.RESUMED), created_at__gte=since
    ).order_by("created_at", "id")
    pauses: list[tuple[datetime, datetime]] = []
    started: datetime | None = None
    for event in events:
        if event.type == OrderEvent.Type.PAUSED:
            started = event.created_at
        elif started is not None:
            pauses.append((started, event.created_at))
            started = None
    return pauses


def deadlines_recompute(*, year: int, actor: Actor, at: datetime) -> int:
    """Recompute the open deadlines reckoned provisionally over ``year``; run inside the
    transaction that saved the year. Returns how many deadlines were recomputed."""
    settings_rules = rules.DeadlineRules.from_settings()
    candidates = Deadline.objects.filter(
        provisional=True,
        met_at__isnull=True,
        start_at__isnull=False,
        working_days__isnull=False,
        order__status__in=OPEN_STATUSES,
    ).select_related("order")
    done = 0
    for candidate in candidates.order_by("id"):
        if year not in candidate.provisional_years:
            continue
        # The order's lock, as a resume takes it, so the two never overwrite each other.
        WorkOrder.objects.select_for_update().filter(pk=candidate.order_id).first()
        deadline = Deadline.objects.select_related("order").get(pk=candidate.pk)
        if deadline.met_at is not None or year not in deadline.provisional_years:
            continue  # met or recomputed meanwhile
        if deadline.start_at is None or deadline.working_days is None:
            continue
        pauses = _pauses(deadline.order, deadline.start_at)
        planned = rules.reply_in_working_days(deadline.start_at, deadline.working_days, pauses, settings_rules)
        old = deadline.due_at
        deadline.due_at, deadline.warn_at = planned.due_at, planned.warn_at
        deadline.provisional, deadline.provisional_years = planned.provisional, sorted(planned.unknown_years)
        deadline.save(update_fields=["due_at", "warn_at", "provisional", "provisional_years"])
        order_event(
            order=deadline.order,
            type=OrderEvent.Type.RECOMPUTED,
            actor=actor,
            at=at,
            kind=deadline.kind,
            year=year,
            old_due_at=_iso(old),
            new_due_at=_iso(planned.due_at),
            provisional=planned.provisional,
        )
        done += 1
    return done


# -- new connections (WO-8) ---------------------------------------------------------------------


def connection_total_due(connection: NewConnection) -> tuple[datetime, frozenset[int]]:
    """The utility's total deadline replayed: its working days from the application, moved on by
    the working time of the customer's own construction (when finished)."""
    due = add_working_days_at(connection.applied_at, connections.total_days(connection.category))
    moment, unknown = due.value, set(due.unknown_years)
    for step in ConnectionStep.objects.filter(connection=connection, stage=Stage.CONSTRUCTION):
        waited = working_time_between(step.started_at, step.finished_at)
        moved = add_working_time(moment, waited.value)
        moment, unknown = moved.value, unknown | waited.unknown_years | moved.unknown_years
    return moment, frozenset(unknown)


def connection_stage_due(category: str, stage: str, start: datetime) -> tuple[datetime | None, frozenset[int]]:
    days = connections.limit(category, stage)
    if days is None:
        return None, frozenset()
    due = add_working_days_at(start, days)
    return due.value, due.unknown_years


def connections_recompute(*, year: int, actor: Actor, at: datetime) -> int:
    """Recompute the total and stage deadlines of open new connections reckoned provisionally
    over ``year``; inside the saving transaction. Returns how many applications changed."""
    done = 0
    for candidate in NewConnection.objects.filter(provisional=True, completed_at__isnull=True).order_by("id"):
        if year not in candidate.provisional_years:
            continue
        connection = NewConnection.objects.select_for_update().get(pk=candidate.pk)  # as advancing does
        if connection.completed_at is not None or year not in connection.provisional_years:
            continue
        old_due, old_stage_due = connection.due_at, connection.stage_due_at
        connection.due_at, total_years = connection_total_due(connection)
        connection.stage_due_at, stage_years = connection_stage_due(
            connection.category, connection.stage, connection.stage_started_at
        )
        unknown = total_years | stage_years
        connection.provisional, connection.provisional_years = bool(unknown), sorted(unknown)
        connection.save(update_fields=["due_at", "stage_due_at", "provisional", "provisional_years"])
        connection_event(
            connection=connection,
            type=ConnectionEvent.Type.RECOMPUTED,
            actor=actor,
            at=at,
            year=year,
            old_due_at=_iso(old_due),
            new_due_at=_iso(connection.due_at),
            old_stage_due_at=_iso(old_stage_due),
            new_stage_due_at=_iso(connection.stage_due_at),
            provisional=connection.provisional,
        )
        done += 1
    return done


def provisional_open_count(year: int) -> int:
    """How many open work-order deadlines and new connections saving ``year`` would recompute."""
    deadlines = Deadline.objects.filter(
        provisional=True, met_at__isnull=True, order__status__in=OPEN_STATUSES
    ).values_list("provisional_years", flat=True)
    applications = NewConnection.objects.filter(provisional=True, completed_at__isnull=True).values_list(
        "provisional_years", flat=True
    )
    return sum(year in years for years in deadlines) + sum(year in years for years in applications)
