"""Arrears (BILL-7): penalty waivers approved by a second person, dunning steps with their
time limits, and the daily arrears reminder."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.billing import rules
from gridcare.billing.access import WAIVER_APPROVE_ROLES, WAIVER_REQUEST_ROLES, require
from gridcare.billing.conf import rule_int
from gridcare.billing.events import bill_event
from gridcare.billing.exceptions import BillingError, InvalidTransition
from gridcare.billing.models import Bill, DunningStep, DunningStepKind, PenaltyWaiver, WaiverStatus
from gridcare.billing.services.payments import OPEN, bill_penalty
from gridcare.core.exceptions import Conflict, Forbidden
from gridcare.core.money import ZERO
from gridcare.core.timezone import SHANGHAI
from gridcare.notices.services import notice_enqueue
from gridcare.org.access import Scope

WAIVER_TRANSITIONS: dict[str, set[str]] = {
    WaiverStatus.REQUESTED: {WaiverStatus.APPROVED, WaiverStatus.REJECTED},
    WaiverStatus.APPROVED: set(),
    WaiverStatus.REJECTED: set(),
}


def waiver_request(*, scope: Scope, actor: User, bill: Bill, reason: str) -> PenaltyWaiver:
    require(scope, WAIVER_REQUEST_ROLES)
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
    require(scope, WAIVER_APPROVE_ROLES)
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


def dunning_record(*, bill: Bill, step: DunningStepKind, on: date, actor: User | AnonymousUser | None) -> DunningStep:
    """Record a dunning step, refusing one the rules do not allow yet."""
    if bill.status not in OPEN:
        raise Conflict(_("该账单已结清。"))
    steps = set(bill.dunning_steps.values_list("step", flat=True))
    dates = rules.dunning_dates(
        bill.due_date,
        notice_served=on,
        overdue_days=rule_int("DISCONNECT_AFTER_OVERDUE_DAYS"),
        notice_min_days=rule_int("DISCONNECT_NOTICE_MIN_DAYS"),
        notice_max_days=rule_int("DISCONNECT_NOTICE_MAX_DAYS"),
    )
    deadline: datetime | None = None
    if on < dates.reminder_from:
        raise BillingError(_("账单尚未逾期。"))
    if step == DunningStepKind.NOTICE and DunningStepKind.REMINDER not in steps:
        raise BillingError(_("须先发欠费提醒。"))
    if step == DunningStepKind.CUTOFF_NOTICE:
        reminded = DunningStepKind.REMINDER in steps
        if not rules.cutoff_notice_allowed(
            bill.due_date, on, reminded=reminded, overdue_days=rule_int("DISCONNECT_AFTER_OVERDUE_DAYS")
        ):
            raise BillingError(
                _("欠费逾期满 %(d)s 天且已提醒后，方可送达停电通知。")
                % {"d": rule_int("DISCONNECT_AFTER_OVERDUE_DAYS")}
            )
        # The cut-off may happen from notice + min days up to notice + max days.
        deadline = datetime.combine(dates.cutoff_latest, time(23, 59), tzinfo=SHANGHAI)
    if step == DunningStepKind.RECONNECT:
        raise BillingError(_("复电在缴清欠费时自动安排。"))
    try:
        with transaction.atomic():
            made = DunningStep.objects.create(
                bill=bill, step=step, done_on=on, deadline=deadline, actor=actor if isinstance(actor, User) else None
            )
            bill_event(bill=bill, type=f"dunning_{step}", actor=actor, on=on.isoformat())
    except IntegrityError as exc:
        raise Conflict(_("该步骤已记录。")) from exc
    return made


def remind_arrears(*, on: date, batch: int = 1000) -> int:
    """Queue an arrears reminder for every overdue open bill that has none yet. Running it
    again the same day (or any day) sends nothing twice: the step row and the notice's
    dedupe key are both unique per bill."""
    sent = 0
    overdue = (
        Bill.objects.filter(status__in=OPEN, due_date__lt=on)
        .exclude(dunning_steps__step=DunningStepKind.REMINDER)
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


def cutoff_window(notice_on: date) -> tuple[date, date]:
    return notice_on + timedelta(days=rule_int("DISCONNECT_NOTICE_MIN_DAYS")), notice_on + timedelta(
        days=rule_int("DISCONNECT_NOTICE_MAX_DAYS")
    )
