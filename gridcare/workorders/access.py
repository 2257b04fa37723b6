"""Who sees which work orders (WO-1..8), on top of gridcare.org.access.

95598 agents and company-wide roles see the company's orders; unit roles see their unit's orders;
hall roles see the orders of their hall; outsiders see nothing. Not-yours is "not found".
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from gridcare.core.exceptions import NotFound
from gridcare.org.access import Scope
from gridcare.org.models import HALL_ROLES, Role
from gridcare.workorders.models import NewConnection, WorkOrder

# Who records a call-back (回访): the 95598 centre and supervision.
CALLBACK_ROLES = frozenset({Role.AGENT_95598, Role.SUPERVISOR, Role.ADMINISTRATOR})
# Who records a complaint found true against a staff member (WO-7).
VERIFY_ROLES = frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR})
# Who may hand an order over besides its owner.
HANDOVER_ROLES = frozenset({Role.SUPERVISOR, Role.HALL_MANAGER, Role.ADMINISTRATOR})
# Who confirms that a fault incident is an outage of its 台区/feeder (WO-4).
CONFIRM_ROLES = frozenset({Role.AGENT_95598, Role.SUPERVISOR, Role.PLANNER, Role.ADMINISTRATOR})
# Who sees the figures pages.
FIGURES_ROLES = frozenset({Role.SUPERVISOR, Role.HALL_MANAGER, Role.AGENT_95598, Role.PLANNER, Role.ADMINISTRATOR})


def order_filter(scope: Scope, prefix: str = "") -> Q:
    """The orders ``scope`` may see; ``prefix`` leads from another model to the order."""
    if scope.everything:
        return Q()
    if scope.staff is None or scope.company_id is None:
        return Q(pk__in=[])
    company = Q(**{f"{prefix}company_id": scope.company_id})
    if scope.staff.role in HALL_ROLES:
        return company & Q(**{f"{prefix}hall_id": scope.hall_id})
    if scope.unit_id is None or scope.staff.role == Role.AGENT_95598:
        return company
    return company & Q(**{f"{prefix}supply_unit_id": scope.unit_id})


def order_get_for_scope(*, scope: Scope, number: str) -> WorkOrder:
    order = (
        WorkOrder.objects.filter(order_filter(scope), number=number)
        .select_related("owner", "supply_unit", "hall", "account", "incident", "transformer_area", "feeder")
        .first()
    )
    if order is None:
        raise NotFound(_("未找到工单 %(no)s。") % {"no": number})
    return order


def connection_filter(scope: Scope) -> Q:
    """New connections: company-wide roles see the company's, everyone else their unit's."""
    if scope.everything:
        return Q()
    if scope.staff is None or scope.company_id is None:
        return Q(pk__in=[])
    company = Q(company_id=scope.company_id)
    if scope.unit_id is None or scope.staff.role == Role.AGENT_95598:
        return company
    return company & Q(supply_unit_id=scope.unit_id)


def connection_get_for_scope(*, scope: Scope, number: str) -> NewConnection:
    connection = NewConnection.objects.filter(connection_filter(scope), number=number).first()
    if connection is None:
        raise NotFound(_("未找到报装申请 %(no)s。") % {"no": number})
    return connection
