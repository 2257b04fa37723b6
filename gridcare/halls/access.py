"""Turning a hall code, counter id or ticket id from a request into an object, for this caller only.

Outside the caller's scope (gridcare.org.access) objects are "not found", exactly like missing
ones. Inside it, a role that may look but not act gets "forbidden".
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from gridcare.core.exceptions import Forbidden, NotFound
from gridcare.core.sql import Columns, cache_related, fetch
from gridcare.halls.models import BusinessType, HallPolicy, Terminal, Ticket
from gridcare.org.access import Scope
from gridcare.org.models import HALL_ROLES, Counter, Hall, Role, SupplyUnit

# Who may do what in a hall (administrators may do everything).
ISSUE_ROLES = frozenset(HALL_ROLES)
CALL_ROLES = frozenset({Role.COUNTER_CLERK, Role.HALL_MANAGER})
MANAGE_ROLES = frozenset({Role.HALL_MANAGER})


def require_role(scope: Scope, roles: frozenset[Role]) -> None:
    if not scope.has_role(roles):
        raise Forbidden(_("您的岗位不能办理此操作。"))


# The three lookups below run on every kiosk and counter request: hand-written reads
# (gridcare.core.sql), each one query with everything the request goes on to use, and the scope
# checked on the row read (Scope.sees_hall, tested equal to Scope.hall_filter).
_HALL = Columns(Hall, "h")
_POLICY = Columns(HallPolicy, "p")
_COUNTER = Columns(Counter, "k")
_TICKET = Columns(Ticket, "t")
_TYPE = Columns(BusinessType, "b")


def _read_hall(where: str, params: list[Any], *, lead: tuple[Columns[Any], ...] = (), joins: str = "") -> list[Any]:
    """Rows of ``lead`` columns, then the hall, its queue policy (or None) and the unit's
    company id; returns [*lead instances, hall] or [] when nothing matched or the caller may not
    see the hall."""
    quote = connection.ops.quote_name
    select = ", ".join([*(c.sql(connection) for c in lead), _HALL.sql(connection), _POLICY.sql(connection)])
    source = f"{quote(_HALL.table)} h"
    if lead:
        first = lead[0]
        source = f"{quote(first.table)} {first.alias} {joins}JOIN {source} ON h.id = {first.alias}.hall_id"
    return fetch(
        f"SELECT {select}, u.company_id FROM {source} "  # noqa: S608 - names from model metadata, values as parameters
        f"JOIN {quote(SupplyUnit._meta.db_table)} u ON u.id = h.unit_id "
        f"LEFT JOIN {quote(_POLICY.table)} p ON p.hall_id = h.id WHERE {where}",
        params,
    )


def _load(row: Any, lead: tuple[Columns[Any], ...]) -> list[Any]:
    at, loaded = 0, []
    columns: Columns[Any]
    for columns in (*lead, _HALL, _POLICY):
        loaded.append(columns.load(row, at, connection))
        at += len(columns)
    hall, policy = loaded[-2], loaded[-1]
    assert hall is not None  # an inner join
    cache_related(hall, "queue_policy", policy)
    return [*loaded[:-2], hall, row[at]]


def _visible(scope: Scope, hall: Hall, company_id: int) -> bool:
    return scope.sees_hall(hall_id=hall.pk, unit_id=hall.unit_id, company_id=company_id)


def hall_get_for_scope(*, scope: Scope, code: str) -> Hall:
    rows = _read_hall("h.code = %s", [code])
    if rows:
        hall, company_id = _load(rows[0], ())
        if _visible(scope, hall, company_id):
            return hall  # type: ignore[no-any-return]
    raise NotFound(_("未找到营业厅 %(code)s。") % {"code": code})


def counter_get_for_scope(*, scope: Scope, counter_id: int) -> Counter:
    rows = _read_hall("k.id = %s", [counter_id], lead=(_COUNTER,))
    if rows:
        counter, hall, company_id = _load(rows[0], (_COUNTER,))
        if _visible(scope, hall, company_id):
            cache_related(counter, "hall", hall)
            return counter  # type: ignore[no-any-return]
    raise NotFound(_("未找到窗口 %(id)s。") % {"id": counter_id})


def ticket_get_for_scope(*, scope: Scope, ticket_id: int) -> Ticket:
    quote = connection.ops.quote_name
    joins = (
        f"JOIN {quote(_TYPE.table)} b ON b.id = t.business_type_id "
        f"LEFT JOIN {quote(_COUNTER.table)} k ON k.id = t.counter_id "
    )
    lead = (_TICKET, _TYPE, _COUNTER)
    rows = _read_hall("t.id = %s", [ticket_id], lead=lead, joins=joins)
    if rows:
        ticket, business_type, counter, hall, company_id = _load(rows[0], lead)
        if _visible(scope, hall, company_id):
            cache_related(ticket, "business_type", business_type)
            cache_related(ticket, "counter", counter)
            cache_related(ticket, "hall", hall)
            return ticket  # type: ignore[no-any-return]
    raise NotFound(_("未找到排队号 %(id)s。") % {"id": ticket_id})


def terminal_get_for_scope(*, scope: Scope, terminal_id: int) -> Terminal:
    terminal = Terminal.objects.filter(scope.hall_filter(), pk=terminal_id).select_related("hall").first()
    if terminal is None:
        raise NotFound(_("未找到自助终端 %(id)s。") % {"id": terminal_id})
    return terminal
