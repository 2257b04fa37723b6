"""Instalment plans for arrears (分期缴费, issue 19, BILL-7).

A billing clerk proposes a plan for an account's overdue bills: its total is what they owe on
the day of the request (electricity and penalty), in ``count`` monthly instalments to the fen
(the remainder on the last). Another person approves it (``core.approval.second_person``, as
refunds). Approval settles the bills' penalty to the plan's start (carried, inside the total)
and pauses it (``Bill.penalty_paused``, read by ``rules.bill_penalty``); while the plan is kept
the bills accrue nothing and wait outside the dunning list. Payments go to the bills as always
(penalty first, oldest first); what the plan's bills no longer owe pays the instalments in
order. The worker's daily ``check_instalments`` completes a paid-up plan and breaks one whose
instalment is still unpaid ``INSTALMENT_GRACE_DAYS`` after its due date: penalties resume the
day after that last day of grace and dunning starts again (a message, the bills back on the
dunning list)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.billing.conf import arrears_decimal, arrears_int
from gridcare.billing.events import bill_event, plan_event
from gridcare.billing.exceptions import InvalidTransition
from gridcare.billing.models import (
    Bill,
    DunningStep,
    DunningStepKind,
    Instalment,
    InstalmentPlan,
    InstalmentPlanEvent,
    PlanStatus,
)
from gridcare.billing.rules.bill_penalty import bill_penalty, penalty_parts
from gridcare.billing.rules.bill_status import OPEN
from gridcare.billing.rules.instalments import broken_on, instalment_amounts, instalment_dates, schedule
from gridcare.billing.services.cutoffs import cutoff_warnings_withdraw, primary_phone
from gridcare.core.approval import decision_note, second_person
from gridcare.core.exceptions import Conflict, InvalidInput
from gridcare.core.money import ZERO
from gridcare.core.timezone import business_date
from gridcare.customers.models import Account
from gridcare.notices.services import notice_enqueue
from gridcare.org.access import Capability, Scope, require

PLAN_TRANSITIONS: dict[str, set[str]] = {
    PlanStatus.PENDING: {PlanStatus.KEPT, PlanStatus.REJECTED},
    PlanStatus.KEPT: {PlanStatus.COMPLETED, PlanStatus.BROKEN},
    PlanStatus.COMPLETED: set(),
    PlanStatus.BROKEN: set(),
    PlanStatus.REJECTED: set(),
}


@dataclass(frozen=True)
class PlanIn:
    count: int
    first_due: date
    reason: str
    request_key: str


@dataclass(frozen=True)
class PlanPreview:
    start_on: date
    bills: list[Bill]
    total: Decimal
    lines: list[tuple[date, Decimal]]


def plan_bills(account: Account, on: date) -> list[Bill]:
    """The account's overdue open bills a plan on ``on`` takes (none already in a kept plan)."""
    return list(
        Bill.objects.filter(account=account, status__in=OPEN, due_date__lt=on, penalty_paused=False)
        .select_related("account")
        .order_by("period", "id")
    )


def owed_on(bills: list[Bill], on: date) -> Decimal:
    return sum((b.amount - b.paid + bill_penalty(b, on) for b in bills), ZERO)


def _count_error(count: object) -> str | None:
    low, high = arrears_int("INSTALMENT_MIN_COUNT"), arrears_int("INSTALMENT_MAX_COUNT")
    if not isinstance(count, int) or isinstance(count, bool) or not low <= count <= high:
        return _("期数应为 %(a)s 至 %(b)s 期。") % {"a": low, "b": high}
    return None


def _first_due_error(first_due: object, on: date) -> str | None:
    latest = on + timedelta(days=arrears_int("INSTALMENT_FIRST_DUE_MAX_DAYS"))
    if not isinstance(first_due, date) or not on <= first_due <= latest:
        return _("首期应缴日期须在 %(a)s 至 %(b)s 之间。") % {"a": on.isoformat(), "b": latest.isoformat()}
    return None


def _validate(account: Account, data: PlanIn, on: date) -> PlanPreview:
    """Every field checked (one Chinese message each), then the plan's bills and instalments."""
    errors: dict[str, str] = {}
    if error := _count_error(data.count):
        errors["count"] = error
    if error := _first_due_error(data.first_due, on):
        errors["first_due"] = error
    if not isinstance(data.reason, str) or not 1 <= len(data.reason.strip()) <= 200:
        errors["reason"] = _("请填写分期原因（最多 200 字）。")
    if not isinstance(data.request_key, str) or not 1 <= len(data.request_key) <= 64:
        errors["request_key"] = _("申请表单已失效，请重新打开。")
    if errors:
        raise InvalidInput(_("分期申请有误。"), errors=errors)
    bills = plan_bills(account, on)
    total = owed_on(bills, on)
    if not bills or total <= 0:
        raise Conflict(_("该户没有可分期的逾期欠费。"))
    amounts = instalment_amounts(total, data.count)
    minimum = arrears_decimal("INSTALMENT_MIN_AMOUNT")
    if amounts[0] < minimum:
        most = max(1, int(total // minimum))
        message = _("每期不少于 %(m)s 元：欠费 %(t)s 元最多分 %(n)s 期。") % {"m": minimum, "t": total, "n": most}
        raise InvalidInput(message, errors={"count": message})
    return PlanPreview(on, bills, total, list(zip(instalment_dates(data.first_due, data.count), amounts, strict=True)))


def instalment_preview(*, scope: Scope, account: Account, data: PlanIn, on: date | None = None) -> PlanPreview:
    """What the plan would be (its bills, total and instalments): the request's checks, no write."""
    require(scope, Capability.INSTALMENT_REQUEST)
    return _validate(account, data, on or business_date())


def plan_request(
    *, scope: Scope, actor: User, account: Account, data: PlanIn, on: date | None = None
) -> tuple[InstalmentPlan, bool]:
    """Propose a plan; (plan, created). The same form key again returns the first plan."""
    require(scope, Capability.INSTALMENT_REQUEST)
    preview = _validate(account, data, on or business_date())
    with transaction.atomic():
        Account.objects.select_for_update().filter(pk=account.pk).first()
        existing = InstalmentPlan.objects.filter(request_key=data.request_key).first()
        if existing is not None:
            if existing.account_id != account.pk:
                raise Conflict(_("这张申请表已提交过另一户的分期，请重新打开申请页面。"))
            return existing, False
        try:
            with transaction.atomic():
                plan = _create(account, data, preview, actor)
        except IntegrityError as exc:
            raise Conflict(_("该户已有待审批或履约中的分期计划。")) from exc
        plan_event(
            plan=plan,
            type=InstalmentPlanEvent.Type.REQUESTED,
            actor=actor,
            total=str(plan.total),
            count=plan.count,
            reason=plan.reason,
        )
    return plan, True


def _create(account: Account, data: PlanIn, preview: PlanPreview, actor: User) -> InstalmentPlan:
    plan = InstalmentPlan.objects.create(
        request_key=data.request_key,
        account=account,
        total=preview.total,
        count=data.count,
        start_on=preview.start_on,
        reason=data.reason.strip(),
        requested_by=actor,
        requested_at=timezone.now(),
    )
    plan.bills.set(preview.bills)
    Instalment.objects.bulk_create(
        Instalment(plan=plan, number=n, due_date=due, amount=amount)
        for n, (due, amount) in enumerate(preview.lines, start=1)
    )
    return plan


def plan_transition(
    *,
    plan: InstalmentPlan,
    to: PlanStatus,
    actor: User | None,
    event: InstalmentPlanEvent.Type,
    parameters: dict[str, object] | None = None,
    **changes: object,
) -> InstalmentPlan:
    """The one write of a plan's status: the table, a conditional UPDATE (a second person
    acting at the same moment finds it done), the event row. ``changes``: the step's fields."""
    if to not in PLAN_TRANSITIONS[plan.status]:
        raise InvalidTransition(
            _("分期计划不能从“%(a)s”变为“%(b)s”。") % {"a": plan.get_status_display(), "b": to.label}
        )
    if not InstalmentPlan.objects.filter(pk=plan.pk, status=plan.status).update(status=to, **changes):
        raise InvalidTransition(_("该分期计划已被他人处理，请刷新页面。"))
    plan.refresh_from_db()
    plan_event(plan=plan, type=event, actor=actor, **(parameters or {}))
    return plan


def plan_decide(*, scope: Scope, actor: User, plan: InstalmentPlan, approve: bool, note: str = "") -> InstalmentPlan:
    """A second person approves (the bills' penalty settled to the start and paused, the
    customer told) or rejects (nothing else changes)."""
    require(scope, Capability.INSTALMENT_APPROVE)
    second_person(asked_by_id=plan.requested_by_id, actor=actor, message=_("分期计划须由申请人以外的人审批。"))
    note = decision_note(note)
    to = PlanStatus.KEPT if approve else PlanStatus.REJECTED
    with transaction.atomic():
        Account.objects.select_for_update().filter(pk=plan.account_id).first()
        bills = list(Bill.objects.select_for_update().filter(instalment_plans=plan).order_by("period", "id"))
        if approve:
            _still_owed(plan, bills)
        plan = plan_transition(
            plan=plan,
            to=to,
            actor=actor,
            event=InstalmentPlanEvent.Type.APPROVED if approve else InstalmentPlanEvent.Type.REJECTED,
            parameters={"note": note} if note else {},
            decided_by=actor,
            decided_at=timezone.now(),
            decision_note=note,
        )
        if approve:
            _pause(plan, bills, actor)
    return plan


def _still_owed(plan: InstalmentPlan, bills: list[Bill]) -> None:
    """Approval holds only if the bills still owe the plan's total at its start."""
    moved = any(b.status not in OPEN or (b.penalty_settled_to or plan.start_on) > plan.start_on for b in bills)
    if moved or owed_on(bills, plan.start_on) != plan.total:
        raise Conflict(_("申请后该户欠费已有变化（有缴费或冲正），请驳回后重新申请分期。"))


def _pause(plan: InstalmentPlan, bills: list[Bill], actor: User) -> None:
    """Settle each bill's penalty to the plan's start (as a payment would, paying nothing) and
    pause it; a planned cut-off's warning is withdrawn."""
    for bill in bills:
        segment, owed = penalty_parts(bill, plan.start_on)
        if plan.start_on > bill.due_date:
            bill.penalty_settled_to = plan.start_on
            bill.penalty_accrued += segment
            bill.penalty_carried = owed
        bill.penalty_paused = True
        bill.save(update_fields=["penalty_settled_to", "penalty_accrued", "penalty_carried", "penalty_paused"])
        bill_event(bill=bill, type="instalment_plan_kept", actor=actor, plan=plan.pk)
    cutoff_warnings_withdraw(bill_ids=[b.pk for b in bills], reason="instalment plan")
    first = plan.instalments.order_by("number").first()
    phone = primary_phone(plan.account)
    if phone and first is not None:
        notice_enqueue(
            template_code="instalment_plan_approved",
            variables={
                "account_no": plan.account.account_no,
                "amount": plan.total,
                "count": plan.count,
                "first": first.amount,
                "due_date": first.due_date.isoformat(),
            },
            recipient=phone,
            account_id=plan.account_id,
            dedupe_key=f"instalment:{plan.pk}:approved",
        )


def plan_owed(plan: InstalmentPlan) -> Decimal:
    """What the plan's bills still owe (their penalty is paused: the carried part)."""
    bills = Bill.objects.filter(instalment_plans=plan)
    return sum((b.amount - b.paid + b.penalty_carried for b in bills if b.status in OPEN), ZERO)


def plan_schedule(plan: InstalmentPlan) -> list[tuple[Instalment, Decimal]]:
    """Each instalment with what has been paid of it (payments in order, first to last)."""
    instalments = list(plan.instalments.order_by("number"))
    paid = plan.total - plan_owed(plan) if plan.status in (PlanStatus.KEPT, PlanStatus.COMPLETED) else ZERO
    rows = schedule([(i.due_date, i.amount) for i in instalments], paid)
    return [(i, row.paid) for i, row in zip(instalments, rows, strict=True)]


def instalments_check(*, on: date) -> tuple[int, int]:
    """The daily job: (broken, completed) kept plans. Running it twice changes nothing more."""
    broken = completed = 0
    grace = arrears_int("INSTALMENT_GRACE_DAYS")
    for plan in InstalmentPlan.objects.filter(status=PlanStatus.KEPT).select_related("account").order_by("id"):
        with transaction.atomic():
            owed = plan_owed(plan)
            instalments = list(plan.instalments.order_by("number"))
            rows = schedule([(i.due_date, i.amount) for i in instalments], plan.total - owed)
            if owed <= 0:
                _end(plan, PlanStatus.COMPLETED, on)
                completed += 1
            elif (last_day := broken_on(rows, on, grace_days=grace)) is not None:
                missed = next(r for r in rows if r.left > 0)
                _break(plan, last_day, missed.number, on)
                broken += 1
    return broken, completed


def _dunning_restart(bill: Bill, on: date) -> None:
    """Dunning starts again from the reminder (the plan-broken message is it): the steps taken
    before the plan are superseded, kept as history. A supply already cut stays cut, its steps
    live (paying up reconnects it)."""
    steps = DunningStep.objects.filter(bill=bill, superseded_on__isnull=True)
    if steps.filter(step=DunningStepKind.CUTOFF).exists():
        return
    steps.update(superseded_on=on)
    DunningStep.objects.create(bill=bill, step=DunningStepKind.REMINDER, done_on=on)
    bill_event(bill=bill, type="dunning_restarted", actor=None, on=on.isoformat())


def _end(plan: InstalmentPlan, to: PlanStatus, on: date) -> None:
    plan_transition(plan=plan, to=to, actor=None, event=InstalmentPlanEvent.Type.COMPLETED, ended_on=on)
    Bill.objects.filter(instalment_plans=plan).update(penalty_paused=False)


def _break(plan: InstalmentPlan, last_day: date, number: int, on: date) -> None:
    """Penalties resume the day after ``last_day``; the bills go back to dunning; the customer is told."""
    plan_transition(
        plan=plan,
        to=PlanStatus.BROKEN,
        actor=None,
        event=InstalmentPlanEvent.Type.BROKEN,
        parameters={"number": number, "on": (last_day + timedelta(days=1)).isoformat()},
        broken_on=last_day,
        ended_on=on,
    )
    for bill in Bill.objects.select_for_update().filter(instalment_plans=plan, penalty_paused=True).order_by("id"):
        bill.penalty_paused = False
        if bill.status in OPEN:
            bill.penalty_settled_to = max(last_day, bill.penalty_settled_to or last_day)
        bill.save(update_fields=["penalty_paused", "penalty_settled_to"])
        bill_event(bill=bill, type="instalment_plan_broken", actor=None, plan=plan.pk, on=last_day.isoformat())
        if bill.status in OPEN:
            _dunning_restart(bill, on)
    phone = primary_phone(plan.account)
    if phone:
        notice_enqueue(
            template_code="instalment_plan_broken",
            variables={
                "account_no": plan.account.account_no,
                "number": number,
                "amount": plan_owed(plan),
                "date": (last_day + timedelta(days=1)).isoformat(),
            },
            recipient=phone,
            account_id=plan.account_id,
            dedupe_key=f"instalment:{plan.pk}:broken",
        )
