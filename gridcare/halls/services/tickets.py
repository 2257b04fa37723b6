"""Tickets (HALL-2, HALL-3): issuing, calling, and every move of the life cycle."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, cast

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Field, Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridcare.assessment.selectors import on_standby
from gridcare.core.calendar import is_working_day
from gridcare.core.events import actor_user
from gridcare.core.exceptions import InvalidInput, NotFound
from gridcare.core.sql import Columns, cache_related, fetch
from gridcare.core.timezone import SHANGHAI, business_date, now
from gridcare.customers import rules as customer_rules
from gridcare.customers.access import account_get_for_scope
from gridcare.customers.models import Account
from gridcare.halls import rules
from gridcare.halls.events import ticket_event
from gridcare.halls.exceptions import (
    CounterBusy,
    CounterNotOpen,
    HallClosed,
    InvalidTransition,
    NotThisDevice,
    NotYourCounter,
    OnStandby,
)
from gridcare.halls.models import (
    BusinessType,
    CounterSetup,
    CounterStatus,
    DeviceKind,
    HallDevice,
    Priority,
    Source,
    Ticket,
    TicketEvent,
    TicketSequence,
    TicketStatus,
)
from gridcare.halls.rules import as_waiting
from gridcare.halls.selectors import policy_for
from gridcare.halls.services.live import hall_changed
from gridcare.notices.services import notice_enqueue
from gridcare.org.access import Capability, Scope, can, require
from gridcare.org.models import Counter, Hall

Actor = User | AnonymousUser | None
Action = rules.Action

_REFUSALS = {
    Action.CALL: gettext_lazy("该号已不在等候中，不能叫号。"),
    Action.RECALL: gettext_lazy("只能重呼已叫到的号，该号当前为“%(status)s”。"),
    Action.NO_SHOW: gettext_lazy("只能对已叫到的号办理过号，该号当前为“%(status)s”。"),
    Action.FINISH: gettext_lazy("只能办结已叫到的号，该号当前为“%(status)s”。"),
    Action.TRANSFER: gettext_lazy("只能转移已叫到的号，该号当前为“%(status)s”。"),
    Action.CANCEL: gettext_lazy("只能取消等候中的号，该号当前为“%(status)s”。"),
}


# The reads of issuing and calling, on every kiosk and counter request, are hand-written
# (gridcare.core.sql): compiling their querysets cost more than everything else a request does.
_TYPE = Columns(BusinessType, "b")
_TICKET = Columns(Ticket, "t")
_SETUP = Columns(CounterSetup, "s")


def _for_update() -> str:
    return " FOR UPDATE" if connection.features.has_select_for_update else ""


def business_type_for(*, hall: Hall, kind: str) -> BusinessType:
    rows = fetch(
        f"SELECT {_TYPE.sql(connection)} FROM {_TYPE.table} b WHERE b.hall_id = %s AND b.kind = %s AND b.active",  # noqa: S608 - names from model metadata, values as parameters
        [hall.pk, kind],
    )
    business_type = _TYPE.load(rows[0], 0, connection) if rows else None
    if business_type is None:
        message = _("本厅未开办该业务。")
        raise InvalidInput(message, errors={"business_type": message})
    return business_type


_WEEKDAYS = (
    gettext_lazy("星期一"),
    gettext_lazy("星期二"),
    gettext_lazy("星期三"),
    gettext_lazy("星期四"),
    gettext_lazy("星期五"),
    gettext_lazy("星期六"),
    gettext_lazy("星期日"),
)


def _opening_words(opening: datetime, today: date) -> str:
    clock = f"{opening:%H:%M}"
    if opening.date() == today:
        return _("今天%(time)s") % {"time": clock}
    if opening.date() == today + timedelta(days=1):
        return _("明天%(time)s") % {"time": clock}
    return _("%(month)d月%(day)d日（%(weekday)s）%(time)s") % {
        "month": opening.month,
        "day": opening.day,
        "weekday": _WEEKDAYS[opening.weekday()],
        "time": clock,
    }


def hall_closed_notice(hall: Hall, at: datetime | None = None) -> str | None:
    """What the kiosk says outside the hall's opening hours (on its working days, from the
    working-day calendar): when it opens next. None while the hall is open."""
    local = (at or now()).astimezone(SHANGHAI)
    opening = rules.next_opening(local, opens=hall.opens_at, closes=hall.closes_at, working_day=is_working_day)
    if opening is None:
        return None
    return _("现在不在营业时间（%(opens)s-%(closes)s），暂停取号。本厅下次开门：%(when)s。") % {
        "opens": f"{hall.opens_at:%H:%M}",
        "closes": f"{hall.closes_at:%H:%M}",
        "when": _opening_words(opening, local.date()),
    }


def _clean_contact(scope: Scope, phone: str, account_no: str) -> tuple[str, Account | None]:
    errors: dict[str, str] = {}
    clean_phone, account = "", None
    if phone:
        try:
            clean_phone = customer_rules.normalise_phone(phone)
        except InvalidInput as exc:
            errors["phone"] = str(exc.message)
    if account_no:
        try:
            account = account_get_for_scope(scope=scope, account_no=account_no.strip())
        except NotFound as exc:
            errors["account_no"] = str(exc.message)
    if errors:
        raise InvalidInput(_("提交的数据有误。"), errors=errors)
    return clean_phone, account


_NEXT_SQL = f"UPDATE {TicketSequence._meta.db_table} SET last = last + 1 WHERE business_type_id = %s AND day = %s RETURNING last"  # noqa: S608 - names from model metadata, values as parameters


def _next_sequence(business_type: BusinessType, day: date) -> int:
    """Today's next number of a type. The row update serialises issuers of the same type; its
    RETURNING gives the number in the same statement (SQLite 3.35+ and PostgreSQL)."""
    for _attempt in range(3):
        with connection.cursor() as cursor:
            cursor.execute(_NEXT_SQL, [business_type.pk, day])
            row = cursor.fetchone()
        if row is not None:
            return int(row[0])
        try:
            with transaction.atomic():
                TicketSequence.objects.create(business_type=business_type, day=day, last=1)
        except IntegrityError:
            continue  # another issuer made today's row first; take the next number from it
        return 1
    raise RuntimeError("ticket sequence contention")  # pragma: no cover


@transaction.atomic
def ticket_issue(
    *,
    scope: Scope,
    actor: Actor,
    hall: Hall,
    kind: str,
    source: str,
    priority: str = Priority.NORMAL,
    phone: str = "",
    account_no: str = "",
    appointment_ref: str = "",
    device: HallDevice | None = None,
    account: Account | None = None,
) -> Ticket:
    """Take a ticket: the day's next number of the type (A001, A002 …). The kiosk issues none
    outside opening hours (409, saying when the hall opens).

    ``device``: the hall's own kiosk takes the ticket (no staff): normal or green channel only,
    never linked to an account by number. ``account``: one already checked by the caller (an
    appointment's), instead of ``account_no``."""
    if device is not None:
        priority = _kiosk_priority(device, hall, source, priority)
        account_no = ""
    else:
        require(scope, Capability.TICKET_ISSUE)
    if source == Source.KIOSK:
        closed = hall_closed_notice(hall)
        if closed is not None:
            raise HallClosed(closed)
    business_type = business_type_for(hall=hall, kind=kind)
    clean_phone, found = _clean_contact(scope, phone, account_no)
    account = account or found
    at = now()
    day = business_date(at)
    sequence = _next_sequence(business_type, day)
    ticket = Ticket.objects.create(
        hall=hall,
        business_type=business_type,
        day=day,
        number=rules.ticket_number(business_type.prefix, sequence),
        priority=Priority(priority),
        source=Source(source),
        phone=clean_phone,
        account=account,
        appointment_ref=appointment_ref.strip()[:30],
        issued_at=at,
    )
    extra: dict[str, Any] = {"device": device.pk} if device is not None else {}
    ticket_event(
        ticket=ticket, type=TicketEvent.Type.ISSUED, actor=actor, at=at, source=source, priority=priority, **extra
    )
    hall_changed(hall.pk)
    return ticket


# What a kiosk may issue: the classes a customer chooses at the touch screen (key accounts are the
# guide's; appointments come through the check-in).
KIOSK_PRIORITIES = frozenset({Priority.NORMAL, Priority.ELDERLY})


def _kiosk_priority(device: HallDevice, hall: Hall, source: str, priority: str) -> str:
    if device.kind != DeviceKind.KIOSK or device.hall_id != hall.pk or source not in (Source.KIOSK, Source.APPOINTMENT):
        raise NotThisDevice(_("该设备不能在本厅取号。"))
    if source == Source.APPOINTMENT:
        return Priority.APPOINTMENT
    if priority not in KIOSK_PRIORITIES:
        message = _("取号机只能取普通号或绿色通道号。")
        raise InvalidInput(message, errors={"priority": message})
    return priority


def ticket_transition(
    *,
    ticket: Ticket,
    action: rules.Action,
    actor: Actor,
    at: datetime,
    counter: Counter | None = None,
    changes: dict[str, Any] | None = None,
    **parameters: Any,
) -> Ticket:
    """The one way a ticket changes status: refuses moves the table does not allow, claims the
    row with a conditional UPDATE (so of two racing counters exactly one wins), writes the event.
    The event names ``counter`` (the one calling), else the counter the ticket was at."""
    changes = changes or {}
    counter = counter or ticket.counter
    to = rules.next_status(ticket.status, action)
    if to is None:
        raise InvalidTransition(str(_REFUSALS[action]) % {"status": ticket.get_status_display()})
    if not _claim(ticket, to, changes):
        raise InvalidTransition(_("该号的状态刚被他人改变，请刷新后重试。"))
    # The row now holds exactly what was written: set it on the object instead of reading it
    # back; only database expressions (recalls + 1) are read back.
    computed = [name for name, value in changes.items() if hasattr(value, "resolve_expression")]
    for name, value in changes.items():
        if name not in computed:
            setattr(ticket, name, value)
    ticket.status = to
    if computed:
        ticket.refresh_from_db(fields=computed)
    ticket_event(
        ticket=ticket,
        type=TicketEvent.Type(_EVENT_OF[action]),
        actor=actor,
        at=at,
        counter=counter,
        **parameters,
    )
    hall_changed(ticket.hall_id)
    return ticket


def _claim(ticket: Ticket, to: str, changes: dict[str, Any]) -> bool:
    """UPDATE the ticket to ``to`` with ``changes`` only if its status is still the one read;
    hand-written unless a change is a database expression (recalls + 1)."""
    if any(hasattr(value, "resolve_expression") for value in changes.values()):
        return bool(Ticket.objects.filter(pk=ticket.pk, status=ticket.status).update(status=to, **changes))
    quote = connection.ops.quote_name
    columns, params = [quote("status")], [to]
    for name, value in changes.items():
        field = cast("Field[Any, Any]", Ticket._meta.get_field(name))
        if isinstance(value, Model):
            value = value.pk
        columns.append(quote(field.column))
        params.append(field.get_db_prep_save(value, connection))
    assignments = ", ".join(f"{column} = %s" for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(Ticket._meta.db_table)} SET {assignments} WHERE id = %s AND status = %s",  # noqa: S608 - names from model metadata, values as parameters
            [*params, ticket.pk, ticket.status],
        )
        return bool(cursor.rowcount)


_EVENT_OF = {
    Action.CALL: TicketEvent.Type.CALLED,
    Action.RECALL: TicketEvent.Type.RECALLED,
    Action.NO_SHOW: TicketEvent.Type.NO_SHOW,
    Action.FINISH: TicketEvent.Type.FINISHED,
    Action.TRANSFER: TicketEvent.Type.TRANSFERRED,
    Action.CANCEL: TicketEvent.Type.CANCELLED,
}


# --- calling -------------------------------------------------------------------------------------


def _lock_setup(counter: Counter) -> CounterSetup:
    """The counter's set-up row, locked: one "call next" at a time per counter (on SQLite the
    transaction itself holds the write lock)."""
    return _lock_setup_serving(counter)[0]


def _lock_setup_serving(counter: Counter) -> tuple[CounterSetup, str | None]:
    """``_lock_setup`` and the number the counter is serving now (None), in one statement."""
    rows = fetch(
        f"SELECT {_SETUP.sql(connection)}, (SELECT MIN(c.number) FROM {_TICKET.table} c "  # noqa: S608 - names from model metadata, values as parameters
        f"WHERE c.counter_id = s.counter_id AND c.status = %s) FROM {_SETUP.table} s WHERE s.counter_id = %s"
        f"{_for_update()}",
        [TicketStatus.CALLED, counter.pk],
    )
    setup = _SETUP.load(rows[0], 0, connection) if rows else None
    if setup is None:
        raise CounterNotOpen(_("该窗口尚未设置办理业务。"))
    return setup, rows[0][len(_SETUP)]


def waiting_for_counter(*, counter: Counter, setup: CounterSetup, day: date) -> list[Ticket]:
    """Today's waiting tickets this counter may call: the types it serves, and tickets sent to it.
    Loaded with what calling one of them and answering with it needs, in one query."""
    rows = fetch(
        f"SELECT {_TICKET.sql(connection)}, {_TYPE.sql(connection)} FROM {_TICKET.table} t "  # noqa: S608 - names from model metadata, values as parameters
        f"JOIN {_TYPE.table} b ON b.id = t.business_type_id "
        "WHERE t.hall_id = %s AND t.day = %s AND t.status = %s AND ("
        "    (t.target_counter_id IS NULL AND t.business_type_id IN ("
        "        SELECT businesstype_id FROM halls_countersetup_business_types WHERE countersetup_id = %s))"
        "    OR t.target_counter_id = %s)",
        [counter.hall_id, connection.ops.adapt_datefield_value(day), TicketStatus.WAITING, setup.pk, counter.pk],
    )
    waiting = []
    for row in rows:
        ticket = _TICKET.load(row, 0, connection)
        assert ticket is not None
        cache_related(ticket, "business_type", _TYPE.load(row, len(_TICKET), connection))
        waiting.append(ticket)
    return waiting


# --- who operates a counter ----------------------------------------------------------------------


def _holder(setup: CounterSetup) -> int | None:
    """The clerk signed in at the counter: the one who opened it (or first worked it while nobody
    was); a closed counter is free."""
    return setup.clerk_id if setup.status != CounterStatus.CLOSED else None


def require_operator(*, scope: Scope, actor: Actor, setup: CounterSetup, counter: Counter) -> bool:
    """Refuse (403, nothing written) anyone but the clerk signed in at the counter and the hall
    manager (administrators too). A clerk at a free counter signs in there by this action (True:
    the caller records ``setup.clerk``), unless signed in at another counter of the hall. A person
    on standby (待岗, gridcare.assessment) signs in nowhere and works no counter but the one they
    were already signed in at, until a supervisor restores them."""
    require(scope, Capability.TICKET_CALL)
    me = getattr(actor, "pk", None)
    holder = _holder(setup)
    if me is not None and holder == me:
        return False
    if scope.staff is not None and on_standby(scope.staff):
        raise OnStandby(_("您处于待岗状态，恢复上岗前不能在窗口登录或叫号。"))
    if can(scope, Capability.HALL_MANAGE):
        return False
    if holder is not None or me is None:
        raise NotYourCounter(_("%(n)s号窗口已由其他营业员登录，您不能操作该窗口。") % {"n": counter.number})
    elsewhere = (
        CounterSetup.objects.filter(clerk_id=me)
        .exclude(status=CounterStatus.CLOSED)
        .exclude(pk=setup.pk)
        .values_list("counter__number", flat=True)
        .first()
    )
    if elsewhere is not None:
        raise NotYourCounter(
            _("您已在%(n)s号窗口登录，请先在该窗口关闭服务，再使用%(m)s号窗口。")
            % {"n": elsewhere, "m": counter.number}
        )
    return True


def _sign_in_at(setup: CounterSetup, actor: Actor, counter: Counter) -> None:
    setup.clerk = actor_user(actor)
    setup.save(update_fields=["clerk"])
    hall_changed(counter.hall_id)


def _require_ticket_operator(scope: Scope, actor: Actor, ticket: Ticket) -> None:
    """A called ticket is worked only by whoever may operate its counter."""
    require(scope, Capability.TICKET_CALL)
    if ticket.counter_id is None:
        return  # not at a counter: the transition table refuses every move (409)
    setup = CounterSetup.objects.filter(counter_id=ticket.counter_id).select_related("counter").first()
    if setup is None:
        return
    if require_operator(scope=scope, actor=actor, setup=setup, counter=setup.counter):
        _sign_in_at(setup, actor, setup.counter)


def counter_call_next(*, scope: Scope, actor: Actor, counter: Counter) -> Ticket | None:
    """Call the next ticket for ``counter`` by the calling policy (HALL-3); None when nobody waits.
    Only the clerk signed in at the counter, or the hall manager, may call (403 otherwise)."""
    require(scope, Capability.TICKET_CALL)
    with transaction.atomic():
        setup, serving = _lock_setup_serving(counter)
        signs_in = require_operator(scope=scope, actor=actor, setup=setup, counter=counter)
        if setup.status != CounterStatus.OPEN:
            raise CounterNotOpen(_("窗口当前为“%(status)s”，不能叫号。") % {"status": setup.get_status_display()})
        if serving is not None:
            raise CounterBusy(_("请先办结或过号当前的%(number)s号。") % {"number": serving})
        at = now()
        ageing = timedelta(minutes=policy_for(counter.hall).ageing_minutes)
        waiting = {t.id: t for t in waiting_for_counter(counter=counter, setup=setup, day=business_date(at))}
        for candidate in rules.call_order(map(as_waiting, waiting.values()), now=at, ageing=ageing):
            try:
                ticket = _call(waiting[candidate.id], counter=counter, actor=actor, at=at)
            except InvalidTransition:
                continue  # another counter called it a moment ago: take the next one
            if signs_in:
                _sign_in_at(setup, actor, counter)
            del waiting[ticket.id]
            _notify_near(counter.hall, list(waiting.values()), at=at, ageing=ageing)
            return ticket
    return None


def _call(ticket: Ticket, *, counter: Counter, actor: Actor, at: datetime) -> Ticket:
    return ticket_transition(
        ticket=ticket,
        action=Action.CALL,
        actor=actor,
        at=at,
        counter=counter,
        changes={
            "counter": counter,
            "clerk": actor_user(actor),
            "called_at": at,
            "first_called_at": ticket.first_called_at or at,
            "target_counter": None,
            "recalls": 0,
        },
        counter_number=counter.number,
    )


def _notify_near(hall: Hall, waiting: list[Ticket], *, at: datetime, ageing: timedelta) -> None:
    """Tell customers who left a phone that their turn is near (HALL-5), once per ticket."""
    near = policy_for(hall).near_ahead
    positions = rules.queue_positions(map(as_waiting, waiting), now=at, ageing=ageing)
    for ticket in waiting:
        ahead = positions[ticket.id]
        if not ticket.phone or ticket.near_notified_at is not None or ahead > near:
            continue
        tell_near(hall, ticket, ahead=ahead, at=at)


def tell_near(hall: Hall, ticket: Ticket, *, ahead: int, at: datetime) -> None:
    """The "your turn is near" message of one ticket, once (its dedupe key), and its event."""
    notice_enqueue(
        template_code="queue_near",
        variables={"hall": hall.name, "number": ticket.number, "ahead": ahead},
        recipient=ticket.phone,
        dedupe_key=f"queue_near:{ticket.pk}",
    )
    Ticket.objects.filter(pk=ticket.pk).update(near_notified_at=at)
    ticket.near_notified_at = at
    ticket_event(ticket=ticket, type=TicketEvent.Type.NEAR_NOTIFIED, actor=None, at=at, ahead=ahead)


# --- at the counter ------------------------------------------------------------------------------


def _locked(ticket: Ticket) -> Ticket:
    """The ticket read again under its row lock (only its own row: not the hall's or the type's,
    which every counter of the hall shares). Hall, type and counter already loaded on ``ticket``
    are kept when the fresh row still points at them."""
    rows = fetch(f"SELECT {_TICKET.sql(connection)} FROM {_TICKET.table} t WHERE t.id = %s{_for_update()}", [ticket.pk])  # noqa: S608 - names from model metadata, values as parameters
    fresh = _TICKET.load(rows[0], 0, connection) if rows else None
    if fresh is None:
        raise NotFound(_("未找到排队号 %(id)s。") % {"id": ticket.pk})
    for name in ("hall", "business_type", "counter"):
        known = ticket._state.fields_cache.get(name)
        if known is not None and known.pk == getattr(fresh, f"{name}_id"):
            cache_related(fresh, name, known)
    return fresh


@transaction.atomic
def ticket_recall(*, scope: Scope, actor: Actor, ticket: Ticket) -> Ticket:
    require(scope, Capability.TICKET_CALL)
    ticket = _locked(ticket)
    _require_ticket_operator(scope, actor, ticket)
    limit = policy_for(ticket.hall).max_recalls
    if ticket.status == TicketStatus.CALLED and ticket.recalls >= limit:
        raise InvalidTransition(_("已重呼%(n)d次，请按过号处理。") % {"n": limit})
    return ticket_transition(
        ticket=ticket,
        action=Action.RECALL,
        actor=actor,
        at=now(),
        changes={"recalls": F("recalls") + 1},
        counter_number=ticket.counter.number if ticket.counter else None,
    )


@transaction.atomic
def ticket_no_show(*, scope: Scope, actor: Actor, ticket: Ticket) -> Ticket:
    require(scope, Capability.TICKET_CALL)
    ticket = _locked(ticket)
    _require_ticket_operator(scope, actor, ticket)
    at = now()
    return ticket_transition(ticket=ticket, action=Action.NO_SHOW, actor=actor, at=at, changes={"finished_at": at})


@transaction.atomic
def ticket_finish(*, scope: Scope, actor: Actor, ticket: Ticket, outcome: str = "") -> Ticket:
    require(scope, Capability.TICKET_CALL)
    outcome = outcome.strip()
    if len(outcome) > 200:
        raise InvalidInput(_("办理结果最多200字。"), errors={"outcome": _("办理结果最多200字。")})
    ticket = _locked(ticket)
    _require_ticket_operator(scope, actor, ticket)
    at = now()
    return ticket_transition(
        ticket=ticket,
        action=Action.FINISH,
        actor=actor,
        at=at,
        changes={"finished_at": at, "outcome": outcome},
        outcome=outcome,
    )


@transaction.atomic
def ticket_transfer(
    *, scope: Scope, actor: Actor, ticket: Ticket, kind: str | None = None, counter_id: int | None = None
) -> Ticket:
    """Send a called ticket to another business type or to one counter. It keeps its number and
    its time of issue, so it is called soon rather than queueing again from the back."""
    require(scope, Capability.TICKET_CALL)
    if (kind is None) == (counter_id is None):
        message = _("请选择转往的业务类型或窗口（二选一）。")
        raise InvalidInput(message, errors={"business_type": message})
    ticket = _locked(ticket)
    _require_ticket_operator(scope, actor, ticket)
    changes: dict[str, Any] = {"counter": None, "clerk": None, "called_at": None, "recalls": 0}
    if kind is not None:
        business_type = business_type_for(hall=ticket.hall, kind=kind)
        changes |= {"business_type": business_type, "target_counter": None}
        target: dict[str, Any] = {"business_type": business_type.kind}
    else:
        counter = Counter.objects.filter(hall=ticket.hall, pk=counter_id or 0).first()
        if counter is None:
            raise NotFound(_("本厅没有窗口 %(id)s。") % {"id": counter_id})
        changes |= {"target_counter": counter}
        target = {"counter_number": counter.number}
    return ticket_transition(
        ticket=ticket,
        action=Action.TRANSFER,
        actor=actor,
        at=now(),
        changes=changes,
        **target,
    )


@transaction.atomic
def counter_set_status(*, scope: Scope, actor: Actor, counter: Counter, status: str) -> CounterSetup:
    """Pause, resume (open) or close a counter. Opening a free counter signs the clerk in there;
    closing it signs them out (the counter is free for the next clerk)."""
    require(scope, Capability.TICKET_CALL)
    setup = _lock_setup(counter)
    signs_in = require_operator(scope=scope, actor=actor, setup=setup, counter=counter)
    if status not in rules.COUNTER_TRANSITIONS.get(setup.status, frozenset()):
        raise InvalidTransition(
            _("窗口当前为“%(now)s”，不能改为“%(to)s”。")
            % {"now": setup.get_status_display(), "to": CounterStatus(status).label}
        )
    if status == CounterStatus.CLOSED:
        setup.clerk = None
    elif signs_in or _holder(setup) is None:
        # Opened by its clerk (signing in), or by the manager: free for a clerk to take.
        setup.clerk = actor_user(actor) if signs_in else None
    setup.status = CounterStatus(status)
    setup.status_changed_at = now()
    setup.save(update_fields=["status", "status_changed_at", "clerk"])
    hall_changed(counter.hall_id)
    return setup
