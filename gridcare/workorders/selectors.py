"""Reads of work orders, always through the caller's scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from gridcare.core.exceptions import NotFound
from gridcare.core.timezone import SHANGHAI, now
from gridcare.customers.models import Account
from gridcare.customers.selectors import active_accounts_at
from gridcare.org.access import Level, Path, Reach, Scope
from gridcare.org.models import Hall, SupplyUnit
from gridcare.workorders.access import connection_filter, order_filter
from gridcare.workorders.models import (
    OPEN_STATUSES,
    CallBack,
    CauseEvent,
    ComplaintCause,
    ComplaintClass,
    ConnectionCategory,
    Deadline,
    NewConnection,
    OrderEvent,
    OrderType,
    StaffFinding,
    Stage,
    WorkOrder,
)
from gridcare.workorders.rules import Filed, per_10k, repeats, setting

# An open deadline reckoned over a year without a holiday notice (shown as 暂定 in lists).
_provisional = Deadline.objects.filter(order=OuterRef("pk"), met_at__isnull=True, provisional=True)


def order_list(
    *, scope: Scope, status: str = "", type: str = "", q: str = "", open_only: bool = False
) -> QuerySet[WorkOrder]:
    orders = (
        WorkOrder.objects.filter(order_filter(scope))
        .select_related("owner", "supply_unit", "account", "incident", "complaint_cause")
        .annotate(has_provisional_deadline=Exists(_provisional))
    )
    if status:
        orders = orders.filter(status=status)
    if open_only:
        orders = orders.filter(status__in=OPEN_STATUSES)
    if type:
        orders = orders.filter(type=type)
    if q:
        orders = orders.filter(Q(number=q) | Q(account__account_no=q) | Q(phone=q) | Q(text__contains=q))
    return orders.order_by("-received_at", "-id")


def orders_found(*, scope: Scope, number: str = "", phone: str = "", limit: int = 20) -> list[WorkOrder]:
    """Orders by their number or the caller's phone, newest first: the top bar's search."""
    if not (number or phone):
        return []
    wanted = Q(number=number) if number else Q(phone=phone)
    return list(order_list(scope=scope).filter(wanted)[:limit])


def orders_of_account(*, scope: Scope, account: Account, limit: int = 5, open_only: bool = False) -> list[WorkOrder]:
    """The account's latest orders the caller may see (the account card's links; the counter
    console's open ones), newest first."""
    return list(order_list(scope=scope, open_only=open_only).filter(account=account)[:limit])


def open_orders_of(account_ref: OuterRef, *, complaints: bool = False) -> Subquery:
    """How many open work orders (``complaints``: open complaints) the account ``account_ref``
    has, as a subquery another app's list annotates and sorts by (the key-account portfolio)."""
    rows = WorkOrder.objects.filter(account=account_ref, status__in=OPEN_STATUSES)
    if complaints:
        rows = rows.filter(type=OrderType.COMPLAINT)
    counted = rows.order_by().values("account").annotate(n=Count("id")).values("n")
    return Subquery(counted, output_field=IntegerField())


def orders_overdue(*, scope: Scope, at: datetime) -> QuerySet[WorkOrder]:
    """Open orders with a commitment already broken (paused orders wait for the customer)."""
    late = Deadline.objects.filter(order=OuterRef("pk"), met_at__isnull=True, due_at__lte=at)
    return (
        order_list(scope=scope, open_only=True)
        .filter(Exists(late), paused_at__isnull=True)
        .order_by("received_at", "id")
    )


def orders_escalated(*, scope: Scope) -> QuerySet[WorkOrder]:
    """Open orders raised to a supervisor (broken deadline or dissatisfied call-back): the
    supervisor's worklist, oldest escalation first."""
    return order_list(scope=scope, open_only=True).filter(escalated_at__isnull=False).order_by("escalated_at", "id")


def orders_due_soon(*, scope: Scope, at: datetime) -> QuerySet[WorkOrder]:
    """Open orders inside a warning period: not late yet, but close."""
    soon = Deadline.objects.filter(order=OuterRef("pk"), met_at__isnull=True, warn_at__lte=at, due_at__gt=at)
    late = Deadline.objects.filter(order=OuterRef("pk"), met_at__isnull=True, due_at__lte=at)
    return (
        order_list(scope=scope, open_only=True)
        .filter(Exists(soon), ~Exists(late), paused_at__isnull=True)
        .order_by("received_at", "id")
    )


def local(moment: datetime) -> datetime:
    return moment.astimezone(SHANGHAI)


def order_history(order: WorkOrder) -> QuerySet[OrderEvent]:
    return order.events.select_related("actor").order_by("created_at", "id")


def deadline_rows(order: WorkOrder) -> list[dict[str, Any]]:
    return [
        {
            "kind": d.kind,
            "label": str(Deadline.Kind(d.kind).label),
            "due_at": local(d.due_at),
            "met_at": local(d.met_at) if d.met_at else None,
            "provisional": d.provisional,
        }
        for d in order.deadlines.order_by("due_at", "id")
    ]


def order_card(order: WorkOrder, suggestion: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the API answers about an order."""
    owner, cause = order.owner, order.complaint_cause
    return {
        "id": order.pk,
        "number": order.number,
        "channel": order.channel,
        "type": order.type,
        "complaint_class": order.complaint_class or None,
        "complaint_cause": cause.code if cause else None,
        "complaint_cause_name": cause.name if cause else None,
        "urgency": order.urgency,
        "status": order.status,
        "text": order.text,
        "account_no": order.account.account_no if order.account else None,
        "supply_unit": order.supply_unit.code if order.supply_unit else None,
        "incident": order.incident_id,
        "outage": order.incident.outage_id if order.incident else None,
        "paused": order.paused_at is not None,
        "received_at": local(order.received_at),
        "deadlines": deadline_rows(order),
        "owner": {"employee_no": owner.employee_no, "name": owner.name} if owner else None,
        "suggestion": suggestion,
    }


# -- figures -------------------------------------------------------------------------------------


def choice_label(choices: type[OrderType] | type[ComplaintClass], key: str) -> str:
    """The reader's word for a stored code (in the active language); an unknown code as it is."""
    return str(choices(key).label) if key in choices.values else key


@dataclass(frozen=True)
class Viewed:
    """What a figures page looks at: the viewer's own reach, or one unit or hall inside it. The
    orders and the customers they are divided by come from the same place."""

    name: str
    unit: str = ""
    hall: str = ""
    orders: Q = field(default_factory=Q)
    customers: Q = field(default_factory=Q)


def figures_units(scope: Scope) -> list[SupplyUnit]:
    """The units a viewer may pick on the figures page (hall posts look at their hall only)."""
    if scope.level(Reach.ORDERS) is Level.HALL:
        return []
    return list(SupplyUnit.objects.filter(scope.filter(Reach.ORDERS, Path.unit_of(""))).order_by("code"))


def figures_halls(scope: Scope) -> list[Hall]:
    units = figures_units(scope)
    return list(Hall.objects.filter(unit__in=units).select_related("unit").order_by("unit__code", "code"))


def figures_viewed(*, scope: Scope, unit: str = "", hall: str = "") -> Viewed:
    """The unit or hall asked for (404 when it is not the viewer's to see), else the viewer's reach."""
    if hall:
        found = next((h for h in figures_halls(scope) if h.code == hall), None)
        if found is None:
            raise NotFound(_("营业厅不存在或不在您的管辖范围。"))
        return Viewed(name=found.name, hall=found.code, orders=Q(hall_id=found.pk), customers=Q(hall_id=found.pk))
    if unit:
        picked = next((u for u in figures_units(scope) if u.code == unit), None)
        if picked is None:
            raise NotFound(_("供电单位不存在或不在您的管辖范围。"))
        return Viewed(
            name=picked.name,
            unit=picked.code,
            orders=Q(supply_unit_id=picked.pk),
            customers=Q(supply_unit_id=picked.pk),
        )
    return _own_reach(scope)


def _own_reach(scope: Scope) -> Viewed:
    """The customers behind the orders a post sees (``order_filter``): a hall's, a unit's, the company's."""
    customers = scope.filter(
        Reach.ORDERS, Path(company="supply_unit__company_id", unit="supply_unit_id", hall="hall_id")
    )
    level, staff = scope.level(Reach.ORDERS), scope.staff
    if level is Level.ALL:
        return Viewed(name=_("全部"), customers=customers)
    if level is Level.NONE or staff is None:
        return Viewed(name="", customers=customers)
    place = {Level.HALL: staff.hall, Level.UNIT: staff.unit}.get(level, staff.company)
    return Viewed(name=place.name if place else "", customers=customers)


@dataclass(frozen=True)
class Agreement:
    """How often the agent's final type, complaint class and urgency equal the triage suggestion
    (WO-6), over the orders that kept one. Class: among orders finally filed as complaints."""

    orders: int = 0
    type_agreed: int = 0
    complaints: int = 0
    class_agreed: int = 0
    urgency_agreed: int = 0

    @property
    def rows(self) -> list[tuple[str, int, int]]:
        return [
            (str(_("工单类型")), self.type_agreed, self.orders),
            (str(_("投诉分类")), self.class_agreed, self.complaints),
            (str(_("紧急程度")), self.urgency_agreed, self.orders),
        ]


def triage_agreement(orders: QuerySet[WorkOrder]) -> Agreement:
    """Suggested against final, computed from the stored orders in one query."""
    kept = orders.exclude(suggested_type="")
    complaint = Q(type=OrderType.COMPLAINT)
    counts = kept.order_by().aggregate(
        orders=Count("id"),
        type_agreed=Count("id", filter=Q(type=F("suggested_type"))),
        complaints=Count("id", filter=complaint),
        class_agreed=Count("id", filter=complaint & Q(complaint_class=F("suggested_class"))),
        urgency_agreed=Count("id", filter=Q(urgency=F("suggested_urgency"))),
    )
    return Agreement(**{key: int(value or 0) for key, value in counts.items()})


@dataclass(frozen=True)
class Figures:
    start: datetime
    end: datetime
    total: int
    by_type: list[tuple[str, int]]
    by_class: list[tuple[str, int]]
    by_unit: list[tuple[str, int]]
    complaints: int
    customers: int
    deadlines_due: int
    deadlines_kept: int
    repeat_complaints: int
    callbacks_reached: int
    callbacks_satisfied: int
    viewed: Viewed = field(default_factory=lambda: Viewed(name=""))
    agreement_recent: Agreement = field(default_factory=Agreement)  # orders of the last 30 days
    agreement_all: Agreement = field(default_factory=Agreement)

    @property
    def complaints_per_10k(self) -> float | None:
        return per_10k(self.complaints, self.customers)

    @property
    def compliance(self) -> float | None:
        return self.deadlines_kept / self.deadlines_due if self.deadlines_due else None

    @property
    def satisfaction(self) -> float | None:
        return self.callbacks_satisfied / self.callbacks_reached if self.callbacks_reached else None

    @property
    def type_rows(self) -> list[tuple[str, int]]:
        """``by_type`` in the reader's words (故障报修, or "Fault repair" in English)."""
        return [(choice_label(OrderType, key), n) for key, n in self.by_type]

    @property
    def class_rows(self) -> list[tuple[str, int]]:
        return [(choice_label(ComplaintClass, key), n) for key, n in self.by_class]

    @property
    def agreement_pairs(self) -> list[tuple[tuple[str, int, int], tuple[str, int, int]]]:
        """(label, agreed, of) for the last 30 days beside the same for all orders, per field."""
        return list(zip(self.agreement_recent.rows, self.agreement_all.rows, strict=True))


# The recent window of the triage agreement figure, whatever period the page shows.
AGREEMENT_DAYS = 30


def _counts(orders: QuerySet[WorkOrder], field: str) -> list[tuple[str, int]]:
    rows = orders.order_by().values_list(field).annotate(n=Count("id")).order_by("-n", field)
    return [(str(key or ""), int(n)) for key, n in rows]


def figures(*, scope: Scope, start: datetime, end: datetime, viewed: Viewed | None = None) -> Figures:
    """Orders received in [start, end): by type, class, unit; complaints per 10,000 customers of
    the same hall, unit or company as the complaints (active at the end of the period); deadline
    compliance (deadlines falling due in the period, kept on time); repeat complaints (the same
    customer within the configured days, ``repeat_complaint_ids``); call-back satisfaction."""
    viewed = viewed or _own_reach(scope)
    seen = order_filter(scope) & viewed.orders
    orders = WorkOrder.objects.filter(seen, received_at__gte=start, received_at__lt=end)
    complaints = orders.filter(type=OrderType.COMPLAINT)
    last_day = (end - timedelta(microseconds=1)).astimezone(SHANGHAI).date()
    in_view = WorkOrder.objects.filter(seen).values("pk")
    due = Deadline.objects.filter(order__in=in_view, due_at__gte=start, due_at__lt=min(end, now()))
    kept = due.filter(met_at__isnull=False, met_at__lte=F("due_at"))
    calls = CallBack.objects.filter(order__in=in_view, created_at__gte=start, created_at__lt=end)
    return Figures(
        start=start,
        end=end,
        total=orders.count(),
        by_type=_counts(orders, "type"),
        by_class=_counts(complaints, "complaint_class"),
        by_unit=_counts(orders, "supply_unit__name"),
        complaints=complaints.count(),
        customers=sum(active_accounts_at(on=last_day, where=viewed.customers).values()),
        deadlines_due=due.count(),
        deadlines_kept=kept.count(),
        repeat_complaints=len(repeat_complaint_ids(complaints, days=setting("REPEAT_COMPLAINT_DAYS"))),
        callbacks_reached=calls.filter(reached=True).count(),
        callbacks_satisfied=calls.filter(reached=True, satisfied=True).count(),
        viewed=viewed,
        agreement_recent=triage_agreement(
            WorkOrder.objects.filter(seen, received_at__gte=now() - timedelta(days=AGREEMENT_DAYS))
        ),
        agreement_all=triage_agreement(WorkOrder.objects.filter(seen)),
    )


# -- complaints: repeats, causes and the reads of the complaint analysis (ASSESS-6) -----------------


def repeat_complaint_ids(complaints: QuerySet[WorkOrder], *, days: int) -> set[int]:
    """The ids of ``complaints`` that repeat an earlier complaint of the same customer (the same
    account; where either names none, the same phone) filed that day or up to ``days`` calendar
    days before (inclusive, Shanghai dates: ``rules.repeats``), wherever the earlier one was
    handled."""
    mine = list(complaints.order_by().values_list("pk", "account_id", "phone", "received_at"))
    if not mine:
        return set()
    first = min(r[3] for r in mine).astimezone(SHANGHAI).date() - timedelta(days=days)
    last = max(r[3] for r in mine)
    window = WorkOrder.objects.filter(
        type=OrderType.COMPLAINT, received_at__gte=datetime.combine(first, time.min, tzinfo=SHANGHAI)
    ).filter(received_at__lte=last)
    others = window.order_by().values_list("pk", "account_id", "phone", "received_at")
    rows = {r[0]: r for r in [*others.iterator(chunk_size=5000), *mine]}
    filed = [
        Filed(pk, account, phone or "", at, at.astimezone(SHANGHAI).date()) for pk, account, phone, at in rows.values()
    ]
    return repeats(filed, of={r[0] for r in mine}, days=days)


def complaints_received(*, where: Q, start: datetime, end: datetime) -> QuerySet[WorkOrder]:
    """The complaints received in ``start`` ≤ t < ``end`` among the orders ``where`` selects (the
    caller's reach), with their unit, cause and owner, newest first."""
    return (
        WorkOrder.objects.filter(where, type=OrderType.COMPLAINT, received_at__gte=start, received_at__lt=end)
        .select_related("supply_unit", "complaint_cause", "owner")
        .order_by("-received_at", "-id")
    )


def complaint_texts(*, start: datetime, end: datetime) -> list[tuple[int, int | None, str]]:
    """(company id, supply unit id, the customer's words) of every complaint received in
    ``start`` ≤ t < ``end``, in id order: the root-cause topics' complaint texts."""
    rows = WorkOrder.objects.filter(type=OrderType.COMPLAINT, received_at__gte=start, received_at__lt=end)
    return list(rows.order_by("id").values_list("company_id", "supply_unit_id", "text"))


def cause_list(*, complaint_class: str = "", active_only: bool = False) -> QuerySet[ComplaintCause]:
    """The cause taxonomy in its order (class, position), with how many orders use each cause."""
    causes = ComplaintCause.objects.annotate(used=Count("orders"))
    if complaint_class:
        causes = causes.filter(complaint_class=complaint_class)
    if active_only:
        causes = causes.filter(active=True)
    return causes.order_by(_choice_order("complaint_class", list(ComplaintClass.values)), "position", "id")


def cause_choices(*, complaint_class: str = "") -> list[tuple[str, str, str, int]]:
    """(code, name, class, position) of the active causes, by class and position: what intake
    and closing offer."""
    causes = cause_list(complaint_class=complaint_class, active_only=True)
    return [(c.code, c.name, c.complaint_class, c.position) for c in causes]


def cause_history(limit: int = 50) -> QuerySet[CauseEvent]:
    """The latest changes of the taxonomy, newest first."""
    return CauseEvent.objects.select_related("actor", "cause").order_by("-created_at", "-id")[:limit]


# -- new connections -------------------------------------------------------------------------------


def connection_list(*, scope: Scope, mine: bool = False, open_only: bool = True) -> QuerySet[NewConnection]:
    rows = NewConnection.objects.filter(connection_filter(scope)).select_related("account_manager", "supply_unit")
    if mine and scope.staff is not None:
        rows = rows.filter(account_manager=scope.staff)
    if open_only:
        rows = rows.exclude(stage=Stage.DONE)
    return rows.order_by("due_at", "id")


def _choice_order(field: str, values: list[str]) -> Case:
    return Case(
        *(When(**{field: value}, then=Value(i)) for i, value in enumerate(values)),
        default=Value(len(values)),
        output_field=IntegerField(),
    )


def connections_sortable(rows: QuerySet[NewConnection]) -> QuerySet[NewConnection]:
    """``rows`` with the position of their category and stage in their lists (``category_order``,
    ``stage_order``): the list sorts them as the process runs, not by their codes."""
    return rows.annotate(
        category_order=_choice_order("category", list(ConnectionCategory.values)),
        stage_order=_choice_order("stage", list(Stage.values)),
    )


def connection_capacity_text(connection: NewConnection) -> str:
    """The requested capacity as the database holds it, as text: shown even when a legacy value
    is beyond what the column's Decimal type reads back (see ``ConnectionManager``)."""
    text = (
        NewConnection.objects.filter(pk=connection.pk)
        .annotate(capacity_text=Cast("capacity_kva", CharField()))
        .values_list("capacity_text", flat=True)
        .first()
    )
    return str(text or "")


def connection_card(connection: NewConnection, at: datetime | None = None) -> dict[str, Any]:
    at = at or now()
    manager = connection.account_manager
    return {
        "number": connection.number,
        "applicant": connection.applicant,
        "category": connection.category,
        "category_label": str(ConnectionCategory(connection.category).label),
        "stage": connection.stage,
        "stage_label": str(Stage(connection.stage).label),
        "applied_at": local(connection.applied_at),
        "due_at": local(connection.due_at),
        "stage_due_at": local(connection.stage_due_at) if connection.stage_due_at else None,
        "provisional": connection.provisional,
        "stage_overdue": bool(connection.stage_due_at and connection.stage_due_at < at),
        "completed_at": local(connection.completed_at) if connection.completed_at else None,
        "on_time": (connection.completed_at <= connection.due_at) if connection.completed_at else None,
        "account_manager": manager.name if manager else None,
        "steps": [
            {"stage": s.stage, "finished_at": local(s.finished_at), "on_time": s.on_time}
            for s in connection.steps.order_by("finished_at", "id")
        ],
    }


@dataclass(frozen=True)
class OrderFact:
    """One thing that happened to a work order in a window, as the assessment roll-up counts
    it: ``kind`` is received / complaint / closed / deadline / callback / verified; ``staff_id``
    the person it counts for (the owner; for ``verified`` the person found at fault); ``ok``
    whether a deadline was met or a reached call-back satisfied (None where it does not apply)."""

    kind: str
    company_id: int
    unit_id: int | None
    hall_id: int | None
    staff_id: int | None
    ok: bool | None = None


def order_facts_for_figures(*, start: datetime, end: datetime) -> list[OrderFact]:
    """What happened to work orders in ``start`` ≤ t < ``end``: orders received (and among them
    complaints), closed, deadlines falling due (met on time or not), call-backs that reached the
    customer (satisfied or not), and complaints found true against a person."""
    keys = ("company_id", "supply_unit_id", "hall_id", "owner_id")
    facts: list[OrderFact] = []
    window = {"gte": start, "lt": end}
    for company, unit, hall, owner, type_ in WorkOrder.objects.filter(
        received_at__gte=window["gte"], received_at__lt=window["lt"]
    ).values_list(*keys, "type"):
        facts.append(OrderFact("received", company, unit, hall, owner))
        if type_ == OrderType.COMPLAINT:
            facts.append(OrderFact("complaint", company, unit, hall, owner))
    for company, unit, hall, owner in WorkOrder.objects.filter(
        closed_at__gte=window["gte"], closed_at__lt=window["lt"]
    ).values_list(*keys):
        facts.append(OrderFact("closed", company, unit, hall, owner))
    order_keys = tuple(f"order__{k}" for k in keys)
    for company, unit, hall, owner, due, met in Deadline.objects.filter(
        due_at__gte=window["gte"], due_at__lt=window["lt"]
    ).values_list(*order_keys, "due_at", "met_at"):
        facts.append(OrderFact("deadline", company, unit, hall, owner, ok=met is not None and met <= due))
    for company, unit, hall, owner, satisfied in CallBack.objects.filter(
        created_at__gte=window["gte"], created_at__lt=window["lt"], reached=True
    ).values_list(*order_keys, "satisfied"):
        facts.append(OrderFact("callback", company, unit, hall, owner, ok=bool(satisfied)))
    for company, unit, hall, staff in StaffFinding.objects.filter(
        created_at__gte=window["gte"], created_at__lt=window["lt"]
    ).values_list("order__company_id", "order__supply_unit_id", "order__hall_id", "staff_id"):
        facts.append(OrderFact("verified", company, unit, hall, staff))
    return facts


def orders_behind_figure(
    *,
    scope: Scope,
    start: datetime,
    end: datetime,
    staff_id: int | None = None,
    unit_id: int | None = None,
    hall_id: int | None = None,
) -> QuerySet[WorkOrder]:
    """The work orders an assessment figure was computed from (received in the window), in the
    caller's scope, newest first."""
    found = WorkOrder.objects.filter(order_filter(scope), received_at__gte=start, received_at__lt=end)
    if staff_id is not None:
        found = found.filter(owner_id=staff_id)
    if unit_id is not None:
        found = found.filter(supply_unit_id=unit_id)
    if hall_id is not None:
        found = found.filter(hall_id=hall_id)
    return found.select_related("owner", "supply_unit", "hall").order_by("-received_at", "-id")
