"""Demo work orders (idempotent): a few hundred orders over the last 30 days, across types and
states, taken through the real services so deadlines, incidents and history are all genuine."""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth.models import User

from gridcare.core.timezone import now
from gridcare.customers.models import Account
from gridcare.org.access import Reach, Scope, scope_for
from gridcare.org.models import Role, Staff, SupplyUnit
from gridcare.org.selectors import crew_choices
from gridcare.workorders import selectors, services, triage
from gridcare.workorders.models import OrderType, Status, WorkOrder

CHANNELS = ["phone_95598"] * 6 + ["app", "wechat", "counter", "hotline_12345", "hotline_12398"]


def _agent() -> User | None:
    staff = Staff.objects.filter(role=Role.AGENT_95598, active=True).select_related("user").order_by("id").first()
    return staff.user if staff else None


def _any_unit(order: WorkOrder) -> str | None:
    return SupplyUnit.objects.filter(company_id=order.company_id).order_by("id").values_list("code", flat=True).first()


def _crew(scope: Scope, unit: str | None, rng: random.Random) -> str:
    """One of the active crews of the unit the order goes to (org.demo seeds two or three a unit)."""
    groups = crew_choices(scope, unit=unit, reach=Reach.COMPANY) if unit else []
    names = [value.partition("/")[2] for _unit, crews in groups for value, _label in crews]
    return rng.choice(names) if names else ""


def _unit_code(order: WorkOrder) -> str | None:
    if order.supply_unit_id is None:
        return None
    return SupplyUnit.objects.filter(pk=order.supply_unit_id).values_list("code", flat=True).first()


def _cause(order: WorkOrder) -> str:
    """A cause of the complaint's class to close it with (its own generator, so the demo's
    orders walk as they did before causes were asked); none for other types."""
    if order.type != OrderType.COMPLAINT or order.complaint_cause_id is not None:
        return ""
    codes = [code for code, _name, _class, _pos in selectors.cause_choices(complaint_class=order.complaint_class)]
    return random.Random(order.pk * 7919).choice(codes) if codes else ""


def _walk(order: WorkOrder, user: User, rng: random.Random) -> None:
    """Move an order some way along its path, at times after its intake."""
    scope = scope_for(user)
    unit = None if order.supply_unit_id else _any_unit(order)
    # The crew drawn from its own generator: the demo's orders walk as they did before crews were a list.
    crew = _crew(scope, unit or _unit_code(order), random.Random(order.pk))
    target = services.DispatchTarget(unit=unit, crew=crew)
    at = order.received_at
    fault = order.type == OrderType.FAULT
    path = [Status.ACCEPTED, Status.DISPATCHED] + (
        [Status.ARRIVED, Status.RESTORED, Status.CLOSED] if fault else [Status.REPLIED, Status.CLOSED]
    )
    steps = rng.choice([0, 1, 2, len(path), len(path), len(path)])
    for status in path[:steps]:
        at += timedelta(minutes=rng.randint(10, 50) if fault else rng.randint(60, 60 * 30))
        if at >= now():
            return
        cause = _cause(order) if status == Status.CLOSED else ""
        order = services.workorder_transition(
            scope=scope, actor=user, order=order, to=status, at=at, target=target, cause=cause
        )
    if order.status == Status.CLOSED and rng.random() < 0.7:
        reached = rng.random() < 0.85
        services.workorder_call_back(
            scope=scope, actor=user, order=order, reached=reached, satisfied=(rng.random() < 0.9) if reached else None
        )


def seed_workorders(*, count: int = 300, seed: int = 1) -> int:
    """Make sure ``count`` demo orders exist. Returns how many were created."""
    user = _agent()
    have = WorkOrder.objects.count()
    if user is None or have >= count:
        return 0
    rng = random.Random(seed + have)
    examples = triage.load_examples()
    accounts = list(
        Account.objects.filter(transformer_area__isnull=False)
        .order_by("id")
        .values_list("account_no", flat=True)[:2000]
    )
    scope = scope_for(user)
    for _ in range(count - have):
        example = rng.choice(examples)
        at = now() - timedelta(minutes=rng.randint(5, 30 * 24 * 60))
        data = services.NewOrder(
            channel=rng.choice(CHANNELS),
            text=example.text,
            type=example.type if rng.random() < 0.9 else None,
            complaint_class=(example.complaint_class or None) if example.type == OrderType.COMPLAINT else None,
            account_no=rng.choice(accounts) if accounts and rng.random() < 0.8 else None,
        )
        order, _suggestion = services.workorder_intake(scope=scope, actor=user, data=data, at=at)
        _walk(order, user, rng)
    return count - have
