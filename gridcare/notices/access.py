"""Who may do what with notices and outages, and turning an outage id into an Outage."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from gridcare.core.exceptions import NotFound
from gridcare.notices.models import Outage
from gridcare.org.access import Scope
from gridcare.org.models import Role

# Register, restore and cancel outages.
OUTAGE_ROLES = frozenset({Role.PLANNER, Role.ADMINISTRATOR})
# See the channel-quality figures.
QUALITY_ROLES = frozenset({Role.SUPERVISOR, Role.PLANNER, Role.ADMINISTRATOR})
# See the reliability figures (SAIFI/SAIDI, PLAN-4).
RELIABILITY_ROLES = frozenset({Role.SUPERVISOR, Role.PLANNER, Role.ADMINISTRATOR})


def outage_filter(scope: Scope) -> Q:
    """Every staff member of the company sees its outages (95598 agents answer calls about them)."""
    if scope.everything:
        return Q()
    if scope.staff is None or scope.company_id is None:
        return Q(pk__in=[])
    return Q(company_id=scope.company_id)


def grid_filter(scope: Scope, unit_field: str = "unit") -> Q:
    """Feeders (``unit``) or 台区 (``feeder__unit``) the caller may name in an outage."""
    if scope.everything:
        return Q()
    if scope.staff is None or scope.company_id is None:
        return Q(pk__in=[])
    if scope.unit_id is not None:
        return Q(**{f"{unit_field}_id": scope.unit_id})
    return Q(**{f"{unit_field}__company_id": scope.company_id})


def outage_get_for_scope(*, scope: Scope, outage_id: int) -> Outage:
    outage = Outage.objects.filter(outage_filter(scope), pk=outage_id).first()
    if outage is None:
        raise NotFound(_("未找到该停电记录。"))
    return outage
