"""What the portal's home-service and mobile-round pages and the app's API share (WO-9; issue 15):
the customer's own home visits (those of their bound accounts, through the halls' selectors), how
one reads for them, and the coming stops of the mobile service vehicle for their accounts' 台区."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gridcare.core.exceptions import NotFound
from gridcare.core.timezone import business_date, now
from gridcare.halls import home_selectors
from gridcare.halls.home_rules import HomeAction, actions_open, round_portal_days, visit_started
from gridcare.halls.models import HomeVisit, HomeVisitStatus, Kind, MobileRoundStop
from gridcare.portal import selectors
from gridcare.portal.models import PortalUser


def _account_ids(customer: PortalUser) -> list[int]:
    return [b.account_id for b in selectors.bindings(customer)]


def my_visits(customer: PortalUser) -> QuerySet[HomeVisit]:
    return home_selectors.home_visits_of_accounts(_account_ids(customer))


def my_visit(customer: PortalUser, visit_id: object) -> HomeVisit:
    """One of the customer's own visits; any other id is the same 404 as a missing one."""
    visit = None
    if isinstance(visit_id, int) and 0 < visit_id < 2**63:
        visit = my_visits(customer).filter(pk=visit_id).first()
    if visit is None:
        raise NotFound(_("没有找到这项上门服务。"))
    return visit


def visit_card(visit: HomeVisit) -> dict[str, Any]:
    """A visit as its customer reads it: no staff's full names beyond the visiting clerk's."""
    can_cancel = HomeAction.CANCEL in actions_open(visit.status) and not visit_started(
        visit.day, visit.starts_at, now()
    )
    return {
        "id": visit.pk,
        "account_no": visit.account.account_no,
        "address": visit.address,
        "purpose": visit.purpose,
        "purpose_name": str(Kind(visit.purpose).label),
        "reason": visit.reason,
        "reason_name": visit.get_reason_display(),
        "note": visit.note,
        "status": visit.status,
        "status_label": str(HomeVisitStatus(visit.status).label),
        "date": visit.day,
        "start": f"{visit.starts_at:%H:%M}" if visit.starts_at else None,
        "end": f"{visit.ends_at:%H:%M}" if visit.ends_at else None,
        "clerk_name": visit.clerk.name if visit.clerk else None,
        "hall_name": visit.hall.name,
        "outcome_note": visit.outcome_note,
        "created_at": visit.created_at,
        "can_cancel": can_cancel,
    }


def coming_stops(customer: PortalUser) -> QuerySet[MobileRoundStop]:
    """The published stops of the coming days that serve the 台区 of the customer's accounts."""
    areas = {b.account.transformer_area_id for b in selectors.bindings(customer)} - {None}
    today = business_date()
    return home_selectors.stops_for_areas(
        area_ids=[a for a in areas if a is not None], first=today, last=today + timedelta(days=round_portal_days())
    )


def stop_card(stop: MobileRoundStop) -> dict[str, Any]:
    return {
        "id": stop.pk,
        "village": stop.village,
        "area_name": stop.area.name,
        "unit_name": stop.unit.name,
        "date": stop.day,
        "start": f"{stop.starts_at:%H:%M}",
        "end": f"{stop.ends_at:%H:%M}",
        "place": stop.place,
    }
