"""New-connection applications (业扩报装, WO-8): apply, then advance stage by stage."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils.translation import gettext as _

from gridcare.core.calendar import add_working_days_at, add_working_time, working_time_between
from gridcare.core.exceptions import Forbidden, InvalidInput
from gridcare.core.timezone import SHANGHAI, now
from gridcare.customers.rules import normalise_phone
from gridcare.org.access import Capability, Scope, can
from gridcare.org.models import Role, Staff, SupplyUnit
from gridcare.workorders import connections, rules
from gridcare.workorders.events import connection_event
from gridcare.workorders.exceptions import InvalidTransition
from gridcare.workorders.models import ConnectionCategory, ConnectionEvent, ConnectionStep, NewConnection, Stage
from gridcare.workorders.services.recalendar import connection_stage_due, connection_total_due


@dataclass(frozen=True)
class NewApplication:
    applicant: str
    address: str
    category: str
    supply_unit: str
    phone: str = ""
    capacity_kva: Decimal | str | int = Decimal(0)  # checked by rules.requested_capacity
    account_manager: str | None = None  # employee number


def _field_errors(data: NewApplication) -> tuple[dict[str, str], Decimal, str]:
    """One Chinese message per bad field; the capacity and the phone as they are stored."""
    errors: dict[str, str] = {}
    capacity = Decimal(0)
    try:
        capacity = rules.requested_capacity(
            data.capacity_kva,
            maximum=Decimal(str(settings.GRIDCARE_WORKORDERS["NEW_CONNECTION_MAX_KVA"])),
            places=NewConnection._meta.get_field("capacity_kva").decimal_places,
        )
    except InvalidInput as exc:
        errors.update(exc.errors)
    phone = ""
    if data.phone.strip():
        try:
            phone = normalise_phone(data.phone)
        except InvalidInput as exc:
            errors["phone"] = str(exc.message)
    columns = NewConnection._meta
    longest = {
        "applicant": columns.get_field("applicant").max_length,
        "address": columns.get_field("address").max_length,
    }
    for name, most in longest.items():
        if most is not None and len(getattr(data, name).strip()) > most:
            errors[name] = _("最多%(n)d个字。") % {"n": most}
    return errors, capacity, phone


def _note_provisional(
    connection: NewConnection, years: frozenset[int], actor: User | AnonymousUser, at: datetime
) -> None:
    """Mark the application provisional when its deadlines were reckoned over a year without a
    holiday notice, with an event naming the years (recomputed when they are saved)."""
    connection.provisional, connection.provisional_years = bool(years), sorted(years)
    if years:
        connection_event(
            connection=connection,
            type=ConnectionEvent.Type.PROVISIONAL,
            actor=actor,
            at=at,
            due_at=connection.due_at.astimezone(SHANGHAI).isoformat(),
            stage_due_at=connection.stage_due_at.astimezone(SHANGHAI).isoformat() if connection.stage_due_at else None,
            missing_years=sorted(years),
        )


def _manager(scope: Scope, data: NewApplication, company_id: int) -> Staff | None:
    if data.account_manager:
        person = Staff.objects.filter(
            employee_no=data.account_manager, company_id=company_id, role=Role.KEY_ACCOUNT_MANAGER, active=True
        ).first()
        if person is None:
            raise InvalidInput(_("客户经理不存在。"), errors={"account_manager": _("客户经理不存在。")})
        return person
    return scope.staff if scope.role == Role.KEY_ACCOUNT_MANAGER else None


def new_connection_apply(
    *, scope: Scope, actor: User | AnonymousUser, data: NewApplication, at: datetime | None = None
) -> NewConnection:
    if not can(scope, Capability.CONNECTION_APPLY) or scope.company_id is None:
        raise Forbidden(_("无权受理业扩报装。"))
    errors, capacity, phone = _field_errors(data)
    if data.category not in ConnectionCategory.values:
        errors["category"] = _("类别不在允许范围内。")
    if not data.applicant.strip():
        errors["applicant"] = _("必填项。")
    if not data.address.strip():
        errors["address"] = _("必填项。")
    unit = SupplyUnit.objects.filter(code=data.supply_unit, company_id=scope.company_id).first()
    if unit is None:
        errors["supply_unit"] = _("供电单位不存在。")
    if errors or unit is None:
        raise InvalidInput(_("报装信息有误。"), errors=errors)
    at = at or now()
    total = add_working_days_at(at, connections.total_days(data.category))
    stage_due, stage_years = connection_stage_due(data.category, Stage.APPLICATION, at)
    with transaction.atomic():
        connection = NewConnection.objects.create(
            number=f"tmp-{uuid.uuid4().hex[:24]}",
            company_id=scope.company_id,
            supply_unit=unit,
            account_manager=_manager(scope, data, scope.company_id),
            applicant=data.applicant.strip(),
            phone=phone,
            address=data.address.strip(),
            category=data.category,
            capacity_kva=capacity,
            applied_at=at,
            due_at=total.value,
            stage_started_at=at,
            stage_due_at=stage_due,
        )
        connection.number = f"YK{at.astimezone(SHANGHAI):%Y%m%d}{connection.pk:06d}"
        _note_provisional(connection, total.unknown_years | stage_years, actor, at)
        connection.save(update_fields=["number", "provisional", "provisional_years"])
    return connection


def new_connection_advance(
    *, scope: Scope, actor: User | AnonymousUser, connection: NewConnection, note: str = ""
) -> NewConnection:
    """Finish the current stage (recorded with whether it kept its limit) and start the next."""
    if not isinstance(actor, User):
        raise Forbidden(_("请先登录。"))
    at = now()
    with transaction.atomic():
        fresh = NewConnection.objects.select_for_update().get(pk=connection.pk)
        if fresh.stage == Stage.DONE:
            raise InvalidTransition(_("该报装已送电，没有后续环节。"))
        ConnectionStep.objects.create(
            connection=fresh,
            stage=fresh.stage,
            started_at=fresh.stage_started_at,
            due_at=fresh.stage_due_at,
            finished_at=at,
            on_time=fresh.stage_due_at is None or at <= fresh.stage_due_at,
            note=note,
            actor=actor,
        )
        if fresh.stage == Stage.CONSTRUCTION:
            # The customer's time is not the utility's: the total moves on by the working time
            # the construction took, as the stage limits count working days.
            waited = working_time_between(fresh.stage_started_at, at)
            fresh.due_at = add_working_time(fresh.due_at, waited.value).value
        fresh.stage = connections.next_stage(fresh.category, fresh.stage)
        fresh.stage_started_at = at
        fresh.stage_due_at, stage_years = connection_stage_due(fresh.category, fresh.stage, at)
        fresh.completed_at = at if fresh.stage == Stage.DONE else None
        total_years = connection_total_due(fresh)[1]
        years = frozenset() if fresh.stage == Stage.DONE else total_years | stage_years
        if years - set(fresh.provisional_years):
            _note_provisional(fresh, years, actor, at)
        fresh.provisional, fresh.provisional_years = bool(years), sorted(years)
        fresh.save(
            update_fields=[
                "stage",
                "stage_started_at",
                "stage_due_at",
                "completed_at",
                "due_at",
                "provisional",
                "provisional_years",
            ]
        )
    return fresh
