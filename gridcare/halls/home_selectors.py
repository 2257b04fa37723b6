"""Reads of home service (上门服务) and the mobile service rounds (流动服务车), WO-9: the hall's queue
in the caller's reach, a clerk's day, the hall's visiting clerks, a customer's own visits, the
unit's timetable and the coming stops of some 台区. Never imports services."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from gridcare.core.forms import Choice, named
from gridcare.halls.models import (
    HOME_VISIT_OPEN,
    HomeVisit,
    HomeVisitEvent,
    HomeVisitStatus,
    MobileRoundStop,
    RoundStatus,
)
from gridcare.org.access import Path, Reach, Scope
from gridcare.org.models import Hall, Role, Staff

# Who of a hall goes out to customers: its counter clerks and its manager.
VISITING_ROLES = (Role.COUNTER_CLERK, Role.HALL_MANAGER)


def home_visit_filter(scope: Scope) -> Q:
    """The visits ``scope`` reaches: hall staff their hall's, unit posts their unit's, 95598
    agents the company's (they take the requests of the whole city)."""
    return scope.filter(Reach.ORDERS, Path.hall_of("hall"))


def _with_relations(rows: QuerySet[HomeVisit]) -> QuerySet[HomeVisit]:
    return rows.select_related("hall", "account", "clerk", "account__transformer_area")


@dataclass(frozen=True)
class HomeVisitFilters:
    status: str = ""
    day: date | None = None


def home_visit_list(*, scope: Scope, filters: HomeVisitFilters | None = None) -> QuerySet[HomeVisit]:
    """The queue: the open ones first by day and slot, then the rest newest first."""
    filters = filters or HomeVisitFilters()
    rows = HomeVisit.objects.filter(home_visit_filter(scope))
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.day is not None:
        rows = rows.filter(Q(day=filters.day) | Q(day__isnull=True, created_at__date=filters.day))
    return _with_relations(rows).order_by("-created_at", "-id")


def home_visits_of_clerk(*, staff: Staff, day: date) -> QuerySet[HomeVisit]:
    """The clerk's visits of ``day`` (scheduled, done or failed), in slot order."""
    rows = HomeVisit.objects.filter(clerk=staff, day=day).exclude(status=HomeVisitStatus.CANCELLED)
    return _with_relations(rows).order_by("starts_at", "id")


def visiting_clerks(hall: Hall) -> QuerySet[Staff]:
    """The hall's staff who may be sent to a customer's home."""
    return Staff.objects.filter(hall=hall, active=True, role__in=VISITING_ROLES).order_by("employee_no")


def clerk_choices(hall: Hall) -> list[Choice]:
    return [(s.employee_no, named(s.employee_no, s.name)) for s in visiting_clerks(hall)]


def clerk_busy(*, clerk: Staff, day: date, start: object, other_than: int) -> bool:
    """Whether the clerk already has another scheduled visit in that slot."""
    return (
        HomeVisit.objects.filter(clerk=clerk, day=day, starts_at=start, status=HomeVisitStatus.SCHEDULED)
        .exclude(pk=other_than)
        .exists()
    )


def open_home_visit(*, account_id: int, purpose: str) -> HomeVisit | None:
    """The account's open request for ``purpose``, if any."""
    return (
        HomeVisit.objects.filter(account_id=account_id, purpose=purpose, status__in=HOME_VISIT_OPEN)
        .order_by("pk")
        .first()
    )


def home_visits_of_accounts(account_ids: Collection[int]) -> QuerySet[HomeVisit]:
    """A customer's own visits: those of their bound accounts, newest first."""
    return _with_relations(HomeVisit.objects.filter(account_id__in=list(account_ids))).order_by("-created_at", "-id")


def home_visit_history(visit: HomeVisit) -> QuerySet[HomeVisitEvent]:
    return HomeVisitEvent.objects.filter(home_visit=visit).select_related("actor__staff").order_by("created_at", "id")


# --- the mobile service rounds -------------------------------------------------------------------


def round_filter(scope: Scope) -> Q:
    """The stops of the units ``scope`` reaches (a unit post: its unit's)."""
    return scope.filter(Reach.UNIT, Path.unit_of("unit"))


def round_stops(*, scope: Scope, since: date | None = None) -> QuerySet[MobileRoundStop]:
    rows = MobileRoundStop.objects.filter(round_filter(scope))
    if since is not None:
        rows = rows.filter(day__gte=since)
    return rows.select_related("unit", "area").order_by("day", "starts_at", "id")


def stops_for_areas(*, area_ids: Collection[int], first: date, last: date) -> QuerySet[MobileRoundStop]:
    """The published stops serving these 台区 from ``first`` to ``last`` (what a customer sees)."""
    return (
        MobileRoundStop.objects.filter(
            area_id__in=list(area_ids), status=RoundStatus.PUBLISHED, day__gte=first, day__lte=last
        )
        .select_related("unit", "area")
        .order_by("day", "starts_at", "id")
    )


def stops_of_day(day: date) -> QuerySet[MobileRoundStop]:
    """The published stops of ``day`` (the reminder job's, the day before)."""
    return MobileRoundStop.objects.filter(day=day, status=RoundStatus.PUBLISHED).select_related("area").order_by("id")
