"""What the portal's hall pages and the app's hall API share (HALL-2, issue 15): the halls a
customer chooses from, the business taken remotely with each one's queue, the customer's tickets
and appointments as they read them. Everything is read through the halls app's selectors and
found by the customer's own phone: another customer's ticket or appointment is a 404."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _

from gridcare.assessment.selectors_stars import hall_stars
from gridcare.core.calendar import is_working_day
from gridcare.core.exceptions import InvalidInput, NotFound
from gridcare.core.timezone import business_date, now
from gridcare.customers.models import Account
from gridcare.halls import selectors as halls
from gridcare.halls.models import Appointment, AppointmentStatus, Rating, Ticket, TicketStatus
from gridcare.halls.rules import appointment_rules, check_in_window, clock_text, remote_rules
from gridcare.halls.services.remote import REMOTE_KINDS, holder_ticket
from gridcare.halls.services.tickets import hall_closed_notice
from gridcare.org.models import Hall
from gridcare.portal import selectors
from gridcare.portal.models import PortalUser

HALL_CODE_MAX = 20
TICKET_DAYS = 30  # the visits a customer sees: this many days back


def hall_of(code: object) -> Hall:
    """A hall by its code (any hall: customers go to any of them); unknown is a 404."""
    text = str(code)
    hall = None
    if text.isascii() and text.isprintable() and 0 < len(text) <= HALL_CODE_MAX:
        hall = Hall.objects.filter(code=text).first()
    if hall is None:
        raise NotFound(_("没有找到这个营业厅。"))
    return hall


def hall_field(code: str) -> Hall:
    """``hall_of`` for a hall named in a form or a body: unknown is the field's error (422)."""
    try:
        return hall_of(code)
    except NotFound as exc:
        raise InvalidInput(exc.message, errors={"hall": str(exc.message)}) from None


@dataclass(frozen=True)
class HallCard:
    code: str
    name: str
    address: str
    opens_at: str
    closes_at: str
    open_now: bool
    closed_notice: str  # when closed: when it opens next (the kiosk's sentence)
    waiting: int
    stars: str = ""  # the hall's latest star rating, published (公示): "★★★★☆ 四星营业厅（2026年11月）"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def hall_cards(customer: PortalUser) -> list[HallCard]:
    """Every hall, those of the customer's own supply units first."""
    units = [b.account.supply_unit_id for b in selectors.bindings(customer)]
    halls_by_code = {h.code: h for h in Hall.objects.all()}
    stars = hall_stars(h.pk for h in halls_by_code.values())
    cards = []
    for line in halls.hall_lines(first_units=units):
        closed = "" if line.open_now else hall_closed_notice(halls_by_code[line.code]) or ""
        published = stars.get(halls_by_code[line.code].pk)
        cards.append(HallCard(**asdict(line), closed_notice=closed, stars=published.text if published else ""))
    return cards


@dataclass(frozen=True)
class TypeCard:
    kind: str
    name: str
    waiting: int
    estimated_wait_minutes: int


def hall_detail(hall: Hall) -> tuple[HallCard, list[TypeCard]]:
    """One hall's card and the business a customer may queue for remotely there, each with its
    line now and the halls' wait estimate (HALL-5)."""
    queue = halls.hall_queue(hall)
    closed = hall_closed_notice(hall)
    card = HallCard(
        code=hall.code,
        name=hall.name,
        address=hall.address,
        opens_at=clock_text(hall.opens_at),
        closes_at=clock_text(hall.closes_at),
        open_now=closed is None,
        closed_notice=closed or "",
        waiting=queue.waiting,
        stars=published.text if (published := hall_stars([hall.pk]).get(hall.pk)) else "",
    )
    types = [
        TypeCard(kind=t.kind, name=t.name, waiting=t.waiting, estimated_wait_minutes=t.estimated_wait_minutes)
        for t in queue.types
        if t.kind in REMOTE_KINDS
    ]
    return card, types


def bound_or_none(customer: PortalUser, account_no: str) -> Account | None:
    """The bound account chosen in a form or a body (empty: none); any other is the field's error."""
    if not account_no.strip():
        return None
    try:
        return selectors.bound_account(customer, account_no.strip())
    except NotFound:
        message = _("请选择您已绑定的户号。")
        raise InvalidInput(message, errors={"account_no": message}) from None


def hall_and_account(customer: PortalUser, hall: str, account_no: str) -> tuple[Hall, Account | None]:
    """The hall and the bound account named in a body, each bad one on its field (all at once)."""
    errors: dict[str, str] = {}
    found_hall: Hall | None = None
    account: Account | None = None
    try:
        found_hall = hall_field(hall)
    except InvalidInput as exc:
        errors |= {k: str(v) for k, v in exc.errors.items()}
    try:
        account = bound_or_none(customer, account_no)
    except InvalidInput as exc:
        errors |= {k: str(v) for k, v in exc.errors.items()}
    if errors or found_hall is None:
        raise InvalidInput(_("提交的数据有误。"), errors=errors)
    return found_hall, account


def account_choices(customer: PortalUser) -> list[tuple[str, str]]:
    return [
        (b.account.account_no, f"{b.account.account_no} · {b.account.address}") for b in selectors.bindings(customer)
    ]


# --- the customer's tickets ----------------------------------------------------------------------


def my_ticket(customer: PortalUser, ticket_id: int) -> Ticket:
    return holder_ticket(phone=customer.phone, ticket_id=ticket_id)


def my_tickets(customer: PortalUser) -> list[Ticket]:
    return list(halls.tickets_of_holder(customer.phone, since=business_date() - timedelta(days=TICKET_DAYS)))


def _evaluation(ticket: Ticket) -> Any:
    try:
        return ticket.evaluation
    except Ticket.evaluation.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
        return None


def ticket_card(ticket: Ticket) -> dict[str, Any]:
    """A ticket as its holder reads it: where they stand and how long, what they may do."""
    view = halls.ticket_view(ticket).as_dict()
    evaluation = _evaluation(ticket)
    rateable = (
        ticket.status == TicketStatus.FINISHED
        and evaluation is None
        and ticket.finished_at is not None
        and now() - ticket.finished_at <= timedelta(days=remote_rules().rating_days)
    )
    return view | {
        "hall": ticket.hall.code,
        "hall_name": ticket.hall.name,
        "day": ticket.day,
        "status_label": str(TicketStatus(ticket.status).label),
        "today": ticket.day == business_date(),
        "can_cancel": ticket.status == TicketStatus.WAITING,
        "counter_number": ticket.counter.number if ticket.counter and ticket.status == TicketStatus.CALLED else None,
        "can_rate": rateable,
        "rating": evaluation.rating if evaluation is not None else None,
        "rating_label": str(Rating(evaluation.rating).label) if evaluation is not None else "",
    }


RATING_CHOICES = Rating.choices


# --- the customer's appointments -----------------------------------------------------------------


def my_appointment(customer: PortalUser, reference: str) -> Appointment:
    found = halls.appointment_of_holder(customer.phone, str(reference))
    if found is None:
        raise NotFound(_("未找到预约号 %(ref)s。") % {"ref": str(reference)[:20]})
    return found


def my_appointments(customer: PortalUser) -> list[Appointment]:
    return list(halls.appointments_of_holder(customer.phone, since=business_date() - timedelta(days=TICKET_DAYS)))


def appointment_card(appointment: Appointment, at: datetime | None = None) -> dict[str, Any]:
    at = at or now()
    closes = check_in_window(appointment.day, appointment.starts_at, appointment.ends_at, appointment_rules())[1]
    return {
        "reference": appointment.reference,
        "hall": appointment.hall.code,
        "hall_name": appointment.hall.name,
        "hall_address": appointment.hall.address,
        "business_type": appointment.business_type.kind,
        "business_type_name": appointment.business_type.name,
        "date": appointment.day,
        "start": clock_text(appointment.starts_at),
        "end": clock_text(appointment.ends_at),
        "status": appointment.status,
        "status_label": str(AppointmentStatus(appointment.status).label),
        "account_no": appointment.account.account_no if appointment.account else "",
        "ticket_number": appointment.ticket.number if appointment.ticket else "",
        "can_cancel": appointment.status == AppointmentStatus.BOOKED and at <= closes,
    }


def bookable_days() -> list[date]:
    """The days a booking may take: working days from tomorrow up to the rules' days ahead."""
    today = business_date()
    ahead = appointment_rules().days_ahead
    return [d for d in (today + timedelta(days=n) for n in range(1, ahead + 1)) if is_working_day(d)]


def booking_kind(kind: str) -> str:
    """A business a customer may book (key accounts go through their account manager)."""
    if kind not in REMOTE_KINDS:
        message = _("该业务不能在网上预约，请到营业厅办理。")
        raise InvalidInput(message, errors={"business_type": message})
    return kind
