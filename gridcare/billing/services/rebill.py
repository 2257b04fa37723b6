"""Cancel and re-bill (作废重开, issue 19): a wrong bill is cancelled and billed again from the
corrected data by the bill run's own rules, on a second person's approval.

``bill_rebill`` is the one write, for a correction and for the batch re-bill's bills that have
money on them: in the caller's transaction, with the account's row locked, the old bill becomes
``cancelled`` (kept, linked to its replacement), the new bill is priced by
``rules.compute.bill_charges`` (or the batch's engine prices, equal to it to the fen), the old
bill's payment allocations, prepaid deduction and credit/debit notes are re-pointed to the new
one, and the new bill's money is worked out again from its own dates (``bill_replay``: penalty
first, then principal, what is paid beyond it to the prepaid balance like an overpayment). The
customer is told through the outbox."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.billing.conf import billing_int, billing_str
from gridcare.billing.events import correction_event
from gridcare.billing.exceptions import CorrectionRefused
from gridcare.billing.models import (
    SYSTEM_REASONS,
    Adjustment,
    AdjustmentStatus,
    Bill,
    BillCorrection,
    BillStatus,
    CorrectionEvent,
    CorrectionReason,
    CorrectionStatus,
    PaymentAllocation,
    PrepaidEntry,
    Reading,
    ReadingStatus,
    Tariff,
    TariffKind,
    TierPeriod,
)
from gridcare.billing.rules.bill_dates import period_start
from gridcare.billing.rules.compute import Charges, Usage, bill_charges, usage_of
from gridcare.billing.rules.numbers import decimal_error
from gridcare.billing.rules.rebill import Note, notes_to_apply, rebill_due_date
from gridcare.billing.selectors import year_billed_kwh
from gridcare.billing.services.bill_replay import DEDUCTION_KINDS, bill_replay
from gridcare.billing.services.bill_status import bill_transition
from gridcare.billing.services.prepaid import prepaid_rebill_return
from gridcare.billing.services.tariffs import tariffs_in_force
from gridcare.core.approval import claim, decision_note, second_person
from gridcare.core.exceptions import InvalidInput
from gridcare.core.money import ZERO
from gridcare.core.timezone import business_date
from gridcare.customers.models import Account
from gridcare.invoicing.services.red import invoices_for_rebill
from gridcare.notices.services import notice_enqueue
from gridcare.org.access import Capability, Scope, require

Actor = User | AnonymousUser | None
MONEY_FIELDS = ["paid", "penalty_paid", "penalty_settled_to", "penalty_carried", "penalty_accrued"]


@dataclass(frozen=True)
class Repriced:
    """A bill priced again: the tariff in force for its period, the usage, the kWh billed
    earlier in the year, the charges, and the notes it carries."""

    tariff: Tariff
    usage: Usage
    prior_kwh: Decimal
    charges: Charges
    notes: list[int]
    adjustment: Decimal
    # The same year's later bills the re-bill moves on the yearly tiers, each priced again (the
    # preview lists them; the approval re-bills them with it).
    later: tuple[tuple[Bill, Repriced], ...] = ()

    @property
    def amount(self) -> Decimal:
        return self.charges.total + self.adjustment


def bill_tariff(bill: Bill) -> Tariff:
    """The tariff the account's code has in force in the bill's period (corrected or not)."""
    tariff = tariffs_in_force(province=billing_str("PROVINCE"), on=period_start(bill.period)).get(
        bill.account.tariff_code
    )
    if tariff is None:
        raise CorrectionRefused(
            _("本户电价代码 %(c)s 在 %(p)s 没有有效电价，不能重新出账。")
            % {"c": bill.account.tariff_code, "p": bill.period}
        )
    return tariff


def bill_usage(bill: Bill) -> Usage:
    """The usage the bill's period has now: the valid reading, else what the bill billed."""
    reading = Reading.objects.filter(account_id=bill.account_id, period=bill.period, status=ReadingStatus.VALID).first()
    if reading is not None:
        return usage_of(reading)
    return Usage(kwh=bill.kwh, peak=bill.kwh_peak, flat=bill.kwh_flat, valley=bill.kwh_valley)


def bill_notes(bill: Bill, charges: Decimal) -> tuple[list[int], Decimal]:
    """The notes the old bill carried that the new bill of ``charges`` can carry."""
    notes = [Note(key=a.pk, signed=a.signed) for a in Adjustment.objects.filter(bill=bill)]
    return notes_to_apply(charges, notes)


def bill_reprice(bill: Bill, usage: Usage | None = None, charges: Charges | None = None) -> Repriced:
    """``bill`` priced again by the bill run's rules (``charges``: already priced by the engine)."""
    tariff = bill_tariff(bill)
    usage = usage or bill_usage(bill)
    prior = year_billed_kwh(account=bill.account, period=bill.period)
    if charges is None:
        account = bill.account
        charges = bill_charges(
            tariff=tariff,
            usage=usage,
            prior_kwh=prior,
            capacity_kva=account.contract_capacity_kva,
            customer_class=account.customer_class,
        )
    notes, adjustment = bill_notes(bill, charges.total)
    return Repriced(tariff, usage, prior, charges, notes, adjustment)


def later_in_year(bill: Bill, kwh_change: Decimal) -> list[tuple[Bill, Repriced]]:
    """The account's later regular bills of ``bill``'s calendar year on yearly tiers (居民阶梯 by
    year) whose price changes when the kWh billed before them moves by ``kwh_change`` (0 once the
    corrected bill is written: the year's kWh already has it), each priced again with its own kWh
    from the year's kWh before it. Left alone: monthly tiers and other tariffs (their price does
    not depend on earlier months), final bills (segment > 0, prorated tiers) and true-up bills
    after estimates (priced from the estimates' own start)."""
    later = (
        Bill.objects.filter(
            account_id=bill.account_id, period__gt=bill.period, period__lte=bill.period[:4] + "-12", segment=0
        )
        .exclude(status=BillStatus.CANCELLED)
        .select_related("account__customer")
        .order_by("period")
    )
    true_ups = set(
        Reading.objects.filter(
            account_id=bill.account_id, period__gt=bill.period, period__lte=bill.period[:4] + "-12", true_up_kwh__gt=0
        ).values_list("period", flat=True)
    )
    out: list[tuple[Bill, Repriced]] = []
    for later_bill in later:
        tariff = bill_tariff(later_bill)
        if later_bill.period in true_ups or tariff.kind != TariffKind.TIERED or tariff.tier_period != TierPeriod.YEARLY:
            continue
        usage = Usage(
            kwh=later_bill.kwh, peak=later_bill.kwh_peak, flat=later_bill.kwh_flat, valley=later_bill.kwh_valley
        )
        account = later_bill.account
        prior = year_billed_kwh(account=account, period=later_bill.period) + kwh_change
        charges = bill_charges(
            tariff=tariff,
            usage=usage,
            prior_kwh=prior,
            capacity_kva=account.contract_capacity_kva,
            customer_class=account.customer_class,
        )
        if charges.parts == (later_bill.energy_charge, later_bill.basic_charge, later_bill.pf_adjustment):
            continue
        notes, adjustment = bill_notes(later_bill, charges.total)
        out.append((later_bill, Repriced(tariff, usage, prior, charges, notes, adjustment)))
    return out


def bill_rebill(*, bill: Bill, actor: Actor, priced: Repriced, **parameters: object) -> Bill:
    """Cancel ``bill`` and issue its replacement priced as ``priced`` (the caller holds the
    account's row lock, inside its transaction). Returns the new bill."""
    old_amount = bill.amount
    bill.paid, bill.penalty_paid, bill.penalty_settled_to = ZERO, ZERO, None
    bill.penalty_carried, bill.penalty_accrued = ZERO, ZERO
    bill_transition(bill=bill, to=BillStatus.CANCELLED, actor=actor, event="cancelled", with_fields=MONEY_FIELDS)
    new = _issue(bill, priced)
    Bill.objects.filter(pk=bill.pk).update(replaced_by=new)
    bill.replaced_by = new
    invoices_for_rebill(pairs=[(bill.pk, new.pk)], reason=str(_("账单作废重新出账")), actor=actor)  # 冲红, issue 19
    moved = PaymentAllocation.objects.filter(bill=bill).update(bill=new)
    PrepaidEntry.objects.filter(bill=bill, kind__in=DEDUCTION_KINDS).update(bill=new)
    Adjustment.objects.filter(bill=bill, pk__in=priced.notes).update(bill=new)
    # A credit the smaller bill cannot carry waits for the account's next bill.
    Adjustment.objects.filter(bill=bill).update(bill=None, status=AdjustmentStatus.APPROVED)
    _deduction_back(new)
    to_prepaid = bill_replay(
        new, actor, "rebilled", surplus=True, replaces=bill.pk, was=str(old_amount), allocations=moved, **parameters
    )
    _tell(new, old_amount)
    if to_prepaid:
        new.refresh_from_db()
    return new


def _issue(bill: Bill, priced: Repriced) -> Bill:
    usage, charges = priced.usage, priced.charges
    return Bill.objects.create(
        account=bill.account,
        period=bill.period,
        run_id=bill.run_id,
        tariff=priced.tariff,
        kwh=usage.kwh,
        kwh_peak=usage.peak,
        kwh_flat=usage.flat,
        kwh_valley=usage.valley,
        prior_kwh=priced.prior_kwh,
        energy_charge=charges.energy,
        basic_charge=charges.basic,
        pf_adjustment=charges.adjustment,
        adjustment=priced.adjustment,
        amount=priced.amount,
        penalty_waived=bill.penalty_waived,
        status=BillStatus.ISSUED,
        issued_at=timezone.now(),
        due_date=rebill_due_date(bill.due_date, business_date(), billing_int("REBILL_DUE_DAYS")),
    )


def _deduction_back(new: Bill) -> None:
    """What the deduction at billing paid beyond the new amount goes back to the balance."""
    deducted = -(PrepaidEntry.objects.filter(bill=new, kind__in=DEDUCTION_KINDS).aggregate(t=Sum("amount"))["t"] or 0)
    if deducted > new.amount:
        prepaid_rebill_return(account=new.account, amount=deducted - new.amount, bill=new)


def _tell(new: Bill, old_amount: Decimal) -> None:
    account = new.account
    phone = account.customer.contacts.filter(is_primary=True).values_list("phone", flat=True).first()
    if not phone:
        return
    notice_enqueue(
        template_code="bill_corrected",
        variables={
            "account_no": account.account_no,
            "period": new.period,
            "old": old_amount,
            "amount": new.amount,
            "due": new.amount - new.paid,
            "due_date": new.due_date.isoformat(),
        },
        recipient=phone,
        account_id=account.pk,
        dedupe_key=f"bill_corrected:{new.pk}",
    )


# -- the request and its approval ---------------------------------------------------------------
@dataclass(frozen=True)
class CorrectionIn:
    reason: str
    note: str
    request_key: str
    kwh: Decimal | None = None  # the corrected reading; None: the reading as it stands
    kwh_peak: Decimal | None = None
    kwh_valley: Decimal | None = None


def _validate(bill: Bill, data: CorrectionIn) -> Usage:
    errors: dict[str, str] = {}
    if data.reason not in CorrectionReason.values or data.reason in SYSTEM_REASONS:
        errors["reason"] = _("请选择更正原因。")
    if not isinstance(data.note, str) or not 1 <= len(data.note.strip()) <= 200:
        errors["note"] = _("请填写更正说明（最多 200 字）。")
    if not isinstance(data.request_key, str) or not 1 <= len(data.request_key) <= 64:
        errors["request_key"] = _("申请表单已失效，请重新打开。")
    field = Bill._meta.get_field("kwh")
    for name in ("kwh", "kwh_peak", "kwh_valley"):
        value = getattr(data, name)
        if value is not None and (problem := decimal_error(value, field)):
            errors[name] = problem
    if not errors and (data.kwh_peak or data.kwh_valley) and data.kwh is None:
        errors["kwh"] = _("更正峰谷电量时请同时填写总电量。")
    usage = bill_usage(bill)
    if not errors and data.kwh is not None:
        peak, valley = data.kwh_peak or ZERO, data.kwh_valley or ZERO
        if peak + valley > data.kwh:
            errors["kwh_peak"] = _("峰、谷电量之和不能超过总电量 %(k)s kWh。") % {"k": data.kwh}
        else:
            usage = Usage(
                kwh=data.kwh,
                peak=peak,
                flat=data.kwh - peak - valley,
                valley=valley,
                kvarh=usage.kvarh,
                max_demand_kw=usage.max_demand_kw,
            )
    if errors:
        raise InvalidInput(_("更正申请有误。"), errors=errors)
    if bill.status == BillStatus.CANCELLED:
        raise CorrectionRefused(_("该账单已作废，请在更正后的账单上办理。"))
    if (apart := priced_apart(bill)) is not None:
        raise CorrectionRefused(apart)
    return usage


def priced_apart(bill: Bill) -> str | None:
    """Why ``bill`` cannot be billed again from its month's reading (None: it can): a final bill
    of a transfer or closure (prorated from the reading taken that day), the regular bill of a
    month split by one (it bills only the rest), a true-up after estimated readings (it nets
    the estimates). Those are corrected by a credit or debit note; the batch leaves them out too
    (``rebill_batch.batch_bills``)."""
    if bill.segment > 0:
        return str(
            _("销户、过户的末期账单按办理当日的示数分段计费，不能重新出账；如有差错请办理退补调整（贷项或借项）。")
        )
    split = Bill.objects.filter(account_id=bill.account_id, period=bill.period, segment__gt=0)
    if split.exclude(status=BillStatus.CANCELLED).exists():
        return str(_("本月已办理过户或销户，账单只计其余电量，不能重新出账；如有差错请办理退补调整（贷项或借项）。"))
    reading = Reading.objects.filter(account_id=bill.account_id, period=bill.period, status=ReadingStatus.VALID)
    if reading.filter(true_up_kwh__gt=0).exists():
        return str(_("本月账单为估抄结算（冲减此前估抄电量），不能重新出账；如有差错请办理退补调整（贷项或借项）。"))
    return None


def correction_preview(*, scope: Scope, bill: Bill, data: CorrectionIn) -> Repriced:
    """What the new bill would be, and the later bills of the year it moves (nothing written)."""
    require(scope, Capability.BILL_CORRECT_REQUEST)
    priced = bill_reprice(bill, _validate(bill, data))
    if priced.usage.kwh == bill.kwh:
        return priced
    return replace(priced, later=tuple(later_in_year(bill, priced.usage.kwh - bill.kwh)))


def _same_or_conflict(existing: BillCorrection, bill: Bill) -> BillCorrection:
    if existing.bill_id != bill.pk:
        raise CorrectionRefused(_("这张申请表已提交过另一张账单的更正，请重新打开申请页面。"))
    return existing


def correction_request(*, scope: Scope, actor: User, bill: Bill, data: CorrectionIn) -> tuple[BillCorrection, bool]:
    """Ask to cancel and re-bill ``bill``. Returns (correction, created): the same request key
    again returns the first request and changes nothing; one pending request per bill."""
    require(scope, Capability.BILL_CORRECT_REQUEST)
    usage = _validate(bill, data)
    with transaction.atomic():
        Account.objects.select_for_update().get(pk=bill.account_id)
        existing = BillCorrection.objects.filter(request_key=data.request_key).first()
        if existing is not None:
            return _same_or_conflict(existing, bill), False
        priced = bill_reprice(bill, usage)
        try:
            with transaction.atomic():
                correction = BillCorrection.objects.create(
                    request_key=data.request_key,
                    bill=bill,
                    reason=data.reason,
                    note=data.note.strip(),
                    kwh=data.kwh,
                    kwh_peak=data.kwh_peak if data.kwh is not None else None,
                    kwh_valley=data.kwh_valley if data.kwh is not None else None,
                    old_amount=bill.amount,
                    preview_amount=priced.amount,
                    requested_by=actor,
                    requested_at=timezone.now(),
                )
        except IntegrityError as exc:
            raise CorrectionRefused(_("该账单已有待审批的更正申请。")) from exc
        correction_event(
            correction=correction,
            type=CorrectionEvent.Type.REQUESTED,
            actor=actor,
            reason=correction.reason,
            old=str(correction.old_amount),
            amount=str(correction.preview_amount),
        )
    return correction, True


def correction_decide(
    *, scope: Scope, actor: User, correction: BillCorrection, approve: bool, note: str = ""
) -> BillCorrection:
    """A second person approves (the bill is cancelled and billed again) or rejects."""
    require(scope, Capability.BILL_CORRECT_APPROVE)
    second_person(asked_by_id=correction.requested_by_id, actor=actor, message=_("账单更正须由申请人以外的人审批。"))
    note = decision_note(note)
    with transaction.atomic():
        Account.objects.select_for_update().get(pk=correction.bill.account_id)
        to = CorrectionStatus.DONE if approve else CorrectionStatus.REJECTED
        claim(
            BillCorrection,
            pk=correction.pk,
            status=CorrectionStatus.PENDING,
            to=to,
            decided_by=actor,
            decided_at=timezone.now(),
            decision_note=note,
        )
        parameters: dict[str, object] = {"note": note} if note else {}
        if approve:
            new = _approve(correction, actor)
            parameters |= {"bill": new.pk, "amount": str(new.amount)}
        correction.refresh_from_db()
        kind = CorrectionEvent.Type.DONE if approve else CorrectionEvent.Type.REJECTED
        correction_event(correction=correction, type=kind, actor=actor, **parameters)
    return correction


def _approve(correction: BillCorrection, actor: User) -> Bill:
    bill = Bill.objects.select_for_update().select_related("account__customer").get(pk=correction.bill_id)
    if bill.status == BillStatus.CANCELLED:
        raise CorrectionRefused(_("该账单已作废（已被重新出账），请驳回本申请。"))
    usage = None
    if correction.kwh is not None:
        usage = _correct_reading(bill, correction)
    old_kwh = bill.kwh
    new = bill_rebill(bill=bill, actor=actor, priced=bill_reprice(bill, usage), correction=correction.pk)
    BillCorrection.objects.filter(pk=correction.pk).update(new_bill=new)
    if new.kwh != old_kwh:
        # Every issued bill correct: the year's later bills priced by the year's kWh before them.
        for later_bill, priced in later_in_year(new, ZERO):
            locked = Bill.objects.select_for_update().select_related("account__customer").get(pk=later_bill.pk)
            bill_rebill(bill=locked, actor=actor, priced=priced, correction=correction.pk, follows=new.period)
    return new


def _correct_reading(bill: Bill, correction: BillCorrection) -> Usage:
    """The corrected kWh written to the period's reading (the next bill run and the re-bill read
    the same), or only used for the bill when the period has no valid reading."""
    assert correction.kwh is not None
    peak, valley = correction.kwh_peak or ZERO, correction.kwh_valley or ZERO
    flat = correction.kwh - peak - valley
    reading = Reading.objects.filter(account_id=bill.account_id, period=bill.period, status=ReadingStatus.VALID).first()
    if reading is None:
        return Usage(kwh=correction.kwh, peak=peak, flat=flat, valley=valley)
    reading.kwh, reading.kwh_peak, reading.kwh_flat, reading.kwh_valley = correction.kwh, peak, flat, valley
    reading.save(update_fields=["kwh", "kwh_peak", "kwh_flat", "kwh_valley"])
    return usage_of(reading)
