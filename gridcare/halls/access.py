"""Turning a hall code, counter id or ticket id from a request into an object, for this caller only.

Outside the caller's scope (gridcare.org.access) objects are "not found", exactly like missing
ones. Inside it, a post that may look but not act gets "forbidden" (gridcare.org.access.require).
The hall's own screens (kiosk, board, pad) are no staff: they are registered devices identified
by their credential (``device_for_secret``, ``request_device``), and reach only their own screen
and endpoints.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.core.exceptions import NotFound
from gridcare.core.sql import Columns, cache_related, fetch
from gridcare.core.tokens import token_digest
from gridcare.halls.home_selectors import home_visit_filter, round_filter
from gridcare.halls.models import (
    BusinessType,
    DeviceKind,
    HallDevice,
    HallPolicy,
    HomeVisit,
    MobileRoundStop,
    Terminal,
    Ticket,
)
from gridcare.org.access import Scope
from gridcare.org.models import Counter, Hall, SupplyUnit

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
            return hall  # type: ignore[no-any-return]  # Columns.load returns the model row as Any
    raise NotFound(_("未找到营业厅 %(code)s。") % {"code": code})


def counter_get_for_scope(*, scope: Scope, counter_id: int) -> Counter:
    rows = _read_hall("k.id = %s", [counter_id], lead=(_COUNTER,))
    if rows:
        counter, hall, company_id = _load(rows[0], (_COUNTER,))
        if _visible(scope, hall, company_id):
            cache_related(counter, "hall", hall)
            return counter  # type: ignore[no-any-return]  # Columns.load returns the model row as Any
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
            return ticket  # type: ignore[no-any-return]  # Columns.load returns the model row as Any
    raise NotFound(_("未找到排队号 %(id)s。") % {"id": ticket_id})


def terminal_get_for_scope(*, scope: Scope, terminal_id: int) -> Terminal:
    terminal = Terminal.objects.filter(scope.hall_filter(), pk=terminal_id).select_related("hall").first()
    if terminal is None:
        raise NotFound(_("未找到自助终端 %(id)s。") % {"id": terminal_id})
    return terminal


# --- the hall's devices ------------------------------------------------------------------------

DEVICE_COOKIE = "gridcare_device"
DEVICE_COOKIE_SALT = "gridcare.halls.device"
_SEEN_EVERY = 60  # seconds: last_seen_at is touched at most once a minute (boards poll every second)


def device_for_secret(secret: str) -> HallDevice | None:
    """The live (paired, not revoked) device holding ``secret``, with its hall and counter."""
    if not secret or len(secret) > 200:
        return None
    device = (
        HallDevice.objects.filter(credential_digest=token_digest(secret), revoked_at__isnull=True)
        .select_related("hall", "hall__queue_policy", "counter")
        .first()
    )
    if device is not None:
        at = timezone.now()
        if device.last_seen_at is None or (at - device.last_seen_at).total_seconds() >= _SEEN_EVERY:
            HallDevice.objects.filter(pk=device.pk).update(last_seen_at=at)
            device.last_seen_at = at
    return device


_NO_DEVICE = object()


def device_cookie_seconds() -> int:
    return int(settings.GRIDCARE_HALL_DEVICES["COOKIE_DAYS"]) * 86400


def request_device(request: HttpRequest) -> HallDevice | None:
    """The device a page request comes from: the signed device cookie set when its browser was
    paired (gridcare.halls.views.device_pair), read once per request."""
    cached = getattr(request, "_gridcare_device", _NO_DEVICE)
    if cached is _NO_DEVICE:
        secret = request.get_signed_cookie(
            DEVICE_COOKIE, default=None, salt=DEVICE_COOKIE_SALT, max_age=device_cookie_seconds()
        )
        cached = device_for_secret(secret) if isinstance(secret, str) else None
        request._gridcare_device = cached  # type: ignore[attr-defined]  # a per-request cache on HttpRequest
    return cached  # type: ignore[return-value]  # the cache holds a device or None once set


def device_serves(
    device: HallDevice, kind: DeviceKind, *, hall_code: str | None = None, counter_id: int | None = None
) -> bool:
    """Whether ``device`` is the ``kind`` of screen for that hall (and counter, for a pad)."""
    if device.kind != kind:
        return False
    if hall_code is not None and device.hall.code != hall_code:
        return False
    return counter_id is None or device.counter_id == counter_id


def ticket_get_for_device(*, device: HallDevice, ticket_id: int) -> Ticket:
    """A ticket of the device's own hall; any other is "not found"."""
    ticket = Ticket.objects.filter(hall_id=device.hall_id, pk=ticket_id).select_related("business_type").first()
    if ticket is None:
        raise NotFound(_("未找到排队号 %(id)s。") % {"id": ticket_id})
    return ticket


def device_get_for_scope(*, scope: Scope, hall: Hall, device_id: int) -> HallDevice:
    """A device of ``hall`` (already fetched for this caller), for the manager's devices page."""
    device = HallDevice.objects.filter(scope.hall_filter(), hall=hall, pk=device_id).select_related("counter").first()
    if device is None:
        raise NotFound(_("未找到设备 %(id)s。") % {"id": device_id})
    return device


# --- the ticket's own status page (the QR on the kiosk slip) -----------------------------------
# A signed ticket id, so the page's address cannot be guessed from another ticket's; it shows
# the number, the business and the people ahead, never a phone or an account.
_TICKET_LINK_SALT = "gridcare.halls.ticket-status"


def ticket_link_token(ticket: Ticket) -> str:
    return signing.dumps(ticket.pk, salt=_TICKET_LINK_SALT)


def ticket_for_link(token: str, *, today: date) -> Ticket:
    """The ticket of a status link, only on the day it was taken (NotFound otherwise)."""
    try:
        ticket_id = signing.loads(token[:200], salt=_TICKET_LINK_SALT)
    except signing.BadSignature:
        raise NotFound(_("排队号链接无效。")) from None
    ticket = Ticket.objects.select_related("hall", "business_type").filter(pk=ticket_id, day=today).first()
    if ticket is None:
        raise NotFound(_("该排队号已过期：排队号只在取号当天有效。"))
    return ticket


# --- home service (上门服务) and the mobile service rounds (流动服务车) ----------------------------


def home_visit_get_for_scope(*, scope: Scope, visit_id: int) -> HomeVisit:
    """A home visit in the caller's reach (home_selectors.home_visit_filter); missing and
    not-yours are the same 404."""
    visit = None
    if isinstance(visit_id, int) and 0 < visit_id < 2**63:
        visit = (
            HomeVisit.objects.filter(home_visit_filter(scope), pk=visit_id)
            .select_related("hall", "account", "clerk", "account__transformer_area")
            .first()
        )
    if visit is None:
        raise NotFound(_("未找到该上门服务。"))
    return visit


def round_stop_get_for_scope(*, scope: Scope, stop_id: int) -> MobileRoundStop:
    """A stop of a unit the caller keeps the timetable of; any other is a 404."""
    stop = None
    if isinstance(stop_id, int) and 0 < stop_id < 2**63:
        stop = MobileRoundStop.objects.filter(round_filter(scope), pk=stop_id).select_related("unit", "area").first()
    if stop is None:
        raise NotFound(_("未找到该站点。"))
    return stop
