"""Tickets taken away from the hall (线上取号, HALL-2): in the portal or the app, for the phone the
customer signed in with. The hall's own rules hold as at its kiosk — its opening hours and the
working-day calendar, the business it offers — and two more for a ticket taken from afar: one
waiting remote ticket per phone and hall, and a daily number per phone (``remote_rules``).

The holder (the phone the ticket was taken with) may cancel it while it waits, and rate the visit
once it is finished (one rating per ticket, the pad's or this one)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from gridcare.core.exceptions import Conflict, InvalidInput, NotFound
from gridcare.core.timezone import business_date, now
from gridcare.customers import rules as customer_rules
from gridcare.customers.models import Account
from gridcare.halls import rules
from gridcare.halls.exceptions import HallClosed
from gridcare.halls.models import Kind, Source, Ticket, TicketStatus
from gridcare.halls.selectors import policy_for, ticket_position
from gridcare.halls.services.tickets import (
    Action,
    _locked,
    hall_closed_notice,
    tell_near,
    ticket_issue,
    ticket_transition,
)
from gridcare.org.access import Scope
from gridcare.org.models import Hall

# The hall's issuing rules are checked here for a caller with no staff post: the customer's phone
# is the holder, and the portal has checked the account it passes is bound to the customer.
SYSTEM = Scope(staff=None, company_id=None, unit_id=None, hall_id=None, everything=True)

# Key accounts are served through their account manager and the hall's guide, not from the app.
REMOTE_KINDS = frozenset(Kind.values) - {Kind.KEY_ACCOUNT}


def _clean_phone(phone: str) -> str:
    try:
        return customer_rules.normalise_phone(phone)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, errors={"phone": str(exc.message)}) from None


def _refuse_kind(kind: str) -> None:
    if kind not in REMOTE_KINDS:
        message = _("该业务不能线上取号，请到营业厅办理。")
        raise InvalidInput(message, errors={"business_type": message})


def _refuse_more(hall: Hall, phone: str) -> None:
    """One waiting remote ticket per phone and hall; a few remote tickets per phone a day."""
    taken = Ticket.objects.filter(phone=phone, day=business_date(), source=Source.REMOTE)
    waiting = taken.filter(hall=hall, status=TicketStatus.WAITING).values_list("number", flat=True).first()
    if waiting is not None:
        raise Conflict(_waiting_sentence(hall, waiting))
    limit = rules.remote_rules().daily_limit
    if taken.count() >= limit:
        raise Conflict(_("每个手机号每天最多线上取号%(n)d次，今天的次数已用完，请到营业厅取号机取号。") % {"n": limit})


def _waiting_sentence(hall: Hall, number: str) -> str:
    return _("您已在%(hall)s取了%(number)s号，正在等候，不能重复取号。") % {"hall": hall.name, "number": number}


def remote_ticket_issue(*, hall: Hall, kind: str, phone: str, account: Account | None = None) -> Ticket:
    """Take a ticket for ``phone`` from afar: refused outside the hall's opening hours (saying when
    it opens), for business it does not offer (or not remotely), and past the limits above; each
    refusal writes nothing. A ticket already within the hall's "near" distance is told so at once
    (the message that otherwise comes when the queue moves up)."""
    clean_phone = _clean_phone(phone)
    _refuse_kind(kind)
    closed = hall_closed_notice(hall)
    if closed is not None:
        raise HallClosed(closed)
    with transaction.atomic():
        # Remote issues of a hall queue on its row, so one phone never holds two waiting places.
        Hall.objects.select_for_update().filter(pk=hall.pk).first()
        _refuse_more(hall, clean_phone)
        ticket = ticket_issue(
            scope=SYSTEM, actor=None, hall=hall, kind=kind, source=Source.REMOTE, phone=clean_phone, account=account
        )
        ahead = ticket_position(ticket)
        if ahead <= policy_for(hall).near_ahead:
            tell_near(hall, ticket, ahead=ahead, at=ticket.issued_at)
    return ticket


def holder_ticket(*, phone: str, ticket_id: int) -> Ticket:
    """A ticket taken with ``phone``; any other (or none) is the same 404."""
    found = (
        Ticket.objects.filter(pk=ticket_id, phone=phone).select_related("hall", "business_type").first()
        if phone and 0 < ticket_id < 2**63
        else None
    )
    if found is None:
        raise NotFound(_("未找到排队号 %(id)s。") % {"id": ticket_id})
    return found


@transaction.atomic
def ticket_cancel(*, ticket: Ticket, phone: str) -> Ticket:
    """The holder gives the ticket up while it waits (once called, it is the counter's): the
    ticket leaves the queue, its event says the customer cancelled it."""
    fresh = _locked(ticket)
    if not phone or fresh.phone != phone:
        raise NotFound(_("未找到排队号 %(id)s。") % {"id": ticket.pk})
    at = now()
    done = ticket_transition(
        ticket=fresh, action=Action.CANCEL, actor=None, at=at, changes={"finished_at": at}, by="customer"
    )
    ticket.status, ticket.finished_at = done.status, done.finished_at
    return ticket
