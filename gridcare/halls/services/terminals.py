"""Self-service terminals (HALL-7) and the guide's diversions to them (HALL-2)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from gridcare.core.events import actor_user
from gridcare.core.exceptions import InvalidInput
from gridcare.core.timezone import business_date, now
from gridcare.halls.events import terminal_event
from gridcare.halls.exceptions import InvalidTransition
from gridcare.halls.models import (
    Diversion,
    MaintenanceTask,
    Terminal,
    TerminalEvent,
    TerminalKind,
    TerminalStatus,
)
from gridcare.halls.services.live import hall_changed
from gridcare.halls.services.tickets import business_type_for
from gridcare.org.access import Capability, Scope, require
from gridcare.org.models import Hall

Actor = User | AnonymousUser | None


@transaction.atomic
def terminal_set_status(*, scope: Scope, actor: Actor, terminal: Terminal, status: str, note: str = "") -> Terminal:
    require(scope, Capability.TICKET_ISSUE)
    if status not in TerminalStatus.values:
        raise InvalidInput(_("终端状态不正确。"), errors={"status": _("取值不在允许范围内。")})
    terminal = Terminal.objects.select_for_update().get(pk=terminal.pk)
    if terminal.status == status:
        raise InvalidTransition(_("终端已是“%(s)s”状态。") % {"s": terminal.get_status_display()})
    _status_change(terminal=terminal, to=TerminalStatus(status), actor=actor, at=now(), note=note)
    return terminal


def _status_change(*, terminal: Terminal, to: TerminalStatus, actor: Actor, at: datetime, note: str) -> None:
    """Move ``terminal`` to ``to`` and write the status event (inside the caller's transaction)."""
    before = terminal.status
    terminal.status, terminal.status_changed_at = to, at
    terminal.save(update_fields=["status", "status_changed_at"])
    terminal_event(
        terminal=terminal, type=TerminalEvent.Type.STATUS, actor=actor, at=at, before=before, after=to, note=note
    )


@transaction.atomic
def terminal_record_use(*, scope: Scope, actor: Actor, terminal: Terminal, count: int = 1) -> Terminal:
    """Usage reported by the machine (or counted by the guide)."""
    require(scope, Capability.TICKET_ISSUE)
    if not 1 <= count <= 1000:
        raise InvalidInput(_("使用次数应在1到1000之间。"), errors={"count": _("使用次数应在1到1000之间。")})
    if terminal.status != TerminalStatus.IN_SERVICE:
        raise InvalidTransition(_("终端当前为“%(s)s”，不能使用。") % {"s": terminal.get_status_display()})
    Terminal.objects.filter(pk=terminal.pk).update(usage_count=F("usage_count") + count)
    terminal_event(terminal=terminal, type=TerminalEvent.Type.USED, actor=actor, at=now(), count=count)
    terminal.refresh_from_db()
    return terminal


@transaction.atomic
def terminal_report_fault(*, scope: Scope, actor: Actor, terminal: Terminal, description: str) -> MaintenanceTask:
    """A fault report takes the terminal out of service and opens a maintenance task."""
    require(scope, Capability.TICKET_ISSUE)
    description = description.strip()
    if not description:
        raise InvalidInput(_("请描述故障。"), errors={"description": _("必填项。")})
    at = now()
    if terminal.status != TerminalStatus.FAULT:
        _status_change(terminal=terminal, to=TerminalStatus.FAULT, actor=actor, at=at, note=description)
    return MaintenanceTask.objects.create(
        terminal=terminal,
        description=description[:200],
        reported_by=actor_user(actor),
        created_at=at,
    )


@transaction.atomic
def task_resolve(*, scope: Scope, actor: Actor, task: MaintenanceTask) -> MaintenanceTask:
    """The repair is done: the task closes, and the terminal is back in service when no other
    task on it is open."""
    require(scope, Capability.HALL_MANAGE)
    task = MaintenanceTask.objects.select_for_update().select_related("terminal").get(pk=task.pk)
    if task.status != MaintenanceTask.Status.OPEN:
        raise InvalidTransition(_("该维修任务已关闭。"))
    at = now()
    task.status, task.resolved_at = MaintenanceTask.Status.DONE, at
    task.save(update_fields=["status", "resolved_at"])
    terminal = task.terminal
    if (
        not terminal.tasks.filter(status=MaintenanceTask.Status.OPEN).exists()
        and terminal.status == TerminalStatus.FAULT
    ):
        _status_change(terminal=terminal, to=TerminalStatus.IN_SERVICE, actor=actor, at=at, note="")
    return task


@transaction.atomic
def diversion_record(
    *, scope: Scope, actor: Actor, hall: Hall, kind: str, terminal: Terminal | None = None
) -> Diversion:
    """The guide sends a customer with simple business to a self-service machine instead of a
    counter; counted for the diversion rate."""
    require(scope, Capability.TICKET_ISSUE)
    business_type = business_type_for(hall=hall, kind=kind)
    if terminal is None:
        terminal = Terminal.objects.filter(hall=hall, status=TerminalStatus.IN_SERVICE).order_by("code").first()
    if terminal is None or terminal.hall_id != hall.pk or terminal.status != TerminalStatus.IN_SERVICE:
        raise InvalidTransition(_("本厅没有可用的自助终端，请为客户取号。"))
    at = now()
    Terminal.objects.filter(pk=terminal.pk).update(usage_count=F("usage_count") + 1)
    terminal_event(terminal=terminal, type=TerminalEvent.Type.DIVERSION, actor=actor, at=at, business_type=kind)
    diversion = Diversion.objects.create(
        hall=hall,
        business_type=business_type,
        terminal=terminal,
        guide=actor_user(actor),
        day=business_date(at),
        created_at=at,
    )
    hall_changed(hall.pk)  # the floor's diversions of the day
    return diversion


def terminal_register(*, hall: Hall, code: str, kind: str, name: str) -> Terminal:
    """Add a terminal to the registry (idempotent by code; used by the demo and the admin)."""
    terminal, _created = Terminal.objects.get_or_create(
        code=code, defaults={"hall": hall, "kind": TerminalKind(kind), "name": name}
    )
    return terminal
