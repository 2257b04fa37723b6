"""Cut-off for arrears, issue 19 (BILL-7, SPEC table "written notice 3-7 days before, again 30
minutes before"): protected customers (保护性客户) and the supervisor's approval their cut-off
needs, the planned cut-off time with its last warning, and the messages at the cut-off notice
and at reconnection. Every message goes through the one outbox writer (category "arrears":
the customer's chosen channel is used)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.billing.conf import rule_int
from gridcare.billing.events import bill_event
from gridcare.billing.exceptions import BillingError
from gridcare.billing.models import (
    Bill,
    CutoffApproval,
    CutoffPlan,
    DunningStep,
    DunningStepKind,
    ProtectedAccount,
    ProtectedReason,
)
from gridcare.billing.rules.bill_penalty import bill_penalty
from gridcare.billing.rules.bill_status import OPEN
from gridcare.billing.rules.dunning_steps import cutoff_window
from gridcare.billing.rules.instalments import warning_at
from gridcare.core.exceptions import Conflict, InvalidInput
from gridcare.core.timezone import SHANGHAI
from gridcare.customers.models import Account
from gridcare.notices import rules as notice_rules
from gridcare.notices.conf import notice_setting
from gridcare.notices.services import notice_enqueue
from gridcare.notices.services.withdrawals import notice_withdraw
from gridcare.org.access import Capability, Scope, require


def primary_phone(account: Account) -> str | None:
    return account.customer.contacts.filter(is_primary=True).values_list("phone", flat=True).first()


def _shanghai(moment: datetime) -> str:
    return f"{moment.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"


# --- protected customers ---------------------------------------------------------------------


def active_protection(account_id: int) -> ProtectedAccount | None:
    return ProtectedAccount.objects.filter(account_id=account_id, ended_at__isnull=True).first()


def protected_record(
    *, scope: Scope, actor: User, account: Account, reason: str, evidence: str, review_on: date, today: date
) -> ProtectedAccount:
    """Record an account as protected (reason code, evidence seen, when to review it)."""
    require(scope, Capability.PROTECTED_EDIT)
    errors: dict[str, str] = {}
    if reason not in ProtectedReason.values:
        errors["reason"] = _("请选择保护原因。")
    if not isinstance(evidence, str) or not 1 <= len(evidence.strip()) <= 300:
        errors["evidence"] = _("请填写所见证明材料（最多 300 字）。")
    if not isinstance(review_on, date) or not today < review_on <= today + timedelta(days=3 * 366):
        errors["review_on"] = _("复核日期须在今天之后三年以内。")
    if errors:
        raise InvalidInput(_("保护性客户登记有误。"), errors=errors)
    try:
        with transaction.atomic():
            protection = ProtectedAccount.objects.create(
                account=account,
                reason=reason,
                evidence=evidence.strip(),
                review_on=review_on,
                recorded_by=actor,
                recorded_at=timezone.now(),
            )
    except IntegrityError as exc:
        raise Conflict(_("该户已登记为保护性客户。")) from exc
    return protection


def protected_end(*, scope: Scope, actor: User, protection: ProtectedAccount, note: str) -> ProtectedAccount:
    require(scope, Capability.PROTECTED_EDIT)
    if not isinstance(note, str) or not 1 <= len(note.strip()) <= 200:
        raise InvalidInput(_("请填写解除原因（最多 200 字）。"), errors={"note": _("必填，最多 200 字。")})
    ended = ProtectedAccount.objects.filter(pk=protection.pk, ended_at__isnull=True).update(
        ended_at=timezone.now(), ended_by=actor, end_note=note.strip()
    )
    if not ended:
        raise Conflict(_("该保护登记已解除。"))
    protection.refresh_from_db()
    return protection


def cutoff_approve(*, scope: Scope, actor: User, bill: Bill, note: str) -> CutoffApproval:
    """A supervisor approves cutting off a protected account's supply for this bill."""
    require(scope, Capability.CUTOFF_PROTECTED_APPROVE)
    if not isinstance(note, str) or not 1 <= len(note.strip()) <= 200:
        raise InvalidInput(_("请填写审批意见（最多 200 字）。"), errors={"note": _("必填，最多 200 字。")})
    protection = active_protection(bill.account_id)
    if protection is None:
        raise Conflict(_("该户不是保护性客户，停电无须主管批准。"))
    if bill.status not in OPEN:
        raise Conflict(_("该账单已结清。"))
    try:
        with transaction.atomic():
            approval = CutoffApproval.objects.create(
                bill=bill, protection=protection, note=note.strip(), approved_by=actor, approved_at=timezone.now()
            )
            bill_event(bill=bill, type="cutoff_protected_approved", actor=actor, note=approval.note)
    except IntegrityError as exc:
        raise Conflict(_("该账单的停电已获批准。")) from exc
    return approval


def cutoff_refusal(bill: Bill, step: str) -> None:
    """Refuse a dunning step the bill's plan or protection does not allow (called by the
    dunning service before anything is written)."""
    if bill.penalty_paused:
        raise Conflict(_("该账单在履约中的分期缴费计划内，暂停催费与停电。"))
    if step != DunningStepKind.CUTOFF:
        return
    protection = active_protection(bill.account_id)
    if protection is not None and not CutoffApproval.objects.filter(bill=bill).exists():
        raise Conflict(
            _("户号 %(no)s 为保护性客户（%(why)s），停电须经主管批准。")
            % {"no": bill.account.account_no, "why": protection.get_reason_display()}
        )


# --- the planned cut-off and its messages ----------------------------------------------------------


def cutoff_notice_sent(*, bill: Bill, step: DunningStep) -> None:
    """The written cut-off notice was served: the customer is also told by message."""
    phone = primary_phone(bill.account)
    if not phone:
        return
    earliest, latest = cutoff_window(step.done_on)
    notice_enqueue(
        template_code="cutoff_notice",
        variables={
            "account_no": bill.account.account_no,
            "amount": bill.amount - bill.paid + bill_penalty(bill, step.done_on),
            "days": (step.done_on - bill.due_date).days,
            "start": earliest.isoformat(),
            "end": latest.isoformat(),
        },
        recipient=phone,
        account_id=bill.account_id,
        dedupe_key=f"arrears:{bill.pk}:cutoff_notice:{step.pk}",
    )


def live_notice(bill: Bill) -> DunningStep | None:
    """The cut-off notice the bill's dunning is at now (one served before a broken plan is superseded)."""
    return bill.dunning_steps.filter(step=DunningStepKind.CUTOFF_NOTICE, superseded_on__isnull=True).first()


def _planned_at_errors(notice: DunningStep | None, planned_at: datetime, now: datetime) -> str | None:
    if notice is None:
        return _("须先送达停电通知，才能安排停电时间。")
    earliest, latest = cutoff_window(notice.done_on)
    local = planned_at.astimezone(SHANGHAI)
    if not earliest <= local.date() <= latest:
        return _("停电时间须在 %(a)s 至 %(b)s 之间。") % {"a": earliest.isoformat(), "b": latest.isoformat()}
    minutes = rule_int("DISCONNECT_FINAL_NOTICE_MINUTES")
    warn = warning_at(planned_at, minutes)
    if warn <= now:
        return _("停电时间须晚于现在 %(m)s 分钟以上，以便提前提醒。") % {"m": minutes}
    quiet = notice_rules.parse_quiet_hours(str(notice_setting("QUIET_HOURS")))
    if notice_rules.in_quiet_hours(warn, quiet):
        return _("停电前 %(m)s 分钟的提醒会落在免打扰时段，请另选停电时间。") % {"m": minutes}
    return None


def cutoff_schedule(*, scope: Scope, actor: User, bill: Bill, planned_at: datetime) -> CutoffPlan:
    """Plan when the supply is cut (inside the notice's window) and queue the last warning,
    held until ``DISCONNECT_FINAL_NOTICE_MINUTES`` before it (once per bill)."""
    require(scope, Capability.BILLING_OFFICE)
    if not isinstance(planned_at, datetime) or planned_at.tzinfo is None:
        raise BillingError(_("请填写停电时间。"), errors={"planned_at": _("请填写停电时间。")})
    if bill.status not in OPEN:
        raise Conflict(_("该账单已结清。"))
    cutoff_refusal(bill, DunningStepKind.CUTOFF)
    notice = live_notice(bill)
    if error := _planned_at_errors(notice, planned_at, timezone.now()):
        raise BillingError(error, errors={"planned_at": error})
    assert notice is not None  # _planned_at_errors refuses a bill without one
    if bill.dunning_steps.filter(step=DunningStepKind.CUTOFF).exists():
        raise Conflict(_("该账单已停电。"))
    warn = warning_at(planned_at, rule_int("DISCONNECT_FINAL_NOTICE_MINUTES"))
    try:
        with transaction.atomic():
            plan = CutoffPlan.objects.create(
                bill=bill,
                notice=notice,
                planned_at=planned_at,
                warn_at=warn,
                planned_by=actor,
                created_at=timezone.now(),
            )
            bill_event(bill=bill, type="cutoff_planned", actor=actor, at=planned_at.isoformat())
            _warn(bill, plan)
    except IntegrityError as exc:
        raise Conflict(_("该账单已安排停电时间。")) from exc
    return plan


def _warn(bill: Bill, plan: CutoffPlan) -> None:
    phone = primary_phone(bill.account)
    if not phone:
        return
    notice_enqueue(
        template_code="cutoff_warning",
        variables={
            "account_no": bill.account.account_no,
            "amount": bill.amount - bill.paid + bill_penalty(bill, plan.planned_at.astimezone(SHANGHAI).date()),
            "at": _shanghai(plan.planned_at),
        },
        recipient=phone,
        account_id=bill.account_id,
        dedupe_key=warning_key(plan),
        not_before=plan.warn_at,
    )


def warning_key(plan: CutoffPlan) -> str:
    return f"arrears:{plan.bill_id}:cutoff_warning:{plan.notice_id}"


def cutoff_warnings_withdraw(*, bill_ids: Sequence[int], reason: str) -> int:
    """A queued last warning whose cut-off will not happen (paid up, in a plan) is never sent."""
    plans = CutoffPlan.objects.filter(bill_id__in=list(bill_ids))
    return sum(notice_withdraw(dedupe_key=warning_key(p), reason=reason) for p in plans)


def reconnected_tell(*, step: DunningStep, at: datetime) -> None:
    """The supply was restored: the customer is told."""
    account = step.bill.account
    phone = primary_phone(account)
    if not phone:
        return
    notice_enqueue(
        template_code="supply_reconnected",
        variables={"account_no": account.account_no, "at": _shanghai(at)},
        recipient=phone,
        account_id=account.pk,
        dedupe_key=f"arrears:{step.bill_id}:reconnected",
    )
