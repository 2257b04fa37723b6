"""Arrears (BILL-7): penalty waivers approved by a second person, dunning steps with their
time limits, and the daily arrears reminder."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.billing import rules
from gridcare.billing.conf import rule_int
from gridcare.billing.events import bill_event
from gridcare.billing.exceptions import BillingError, InvalidTransition
from gridcare.billing.models import Bill, DunningStep, DunningStepKind, PenaltyWaiver, WaiverStatus
from gridcare.billing.rules.bill_dates import day_check
from gridcare.billing.rules.bill_penalty import bill_penalty
from gridcare.billing.rules.bill_status import OPEN
from gridcare.billing.rules.dunning_steps import DUNNING_TRANSITIONS, cutoff_window, dunning_stage
from gridcare.billing.services.cutoffs import cutoff_notice_sent, cutoff_refusal, reconnected_tell
from gridcare.core.events import actor_user
from gridcare.core.exceptions import Conflict, Forbidden
from gridcare.core.money import ZERO
from gridcare.core.timezone import SHANGHAI
from gridcare.notices.services import notice_enqueue
from gridcare.org.access import Capability, Scope, require

WAIVER_TRANSITIONS: dict[str, set[str]] = {
    WaiverStatus.REQUESTED: {WaiverStatus.APPROVED, WaiverStatus.REJECTED},
    WaiverStatus.APPROVED: set(),
    WaiverStatus.REJECTED: set(),
}


def waiver_request(*, scope: Scope, actor: User, bill: Bill, reason: str) -> PenaltyWaiver:
    require(scope, Capability.WAIVER_REQUEST)
    if not reason.strip():
        raise BillingError(_("请填写免收原因。"), errors={"reason": _("必填项。")})
    if bill.status not in OPEN or bill.penalty_waived:
        raise Conflict(_("该账单已结清或已免收违约金。"))
    try:
        with transaction.atomic():
            waiver = PenaltyWaiver.objects.create(bill=bill, reason=reason.strip()[:200], requested_by=actor)
            bill_event(bill=bill, type="waiver_requested", actor=actor, waiver=waiver.pk, reason=waiver.reason)
    except IntegrityError as exc:
        raise Conflict(_("该账单已有待审批的免收申请。")) from exc
    return waiver


def waiver_decide(*, scope: Scope, actor: User, waiver: PenaltyWaiver, approve: bool) -> PenaltyWaiver:
    """A second person approves or rejects; approval waives the bill's penalty."""
    require(scope, Capability.WAIVER_APPROVE)
    if waiver.requested_by_id == actor.pk:
        raise Forbidden(_("免收申请须由申请人以外的人审批。"))
    to = WaiverStatus.APPROVED if approve else WaiverStatus.REJECTED
    if to not in WAIVER_TRANSITIONS[waiver.status]:
        raise InvalidTransition(_("该申请已审批。"))
    with transaction.atomic():
        changed = PenaltyWaiver.objects.filter(pk=waiver.pk, status=WaiverStatus.REQUESTED).update(
            status=to, decided_by=actor, decided_at=timezone.now()
        )
        if not changed:
            raise InvalidTransition(_("该申请已审批。"))
        bill = Bill.objects.select_for_update().get(pk=waiver.bill_id)
        if approve:
            bill.penalty_waived, bill.penalty_carried = True, ZERO
            bill.save(update_fields=["penalty_waived", "penalty_carried"])
        bill_event(bill=bill, type=f"waiver_{to}", actor=actor, waiver=waiver.pk)
    waiver.refresh_from_db()
    return waiver


def _cutoff_deadline(bill: Bill, step: DunningStepKind, on: date, steps: dict[str, DunningStep]) -> datetime | None:
    """Check the time limits of a cut-off notice or a cut-off; the notice's deadline."""
    if step == DunningStepKind.CUTOFF_NOTICE:
        overdue = rule_int("DISCONNECT_AFTER_OVERDUE_DAYS")
        if not rules.cutoff_notice_allowed(
            bill.due_date, on, reminded=DunningStepKind.REMINDER in steps, overdue_days=overdue
        ):
            too_early = _("欠费逾期满 %(d)s 天且已提醒后，方可送达停电通知。") % {"d": overdue}
            raise BillingError(too_early, errors={"on": too_early})
        # The cut-off may happen from notice + min days up to notice + max days.
        return datetime.combine(cutoff_window(on)[1], time(23, 59), tzinfo=SHANGHAI)
    if step == DunningStepKind.CUTOFF and DunningStepKind.CUTOFF_NOTICE in steps:
        earliest, latest = cutoff_window(steps[DunningStepKind.CUTOFF_NOTICE].done_on)
        if not earliest <= on <= latest:
            outside = _("停电须在停电通知送达后第 %(a)s 至 %(b)s 天之间（%(from)s 至 %(to)s）。") % {
                "a": rule_int("DISCONNECT_NOTICE_MIN_DAYS"),
                "b": rule_int("DISCONNECT_NOTICE_MAX_DAYS"),
                "from": earliest.isoformat(),
                "to": latest.isoformat(),
            }
            raise BillingError(outside, errors={"on": outside})
    return None


def dunning_record(*, bill: Bill, step: DunningStepKind, on: date, actor: User | AnonymousUser | None) -> DunningStep:
    """Record a dunning step, refusing one the rules or the order of steps do not allow yet."""
    if bill.status not in OPEN:
        raise Conflict(_("该账单已结清。"))
    if step == DunningStepKind.RECONNECT:
        raise BillingError(_("复电在缴清欠费时自动安排。"))
    day_check(on, "on")
    if on < bill.due_date + timedelta(days=1):
        not_yet = _("这一天账单尚未逾期（缴费截止日 %(due)s）。") % {"due": bill.due_date.isoformat()}
        raise BillingError(_("账单尚未逾期。"), errors={"on": not_yet})
    cutoff_refusal(bill, step)  # a kept instalment plan; a protected customer (issue 19)
    steps = {s.step: s for s in bill.dunning_steps.all() if s.superseded_on is None}
    if step == DunningStepKind.NOTICE and DunningStepKind.REMINDER not in steps:
        raise BillingError(_("须先发欠费提醒。"))
    deadline = _cutoff_deadline(bill, step, on, steps)
    stage = dunning_stage(set(steps))
    if step not in DUNNING_TRANSITIONS[stage]:
        raise InvalidTransition(
            _("催费步骤不能从“%(a)s”进行到“%(b)s”。")
            % {"a": DunningStepKind(stage).label if stage else _("未催费"), "b": step.label}
        )
    try:
        with transaction.atomic():
            made = DunningStep.objects.create(
                bill=bill, step=step, done_on=on, deadline=deadline, actor=actor_user(actor)
            )
            bill_event(bill=bill, type=f"dunning_{step}", actor=actor, on=on.isoformat())
            if step == DunningStepKind.CUTOFF_NOTICE:
                cutoff_notice_sent(bill=bill, step=made)
    except IntegrityError as exc:
        raise Conflict(_("该步骤已记录。")) from exc
    return made


def dunning_step_take(*, scope: Scope, bill: Bill, step: DunningStepKind, on: date, actor: User) -> DunningStep:
    """A billing clerk records a step taken (a cut-off notice served, a cut-off carried out)."""
    require(scope, Capability.BILLING_OFFICE)
    return dunning_record(bill=bill, step=step, on=on, actor=actor)


def reconnection_done(*, scope: Scope, step: DunningStep, actor: User, at: datetime) -> DunningStep:
    """Record that the supply of a paid-up account was restored; the event says whether it
    was within the time limit (the step's deadline, 24 h after the payment)."""
    require(scope, Capability.BILLING_OFFICE)
    if step.step != DunningStepKind.RECONNECT:
        raise InvalidTransition(_("该记录不是复电安排。"))
    if at.tzinfo is None:
        raise BillingError(_("复电时间须带时区。"))
    day_check(at, "at")
    with transaction.atomic():
        done = DunningStep.objects.filter(pk=step.pk, completed_at__isnull=True).update(
            completed_at=at, completed_by=actor
        )
        if not done:
            raise InvalidTransition(_("复电已记录。"))
        on_time = step.deadline is None or at <= step.deadline
        bill_event(bill=step.bill, type="dunning_reconnected", actor=actor, at=at.isoformat(), on_time=on_time)
        reconnected_tell(step=step, at=at)
    step.refresh_from_db()
    return step


def remind_arrears(*, on: date, batch: int = 1000) -> int:
    """Queue an arrears reminder for every overdue open bill that has none yet. Running it
    again the same day (or any day) sends nothing twice: the step row and the notice's
    dedupe key are both unique per bill."""
    sent = 0
    overdue = (
        Bill.objects.filter(status__in=OPEN, due_date__lt=on, penalty_paused=False)
        .exclude(
            Exists(
                DunningStep.objects.filter(
                    bill=OuterRef("pk"), step=DunningStepKind.REMINDER, superseded_on__isnull=True
                )
            )
        )
        .select_related("account__customer")
        .order_by("id")
    )
    while True:
        with transaction.atomic():
            bills = list(overdue[:batch])
            if not bills:
                return sent
            for bill in bills:
                sent += _remind(bill, on)


def _remind(bill: Bill, on: date) -> int:
    DunningStep.objects.create(bill=bill, step=DunningStepKind.REMINDER, done_on=on)
    phone = bill.account.customer.contacts.filter(is_primary=True).values_list("phone", flat=True).first()
    if not phone:
        return 0
    owed = bill.amount - bill.paid + bill_penalty(bill, on)
    notice = notice_enqueue(
        template_code="arrears_reminder",
        variables={"account_no": bill.account.account_no, "amount": owed, "days": (on - bill.due_date).days},
        recipient=phone,
        account_id=bill.account_id,
        dedupe_key=f"arrears:{bill.pk}:reminder",
    )
    return 1 if notice is not None else 0
