"""The staff API of home service (上门服务) and the mobile service rounds (流动服务车), WO-9: the
home-visit queue in the caller's reach, scheduling, the outcome, cancelling; the unit's timetable
of stops. Thin: access, service, answer (the pages call the same services)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from gridcare.core.paging import api_page
from gridcare.core.timezone import business_date
from gridcare.customers.rules import mask_phone
from gridcare.halls import home_selectors
from gridcare.halls.access import home_visit_get_for_scope
from gridcare.halls.models import HomeVisit, HomeVisitStatus, Kind, MobileRoundStop
from gridcare.halls.services import home_visits, mobile_rounds
from gridcare.org.access import Capability, require
from gridcare.org.api import ERRORS, scoped_get

router = Router(tags=["home-visits"])


class HomeVisitOut(Schema):
    id: int
    hall: str
    hall_name: str
    account_no: str
    purpose: str
    purpose_name: str
    reason: str
    note: str
    address: str
    phone: str  # masked
    channel: str
    status: str
    status_label: str
    date: date | None
    start: str | None
    end: str | None
    clerk: str | None  # the visiting clerk's employee number
    clerk_name: str | None
    outcome_note: str
    created_at: datetime


def home_visit_out(visit: HomeVisit) -> dict[str, Any]:
    clerk = visit.clerk
    return {
        "id": visit.pk,
        "hall": visit.hall.code,
        "hall_name": visit.hall.name,
        "account_no": visit.account.account_no,
        "purpose": visit.purpose,
        "purpose_name": str(Kind(visit.purpose).label),
        "reason": visit.reason,
        "note": visit.note,
        "address": visit.address,
        "phone": mask_phone(visit.phone),
        "channel": visit.channel,
        "status": visit.status,
        "status_label": str(HomeVisitStatus(visit.status).label),
        "date": visit.day,
        "start": f"{visit.starts_at:%H:%M}" if visit.starts_at else None,
        "end": f"{visit.ends_at:%H:%M}" if visit.ends_at else None,
        "clerk": clerk.employee_no if clerk else None,
        "clerk_name": clerk.name if clerk else None,
        "outcome_note": visit.outcome_note,
        "created_at": visit.created_at,
    }


class ScheduleIn(Schema):
    date: str  # YYYY-MM-DD, a working day from tomorrow (the hall's appointment days)
    start: str  # HH:MM, a half-hour slot within the hall's hours
    clerk: str  # the employee number of one of the hall's visiting clerks
    reassign: bool = False  # change a scheduled visit's clerk or slot


class OutcomeIn(Schema):
    note: str = ""  # required when failed


class HomeCancelIn(Schema):
    reason: str


@router.get("/home-visits", response={200: list[HomeVisitOut], **ERRORS})
def home_visit_list(
    request: HttpRequest,
    response: HttpResponse,
    status: str = "",
    date: str = "",
    page: int = 1,
    page_size: int | None = None,
) -> list[Any]:
    """The home visits in the caller's reach (hall staff their hall's, supervisors their unit's,
    agents the company's), newest first; ``status`` and ``date`` filter (X-Total-Count)."""
    scope = require(request.user, Capability.HOME_VISIT_VIEW)
    wanted = status if status in HomeVisitStatus.values else ""
    day = None
    try:
        day = datetime.strptime(date, "%Y-%m-%d").date() if date else None  # noqa: DTZ007 - a date
    except ValueError:
        day = None
    rows = home_selectors.home_visit_list(scope=scope, filters=home_selectors.HomeVisitFilters(status=wanted, day=day))
    return api_page(response, rows, page=page, page_size=page_size, dress=home_visit_out)


@router.post("/home-visits/{visit_id}/schedule", response={200: HomeVisitOut, **ERRORS})
def home_visit_schedule(request: HttpRequest, visit_id: int, payload: ScheduleIn) -> dict[str, Any]:
    """Send one of the hall's clerks on a day and in a slot (HOME_VISIT_MANAGE); the customer is told."""
    scope, visit = scoped_get(request, home_visit_get_for_scope, visit_id=visit_id)
    done = home_visits.home_visit_schedule(
        scope=scope,
        actor=request.user,
        visit=visit,
        day=payload.date,
        start=payload.start,
        clerk=payload.clerk,
        reassign=payload.reassign,
    )
    return home_visit_out(done)


@router.post("/home-visits/{visit_id}/done", response={200: HomeVisitOut, **ERRORS})
def home_visit_done(request: HttpRequest, visit_id: int, payload: OutcomeIn) -> dict[str, Any]:
    """The visit done (by its clerk or the hall manager), on or after its day; the customer is told."""
    scope, visit = scoped_get(request, home_visit_get_for_scope, visit_id=visit_id)
    finished = home_visits.home_visit_finish(scope=scope, actor=request.user, visit=visit, done=True, note=payload.note)
    return home_visit_out(finished)


@router.post("/home-visits/{visit_id}/failed", response={200: HomeVisitOut, **ERRORS})
def home_visit_failed(request: HttpRequest, visit_id: int, payload: OutcomeIn) -> dict[str, Any]:
    """The visit failed, with a note why; the customer is told."""
    scope, visit = scoped_get(request, home_visit_get_for_scope, visit_id=visit_id)
    finished = home_visits.home_visit_finish(
        scope=scope, actor=request.user, visit=visit, done=False, note=payload.note
    )
    return home_visit_out(finished)


@router.post("/home-visits/{visit_id}/cancel", response={200: HomeVisitOut, **ERRORS})
def home_visit_cancel(request: HttpRequest, visit_id: int, payload: HomeCancelIn) -> dict[str, Any]:
    """Cancel a request or a scheduled visit, with a reason (HOME_VISIT_REQUEST); the customer is told."""
    scope, visit = scoped_get(request, home_visit_get_for_scope, visit_id=visit_id)
    cancelled = home_visits.home_visit_cancel(scope=scope, actor=request.user, visit=visit, reason=payload.reason)
    return home_visit_out(cancelled)


# --- the mobile service rounds ----------------------------------------------------------------------


class RoundStopOut(Schema):
    id: int
    unit: str
    unit_name: str
    village: str
    area: str
    area_name: str
    date: date
    start: str
    end: str
    place: str
    status: str
    status_label: str


def round_stop_out(stop: MobileRoundStop) -> dict[str, Any]:
    return {
        "id": stop.pk,
        "unit": stop.unit.code,
        "unit_name": stop.unit.name,
        "village": stop.village,
        "area": stop.area.code,
        "area_name": stop.area.name,
        "date": stop.day,
        "start": f"{stop.starts_at:%H:%M}",
        "end": f"{stop.ends_at:%H:%M}",
        "place": stop.place,
        "status": stop.status,
        "status_label": stop.get_status_display(),
    }


class RoundStopIn(Schema):
    unit: str  # the supply unit's code
    area: str  # the code of a 台区 of that unit
    village: str
    date: str  # YYYY-MM-DD
    start: str  # HH:MM
    end: str  # HH:MM
    place: str
    publish: bool = False  # published at once (else a draft)


@router.get("/mobile-rounds", response={200: list[RoundStopOut], **ERRORS})
def round_stop_list(
    request: HttpRequest, response: HttpResponse, page: int = 1, page_size: int | None = None
) -> list[Any]:
    """The timetable of the units the caller keeps (MOBILE_ROUND_EDIT), from today on."""
    scope = require(request.user, Capability.MOBILE_ROUND_EDIT)
    rows = home_selectors.round_stops(scope=scope, since=business_date())
    return api_page(response, rows, page=page, page_size=page_size, dress=round_stop_out)


@router.post("/mobile-rounds", response={201: RoundStopOut, **ERRORS})
def round_stop_add(request: HttpRequest, payload: RoundStopIn) -> tuple[int, dict[str, Any]]:
    """Add a stop to a unit's timetable, a draft or published at once."""
    scope = require(request.user, Capability.MOBILE_ROUND_EDIT)
    data = mobile_rounds.StopData(
        unit=payload.unit,
        area=payload.area,
        village=payload.village,
        day=payload.date,
        start=payload.start,
        end=payload.end,
        place=payload.place,
    )
    stop = mobile_rounds.round_stop_save(scope=scope, actor=request.user, data=data, publish=payload.publish)
    return 201, round_stop_out(stop)
