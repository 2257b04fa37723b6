"""The rewards and penalties ledger (奖惩台账, ASSESS-1): an entry is proposed by one person and
approved or rejected by a second (never the proposer, never the person it is about); the
proposer may withdraw it while it waits. A second click of the same decision by the same person
returns the entry unchanged; every other decision of an entry already decided is refused
(Conflict) with nothing changed."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils.translation import gettext as _

from gridcare.assessment.access import ledger_get_for_scope, staff_get_for_scope
from gridcare.assessment.events import ledger_event
from gridcare.assessment.models import LedgerEntry, LedgerEvent, LedgerKind, LedgerSource, LedgerStatus
from gridcare.assessment.rules.ledger import (
    REFERENCE_MAX,
    amount_of,
    period_error,
    points_error,
    signed_points,
    text_error,
)
from gridcare.core.exceptions import Conflict, DomainError, Forbidden, InvalidInput
from gridcare.core.timezone import SHANGHAI, now
from gridcare.org.access import Capability, Scope, require
from gridcare.org.models import Staff

if TYPE_CHECKING:
    from gridcare.workorders.models import StaffFinding


@dataclass(frozen=True)
class NewEntry:
    """A proposed entry as a page or the API sends it: the person by 工号, ``points`` without
    its sign (a penalty's are stored negative), ``amount`` in yuan or None."""

    employee_no: str
    kind: str
    points: Any
    amount: Any
    reason: str
    source_kind: str
    period: str
    source_ref: str = ""


@dataclass(frozen=True)
class Checked:
    staff: Staff
    kind: str
    points: int
    amount: Decimal | None
    reason: str
    source_kind: str
    source_ref: str
    period: str


def _person(scope: Scope, employee_no: str) -> tuple[Staff | None, str]:
    try:
        staff = staff_get_for_scope(scope=scope, employee_no=employee_no)
    except DomainError:
        return None, _("请选择您管辖范围内的员工。")
    if scope.staff is not None and scope.staff.pk == staff.pk:
        return None, _("不能为自己提出奖惩。")
    return staff, ""


def ledger_check(*, scope: Scope, data: NewEntry) -> Checked:
    """``data`` checked field by field (every problem at once, in Chinese, on its field)."""
    errors: dict[str, str] = {}
    staff, message = _person(scope, str(data.employee_no or ""))
    if message:
        errors["staff"] = message
    if data.kind not in LedgerKind.values:
        errors["kind"] = _("请选择奖励或处罚。")
    points = 0 if data.points in (None, "") else data.points
    if message := points_error(points):
        errors["points"] = message
    amount, message = amount_of(data.amount)
    if message:
        errors["amount"] = message
    if not errors.keys() & {"points", "amount"} and points == 0 and not amount:
        errors["points"] = _("请填写分值或金额。")
    if message := text_error(str(data.reason or ""), required=_("请填写事由。")):
        errors["reason"] = message
    if data.source_kind not in LedgerSource.values:
        errors["source_kind"] = _("请选择来源。")
    if message := text_error(str(data.source_ref or ""), required="", limit=REFERENCE_MAX):
        errors["source_ref"] = message
    if message := period_error(str(data.period or "")):
        errors["period"] = message
    if errors or staff is None:
        raise InvalidInput(_("奖惩记录有误。"), errors=errors)
    return Checked(
        staff=staff,
        kind=data.kind,
        points=signed_points(data.kind, points),
        amount=amount,
        reason=str(data.reason).strip(),
        source_kind=data.source_kind,
        source_ref=str(data.source_ref or "").strip(),
        period=str(data.period),
    )


def _entry(checked: Checked, actor: User) -> LedgerEntry:
    at = now()
    entry = LedgerEntry.objects.create(
        staff=checked.staff,
        kind=checked.kind,
        points=checked.points,
        amount=checked.amount,
        reason=checked.reason,
        source_kind=checked.source_kind,
        source_ref=checked.source_ref,
        period=checked.period,
        proposed_by=actor,
        proposed_at=at,
    )
    ledger_event(
        entry=entry,
        type=LedgerEvent.Type.PROPOSED,
        actor=actor,
        at=at,
        kind=entry.kind,
        points=entry.points,
        amount=None if entry.amount is None else f"{entry.amount:.2f}",
        period=entry.period,
        source=entry.source_kind,
        reference=entry.source_ref,
        reason=entry.reason,
    )
    return entry


def ledger_propose(*, scope: Scope, actor: User | AnonymousUser, data: NewEntry) -> LedgerEntry:
    """Propose a reward or penalty for a person in the caller's reach (LEDGER_PROPOSE; never for
    oneself). It counts once a second person approves it."""
    require(scope, Capability.LEDGER_PROPOSE)
    if not isinstance(actor, User):
        raise Forbidden(_("您的岗位无权办理此项业务。"))
    checked = ledger_check(scope=scope, data=data)
    with transaction.atomic():
        return _entry(checked, actor)


def verified_complaint_points() -> int:
    """The points a verified complaint's penalty proposes (GRIDCARE_ASSESSMENT, default -10)."""
    return -abs(int(settings.GRIDCARE_ASSESSMENT.get("LEDGER_VERIFIED_COMPLAINT_POINTS", -10)))


def ledger_propose_for_finding(finding: StaffFinding) -> LedgerEntry | None:
    """The penalty a complaint found true proposes (source 投诉查实, the order's number), by the
    person who found it, inside their transaction; None when the setting's points are 0."""
    points = verified_complaint_points()
    if points == 0:
        return None
    month = f"{finding.created_at.astimezone(SHANGHAI):%Y-%m}"
    checked = Checked(
        staff=finding.staff,
        kind=LedgerKind.PENALTY,
        points=points,
        amount=None,
        reason=finding.note[:500],
        source_kind=LedgerSource.COMPLAINT_VERIFIED,
        source_ref=finding.order.number,
        period=month,
    )
    return _entry(checked, finding.recorded_by)


# -- deciding -------------------------------------------------------------------------------------

_ACTIONS = {
    LedgerStatus.APPROVED: (LedgerEvent.Type.APPROVED, Capability.LEDGER_APPROVE),
    LedgerStatus.REJECTED: (LedgerEvent.Type.REJECTED, Capability.LEDGER_APPROVE),
    LedgerStatus.WITHDRAWN: (LedgerEvent.Type.WITHDRAWN, Capability.LEDGER_PROPOSE),
}


def _may_decide(scope: Scope, actor: User, entry: LedgerEntry, to: LedgerStatus) -> None:
    if to == LedgerStatus.WITHDRAWN:
        if entry.proposed_by_id != actor.pk:
            raise Forbidden(_("只有提出人可以撤回这条奖惩记录。"))
        return
    if entry.proposed_by_id == actor.pk:
        raise Forbidden(_("提出人不能审批自己提出的奖惩，请由另一位审批人办理。"))
    if scope.staff is not None and entry.staff_id == scope.staff.pk:
        raise Forbidden(_("不能审批关于自己的奖惩记录。"))


def _repeated(entry: LedgerEntry, actor: User, to: LedgerStatus) -> bool:
    """The same decision by the same person again (a double click): nothing to do."""
    if entry.status != to:
        return False
    return to == LedgerStatus.WITHDRAWN or entry.decided_by_id == actor.pk


def _decide(*, scope: Scope, actor: User | AnonymousUser, entry_id: int, to: LedgerStatus, note: str) -> LedgerEntry:
    event_type, capability = _ACTIONS[to]
    require(scope, capability)
    if not isinstance(actor, User):
        raise Forbidden(_("您的岗位无权办理此项业务。"))
    note = str(note or "")
    required = _("驳回时请填写意见。") if to == LedgerStatus.REJECTED else ""
    with transaction.atomic():
        entry = ledger_get_for_scope(scope=scope, entry_id=entry_id, lock=True)
        _may_decide(scope, actor, entry, to)
        if message := text_error(note, required=required):
            raise InvalidInput(message, errors={"note": message})
        if _repeated(entry, actor, to):
            return entry
        if entry.status != LedgerStatus.PROPOSED:
            raise Conflict(_("这条奖惩记录已“%(status)s”，不能再办理。") % {"status": LedgerStatus(entry.status).label})
        at = now()
        entry.status = to
        entry.decided_at = at
        entry.decision_note = note.strip()
        entry.decided_by = actor if to != LedgerStatus.WITHDRAWN else None
        entry.save(update_fields=["status", "decided_at", "decision_note", "decided_by"])
        ledger_event(entry=entry, type=event_type, actor=actor, at=at, note=entry.decision_note)
    return entry


def ledger_approve(*, scope: Scope, actor: User | AnonymousUser, entry_id: int, note: str = "") -> LedgerEntry:
    """Approve a proposed entry (LEDGER_APPROVE; a second person: not its proposer, not the
    person it is about); from now on it counts in the totals."""
    return _decide(scope=scope, actor=actor, entry_id=entry_id, to=LedgerStatus.APPROVED, note=note)


def ledger_reject(*, scope: Scope, actor: User | AnonymousUser, entry_id: int, note: str = "") -> LedgerEntry:
    """Reject a proposed entry, saying why (LEDGER_APPROVE; a second person)."""
    return _decide(scope=scope, actor=actor, entry_id=entry_id, to=LedgerStatus.REJECTED, note=note)


def ledger_withdraw(*, scope: Scope, actor: User | AnonymousUser, entry_id: int, note: str = "") -> LedgerEntry:
    """The proposer takes back an entry that waits for a decision."""
    return _decide(scope=scope, actor=actor, entry_id=entry_id, to=LedgerStatus.WITHDRAWN, note=note)
