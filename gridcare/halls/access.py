"""Turning a hall code, counter id or ticket id from a request into an object, for this caller only.

Outside the caller's scope (gridcare.org.access) objects are "not found", exactly like missing
ones. Inside it, a role that may look but not act gets "forbidden".
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from gridcare.core.exceptions import Forbidden, NotFound
from gridcare.halls.models import Terminal, Ticket
from gridcare.org.access import Scope
from gridcare.org.models import HALL_ROLES, Counter, Hall, Role

# Who may do what in a hall (administrators may do everything).
ISSUE_ROLES = frozenset(HALL_ROLES)
CALL_ROLES = frozenset({Role.COUNTER_CLERK, Role.HALL_MANAGER})
MANAGE_ROLES = frozenset({Role.HALL_MANAGER})


def require_role(scope: Scope, roles: frozenset[Role]) -> None:
    if not scope.has_role(roles):
        raise Forbidden(_("您的岗位不能办理此操作。"))


def hall_get_for_scope(*, scope: Scope, code: str) -> Hall:
    hall = Hall.objects.filter(scope.hall_filter(""), code=code).first()
    if hall is None:
        raise NotFound(_("未找到营业厅 %(code)s。") % {"code": code})
    return hall


def counter_get_for_scope(*, scope: Scope, counter_id: int) -> Counter:
    counter = Counter.objects.filter(scope.hall_filter(), pk=counter_id).select_related("hall").first()
    if counter is None:
        raise NotFound(_("未找到窗口 %(id)s。") % {"id": counter_id})
    return counter


def ticket_get_for_scope(*, scope: Scope, ticket_id: int) -> Ticket:
    ticket = Ticket.objects.filter(scope.hall_filter(), pk=ticket_id).select_related("hall", "business_type").first()
    if ticket is None:
        raise NotFound(_("未找到排队号 %(id)s。") % {"id": ticket_id})
    return ticket


def terminal_get_for_scope(*, scope: Scope, terminal_id: int) -> Terminal:
    terminal = Terminal.objects.filter(scope.hall_filter(), pk=terminal_id).select_related("hall").first()
    if terminal is None:
        raise NotFound(_("未找到自助终端 %(id)s。") % {"id": terminal_id})
    return terminal
