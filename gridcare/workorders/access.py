"""Who sees which work orders (WO-1..8), on top of gridcare.org.access.

95598 agents and company-wide roles see the company's orders; unit roles see their unit's orders;
hall roles see the orders of their hall; outsiders see nothing. Not-yours is "not found".
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from gridcare.core.exceptions import NotFound
from gridcare.org.access import Path, Reach, Scope
from gridcare.workorders.models import NewConnection, WorkOrder


def order_filter(scope: Scope, prefix: str = "") -> Q:
    """The orders ``scope`` may see; ``prefix`` leads from another model to the order."""
    p = prefix
    path = Path(company=f"{p}company_id", unit=f"{p}supply_unit_id", hall=f"{p}hall_id", company_always=True)
    return scope.filter(Reach.ORDERS, path)


def order_get_for_scope(*, scope: Scope, number: str) -> WorkOrder:
    order = (
        WorkOrder.objects.filter(order_filter(scope), number=number)
        .select_related(
            "owner", "supply_unit", "hall", "account", "incident", "transformer_area", "feeder", "complaint_cause"
        )
        .first()
    )
    if order is None:
        raise NotFound(_("未找到工单 %(no)s。") % {"no": number})
    return order


def connection_filter(scope: Scope) -> Q:
    """New connections: company-wide roles see the company's, everyone else their unit's."""
    return scope.filter(Reach.CONNECTIONS, Path(company="company_id", unit="supply_unit_id", company_always=True))


def connection_get_for_scope(*, scope: Scope, number: str) -> NewConnection:
    connection = NewConnection.objects.filter(connection_filter(scope), number=number).first()
    if connection is None:
        raise NotFound(_("未找到报装申请 %(no)s。") % {"no": number})
    return connection
