"""Moving out and in (issue 19): closure (销户) and transfer (过户) with a final bill.

Both take a final reading on a date. In one transaction, with the account's row locked:

1. the final bill of the part month since the last reading: its kWh at the tariff in force, a
   residential tariff's tier thresholds prorated by the days (``rules.moves``), a two-part
   tariff's basic charge by the days too (segment 0 when the month has no bill yet, else the
   next; a transfer's is never 0: the month's regular bill is the new holder's);
2. what the account owes then (every open bill with its penalty to today) settled by the
   security deposit and then the prepaid balance, each through an offset payment spread over
   the bills like any payment (``payments.payment_set_off``); what is left of them is a credit
   that becomes a refund of source CLOSURE through the refunds service (approved by a second
   person) when a destination is given, or stays refundable on the account;
3. a closure that leaves nothing owed closes the account (customers' service); one that leaves
   debt makes it 待结清 (no longer billed) until the debt is paid and the closure completed
   (``closure_complete``, refused while anything is owed). A transfer passes the account to
   the new holder (customers' service, a new customer and contact) and is refused while the old
   holder would still owe anything (paid first at the counter, the preview says how much);
4. the move's row, its history row and the customer's message.

The preview runs the same service in a transaction that is rolled back."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.billing.conf import billing_decimal, billing_str
from gridcare.billing.events import bill_event, deposit_event, move_event
from gridcare.billing.exceptions import MoveRefused
from gridcare.billing.models import (
    AccountMove,
    Bill,
    BillRun,
    BillStatus,
    DepositEntry,
    DepositEvent,
    DepositKind,
    MoveEvent,
    MoveKind,
    MoveStatus,
    PaymentChannel,
    Reading,
    ReadingStatus,
    RefundSource,
    RunStatus,
    Tariff,
    TariffKind,
    TierPeriod,
)
from gridcare.billing.move_selectors import deposit_held
from gridcare.billing.rules import moves as rules
from gridcare.billing.rules.bill_dates import due_date_of, period_of
from gridcare.billing.rules.compute import Charges, Usage, bill_charges
from gridcare.billing.rules.numbers import decimal_error
from gridcare.billing.selectors import account_due
from gridcare.billing.services.payments import payment_set_off
from gridcare.billing.services.prepaid import prepaid_available, prepaid_from_deposit, prepaid_offset
from gridcare.billing.services.refunds import RefundIn, refund_request
from gridcare.billing.services.tariffs import tariffs_in_force
from gridcare.core.exceptions import DomainError, InvalidInput
from gridcare.core.money import ZERO, money_total, yuan
from gridcare.core.timezone import business_date
from gridcare.customers import rules as customer_rules
from gridcare.customers.models import Account, AccountStatus, Meter
from gridcare.customers.services import account_transfer, account_transition
from gridcare.notices.services import notice_enqueue
from gridcare.org.access import Capability, Scope, require
from gridcare.portal.services.bindings import bindings_end_for_transfer


@dataclass(frozen=True)
class RefundTo:
    """Where a credit left by the settlement is refunded; ``method`` "" leaves it on the account."""

    method: str = ""
    payee_name: str = ""
    bank_name: str = ""
    bank_account: str = ""
    payment_id: int | None = None


@dataclass(frozen=True)
class MoveIn:
    move_on: date
    register: Decimal
    request_key: str
    refund: RefundTo = field(default_factory=RefundTo)
    reason: str = ""
    # a transfer's new holder
    new_name: str = ""
    new_id_number: str = ""
    new_phone: str = ""


@dataclass(frozen=True)
class FinalBill:
    """The final bill of a part month, worked out before anything is written."""

    period: str
    segment: int
    previous_register: Decimal
    register: Decimal
    last_read_on: date | None
    kwh: Decimal
    days: int
    days_in_month: int
    thresholds: tuple[Decimal, ...]  # the prorated tier thresholds (none: no tiers)
    prior_kwh: Decimal
    tariff: Tariff
    charges: Charges


@dataclass(frozen=True)
class MoveOutcome:
    """What a closure or transfer does (the preview's sentence) or did."""

    kind: str
    final: FinalBill
    settlement: rules.Settlement
    closed: bool  # a closure: the account closed now (else 待结清)
    refund: Decimal  # the credit asked back now (0: none, or left on the account)
    move: AccountMove | None = None


def today() -> date:
    """The business date a move is done and settled on (one place, so tests can fix it)."""
    return business_date()


def _last_reading(account: Account) -> tuple[Decimal, date | None, str | None]:
    """(register, date, period) of the account's latest reading or move (a move's register is
    the next part's starting point); period None for a move."""
    reading = (
        Reading.objects.filter(account=account, status=ReadingStatus.VALID).order_by("-read_on", "-period").first()
    )
    move = AccountMove.objects.filter(account=account).order_by("-move_on", "-id").first()
    if move is not None and (reading is None or move.move_on >= reading.read_on):
        return move.register, move.move_on, None
    if reading is None:
        return ZERO, None, None
    return reading.register, reading.read_on, reading.period


def _multiplier(account: Account) -> int:
    meter = Meter.objects.filter(account=account, removed_on__isnull=True).order_by("-installed_on").first()
    return meter.multiplier if meter is not None else 1


def _held_from(account: Account) -> date:
    """Since when the holder holds the account: its last transfer, else its opening."""
    last = (
        AccountMove.objects.filter(account=account, kind=MoveKind.TRANSFER).aggregate(on=Max("move_on"))["on"]
        or account.opened_on
    )
    return max(last, account.opened_on)


def _validate(account: Account, data: MoveIn, kind: str) -> tuple[Decimal, date | None, str | None]:
    errors: dict[str, str] = {}
    now = today()
    previous, last_on, last_period = _last_reading(account)
    if not isinstance(data.move_on, date):
        errors["move_on"] = _("请填写办理日期。")
    elif data.move_on > now:
        errors["move_on"] = _("办理日期不能晚于今天。")
    elif last_on is not None and data.move_on <= last_on:
        errors["move_on"] = _("办理日期须晚于上次抄表日期 %(d)s。") % {"d": last_on.isoformat()}
    elif last_on is None and data.move_on < account.opened_on:
        errors["move_on"] = _("办理日期不能早于立户日期。")
    problem = decimal_error(data.register, AccountMove._meta.get_field("register"))
    if problem:
        errors["register"] = problem
    elif data.register < previous:
        errors["register"] = _("终止示数不能小于上次示数 %(r)s。") % {"r": previous}
    elif data.register > billing_decimal("REGISTER_MAX"):
        errors["register"] = _("示数超出电能表量程。")
    if not 1 <= len(data.request_key) <= 64:
        errors["request_key"] = _("表单已失效，请重新打开。")
    if len(data.reason) > 200:
        errors["reason"] = _("原因最多 200 字。")
    if kind == MoveKind.TRANSFER:
        _holder_errors(data, errors)
    if errors:
        raise InvalidInput(_("销户过户信息有误，请按提示修改。"), errors=errors)
    if last_period is not None and not Bill.objects.filter(account=account, period=last_period, segment=0).exists():
        raise MoveRefused(
            _("本户 %(p)s 账期的抄表尚未出账，请先出账再办理。") % {"p": last_period},
            errors={"move_on": _("上次抄表尚未出账。")},
        )
    return previous, last_on, last_period


def _holder_errors(data: MoveIn, errors: dict[str, str]) -> None:
    """The new holder's name, ID number and phone as the archive checks them (asked first, so a
    typo refuses before anything is worked out; customers' service checks them again)."""
    if not (data.new_name or "").strip() or len(data.new_name.strip()) > 100:
        errors["new_name"] = _("请填写新户主名称（不超过100个字）。")
    for name, check, value in (
        ("new_id_number", customer_rules.normalise_id_number, data.new_id_number),
        ("new_phone", customer_rules.normalise_phone, data.new_phone),
    ):
        try:
            check(value)
        except InvalidInput as exc:
            errors[name] = str(exc.message)


def final_bill_of(account: Account, data: MoveIn, kind: str) -> FinalBill:
    """The final bill's figures (validates first; writes nothing)."""
    previous, last_on, _period = _validate(account, data, kind)
    period = period_of(data.move_on)
    tariff = tariffs_in_force(province=billing_str("PROVINCE"), on=data.move_on).get(account.tariff_code)
    if tariff is None:
        raise MoveRefused(_("本户未指定有效电价，不能计算末期电费。"), errors={"register": _("本户没有有效电价。")})
    days = rules.part_month_days(last_on, data.move_on)
    kwh = (data.register - previous) * _multiplier(account)
    yearly = tariff.tier_period == TierPeriod.YEARLY
    held_from = _held_from(account)
    # Yearly tiers: the holder's kWh billed this year before (not a previous holder's).
    since = max(period[:4] + "-01", period_of(held_from))
    mine = Bill.objects.filter(account=account, period__gte=since, period__lte=period).exclude(
        move__kind=MoveKind.TRANSFER
    )
    prior = money_total(mine, "kwh") if yearly else ZERO
    priced = tariff
    thresholds: tuple[Decimal, ...] = ()
    if tariff.kind == TariffKind.TIERED and tariff.tier1_kwh is not None and tariff.tier2_kwh is not None:
        thresholds = rules.prorated_thresholds(
            (tariff.tier1_kwh, tariff.tier2_kwh),
            yearly=yearly,
            final_on=data.move_on,
            days=days,
            held_from=held_from,
        )
        priced = copy.copy(tariff)
        priced.tier1_kwh, priced.tier2_kwh = thresholds
    full = bill_charges(
        tariff=priced,
        usage=Usage(kwh=kwh, flat=kwh),
        prior_kwh=prior,
        capacity_kva=account.contract_capacity_kva,
        customer_class=account.customer_class,
    )
    # The basic charge by the days of the month held; a final reading has no reactive register,
    # so no power-factor adjustment.
    in_month = rules.days_in_month(data.move_on)
    charges = Charges(energy=full.energy, basic=yuan(full.basic * days / in_month) if full.basic else ZERO)
    taken = Bill.objects.filter(account=account, period=period).aggregate(top=Max("segment"))["top"]
    segment = (taken + 1) if taken is not None else (1 if kind == MoveKind.TRANSFER else 0)
    return FinalBill(
        period, segment, previous, data.register, last_on, kwh, days, in_month, thresholds, prior, tariff, charges
    )


def _final_run(period: str) -> BillRun:
    """The run the period's final bills belong to (one per period, never running)."""
    run, _created = BillRun.objects.get_or_create(
        period=period, scope_key="final", defaults={"status": RunStatus.FINISHED, "finished_at": timezone.now()}
    )
    return run


def _issue(account: Account, final: FinalBill, actor: User, kind: str) -> Bill:
    run = _final_run(final.period)
    total = final.charges.total
    bill = Bill.objects.create(
        account=account,
        period=final.period,
        segment=final.segment,
        run=run,
        tariff=final.tariff,
        kwh=final.kwh,
        kwh_flat=final.kwh,
        prior_kwh=final.prior_kwh,
        energy_charge=final.charges.energy,
        basic_charge=final.charges.basic,
        amount=total,
        status=BillStatus.ISSUED if total > 0 else BillStatus.PAID,
        issued_at=timezone.now(),
        due_date=max(due_date_of(final.period), today()),
    )
    BillRun.objects.filter(pk=run.pk).update(total=run.total + 1, billed=run.billed + 1, amount=run.amount + total)
    bill_event(
        bill=bill,
        type="final_bill",
        actor=actor,
        kind=kind,
        days=final.days,
        days_in_month=final.days_in_month,
        kwh=str(final.kwh),
        thresholds=[str(t) for t in final.thresholds],
        amount=str(total),
    )
    return bill


def _settle(account: Account, move: AccountMove, actor: User) -> rules.Settlement:
    """The deposit, then the prepaid balance, against what the account owes today; what is left
    of the deposit joins the balance (to be refunded). Caller holds the account's lock."""
    on = today()
    owed = account_due(account=account, on=on).as_dict()["amount_due"]
    deposit = deposit_held(account)
    settlement = rules.settle(owed=owed, prepaid=prepaid_available(account), deposit=deposit)
    if settlement.from_deposit > 0:
        payment = payment_set_off(
            account=account,
            channel=PaymentChannel.DEPOSIT_OFFSET,
            reference=f"move-{move.pk}-deposit",
            amount=settlement.from_deposit,
            actor=actor,
            on=on,
        )
        _deposit_out(account, move, actor, DepositKind.APPLIED, settlement.from_deposit, payment_id=payment.pk)
    if settlement.from_prepaid > 0:
        payment = payment_set_off(
            account=account,
            channel=PaymentChannel.PREPAID_OFFSET,
            reference=f"move-{move.pk}-prepaid",
            amount=settlement.from_prepaid,
            actor=actor,
            on=on,
        )
        prepaid_offset(account=account, amount=settlement.from_prepaid, payment=payment)
    rest = deposit - settlement.from_deposit
    if rest > 0:
        _deposit_out(account, move, actor, DepositKind.RETURNED, rest)
        prepaid_from_deposit(account=account, amount=rest)
    return settlement


def _deposit_out(
    account: Account, move: AccountMove, actor: User, kind: DepositKind, amount: Decimal, payment_id: int | None = None
) -> None:
    DepositEntry.objects.create(
        account=account,
        kind=kind,
        amount=-amount,
        payment_id=payment_id,
        move=move,
        reason=str(MoveKind(move.kind).label),
        actor=actor,
        created_at=timezone.now(),
    )
    deposit_event(
        account=account,
        type=DepositEvent.Type(kind.value),
        actor=actor,
        amount=str(amount),
        reason=str(MoveKind(move.kind).label),
    )


def _refund(
    scope: Scope, actor: User, account: Account, move: AccountMove, credit: Decimal, to: RefundTo, step: str = "move"
) -> None:
    if credit <= 0 or not to.method:
        return
    refund, _created = refund_request(
        scope=scope,
        actor=actor,
        account=account,
        data=RefundIn(
            amount=credit,
            method=to.method,
            reason=_("%(k)s结余退款（户号 %(no)s）") % {"k": MoveKind(move.kind).label, "no": account.account_no},
            request_key=f"{step}-{move.request_key}"[:64],
            payee_name=to.payee_name,
            bank_name=to.bank_name,
            bank_account=to.bank_account,
            payment_id=to.payment_id,
            source=RefundSource.CLOSURE,
        ),
    )
    move.refund = refund


def _same(existing: AccountMove, account: Account, kind: str) -> AccountMove:
    if existing.account_id != account.pk or existing.kind != kind:
        raise MoveRefused(_("这张表单已办理过另一笔业务，请重新打开页面。"))
    return existing


def _lock(account: Account, kind: str) -> Account:
    locked = Account.objects.select_for_update().select_related("customer").get(pk=account.pk)
    if locked.status in (AccountStatus.CLOSED, AccountStatus.SETTLING):
        raise MoveRefused(
            _("户号 %(no)s 当前状态为“%(s)s”，不能再办理%(k)s。")
            % {"no": locked.account_no, "s": AccountStatus(locked.status).label, "k": MoveKind(kind).label}
        )
    return locked


def _move_row(locked: Account, data: MoveIn, kind: str, final: FinalBill, actor: User) -> AccountMove:
    return AccountMove.objects.create(
        request_key=data.request_key,
        account=locked,
        kind=kind,
        move_on=data.move_on,
        previous_register=final.previous_register,
        register=data.register,
        kwh=final.kwh,
        days=final.days,
        days_in_month=final.days_in_month,
        old_customer=locked.customer,
        created_by=actor,
        created_at=timezone.now(),
    )


def _write_settlement(move: AccountMove, settlement: rules.Settlement) -> None:
    move.owed, move.from_deposit, move.from_prepaid = settlement.owed, settlement.from_deposit, settlement.from_prepaid
    move.credit, move.left_owed = settlement.credit, settlement.left_owed


def _once(account: Account, data: MoveIn, kind: str, do: Callable[[], MoveOutcome]) -> tuple[AccountMove, bool]:
    """A closure or transfer done once per form key: (move, created). The same key again, or a
    copy of the same form that won the account's lock first, answers with the first move."""
    existing = AccountMove.objects.filter(request_key=data.request_key).first()
    if existing is not None:
        return _same(existing, account, kind), False
    try:
        outcome = do()
    except DomainError:
        existing = AccountMove.objects.filter(request_key=data.request_key).first()
        if existing is None:
            raise
        return _same(existing, account, kind), False
    assert outcome.move is not None
    return outcome.move, True


def account_close(*, scope: Scope, actor: User, account: Account, data: MoveIn) -> tuple[AccountMove, bool]:
    """销户. Returns (move, created): the same form key again returns the first move."""
    require(scope, Capability.ACCOUNT_MOVE)
    return _once(account, data, MoveKind.CLOSURE, lambda: _close(scope, actor, account, data))


def _close(scope: Scope, actor: User, account: Account, data: MoveIn) -> MoveOutcome:
    with transaction.atomic():
        locked = _lock(account, MoveKind.CLOSURE)
        final = final_bill_of(locked, data, MoveKind.CLOSURE)
        try:
            with transaction.atomic():
                move = _move_row(locked, data, MoveKind.CLOSURE, final, actor)
        except IntegrityError as exc:
            raise MoveRefused(_("该户已办理过销户。")) from exc
        move.bill = _issue(locked, final, actor, MoveKind.CLOSURE)
        settlement = _settle(locked, move, actor)
        _write_settlement(move, settlement)
        closed = settlement.settled
        _refund(scope, actor, locked, move, settlement.credit, data.refund)
        if closed:
            move.status, move.completed_at = MoveStatus.DONE, timezone.now()
        move.save()
        to = AccountStatus.CLOSED if closed else AccountStatus.SETTLING
        account_transition(
            scope=scope,
            actor=actor,
            account=locked,
            to=to,
            reason=data.reason or _("销户（末期账单 %(p)s）") % {"p": final.period},
            capability=Capability.ACCOUNT_MOVE,
        )
        move_event(
            move=move,
            type=MoveEvent.Type.CLOSING,
            actor=actor,
            register=str(data.register),
            amount=str(final.charges.total),
            owed=str(settlement.owed),
            from_deposit=str(settlement.from_deposit),
            from_prepaid=str(settlement.from_prepaid),
            credit=str(settlement.credit),
            left_owed=str(settlement.left_owed),
        )
        _tell_closed(locked, final, settlement)
    refund = move.refund.amount if move.refund is not None else ZERO
    return MoveOutcome(MoveKind.CLOSURE, final, settlement, closed, refund, move)


def settlement_text(settlement: rules.Settlement) -> str:
    parts = [_("应结清 %(a)s 元") % {"a": settlement.owed}]
    if settlement.from_deposit:
        parts.append(_("保证金抵缴 %(a)s 元") % {"a": settlement.from_deposit})
    if settlement.from_prepaid:
        parts.append(_("预存抵缴 %(a)s 元") % {"a": settlement.from_prepaid})
    if settlement.credit:
        parts.append(_("结余 %(a)s 元将退还") % {"a": settlement.credit})
    if settlement.left_owed:
        parts.append(_("尚欠 %(a)s 元，结清后完成销户") % {"a": settlement.left_owed})
    return "，".join(parts)


def outcome_sentence(outcome: MoveOutcome) -> str:
    """What a closure or transfer will do, in one sentence (the page asks first with it)."""
    f = outcome.final
    tiers = (
        _("，阶梯按 %(d)s/%(m)s 天折算为 %(t)s kWh")
        % {"d": f.days, "m": f.days_in_month, "t": " / ".join(str(t) for t in f.thresholds)}
        if f.thresholds
        else ""
    )
    bill = _("末期账单 %(p)s：示数 %(a)s → %(b)s，%(k)s kWh，%(d)s 天%(t)s，电费 %(c)s 元") % {
        "p": f.period,
        "a": f.previous_register,
        "b": f.register,
        "k": f.kwh,
        "d": f.days,
        "t": tiers,
        "c": f.charges.total,
    }
    if outcome.kind == MoveKind.CLOSURE:
        end = _("账户销户。") if outcome.closed else _("账户转为待结清，结清后完成销户。")
    else:
        end = _("账户过户给新户主，新户主自此示数起计费。")
    return f"{bill}；{settlement_text(outcome.settlement)}；{end}"


def _tell_closed(account: Account, final: FinalBill, settlement: rules.Settlement) -> None:
    phone = account.customer.contacts.filter(is_primary=True).values_list("phone", flat=True).first()
    if not phone:
        return
    notice_enqueue(
        template_code="account_closed",
        variables={
            "account_no": account.account_no,
            "amount": final.charges.total,
            "settlement": settlement_text(settlement),
        },
        recipient=phone,
        account_id=account.pk,
        dedupe_key=f"account_closed:{account.pk}",
    )


def closure_complete(*, scope: Scope, actor: User, move: AccountMove, refund: RefundTo | None = None) -> AccountMove:
    """A 待结清 closure completed once nothing is owed: the account closed, a credit (paid too
    much) refunded. Refused, with nothing changed, while anything is owed."""
    require(scope, Capability.ACCOUNT_MOVE)
    with transaction.atomic():
        locked = Account.objects.select_for_update().select_related("customer").get(pk=move.account_id)
        row = AccountMove.objects.select_for_update().get(pk=move.pk)
        if row.kind != MoveKind.CLOSURE or row.status != MoveStatus.SETTLING:
            raise MoveRefused(_("该销户已完成，不能重复办理。"))
        owed = account_due(account=locked, on=today()).as_dict()["amount_due"]
        if owed > 0:
            raise MoveRefused(
                _("户号 %(no)s 尚欠电费 %(a)s 元，结清后才能完成销户。") % {"no": locked.account_no, "a": owed}
            )
        _refund(scope, actor, locked, row, prepaid_available(locked), refund or RefundTo(), step="done")
        row.status, row.completed_at, row.left_owed = MoveStatus.DONE, timezone.now(), ZERO
        row.save(update_fields=["status", "completed_at", "left_owed", "refund"])
        account_transition(
            scope=scope,
            actor=actor,
            account=locked,
            to=AccountStatus.CLOSED,
            reason=_("欠费已结清，完成销户"),
            capability=Capability.ACCOUNT_MOVE,
        )
        move_event(move=row, type=MoveEvent.Type.COMPLETED, actor=actor)
    return row


def account_move_in(*, scope: Scope, actor: User, account: Account, data: MoveIn) -> tuple[AccountMove, bool]:
    """过户 from ``data.move_on`` at the opening reading ``data.register``: the old holder's final
    bill to that reading, settled by the old holder's deposit and balance (a credit refunded to
    the old holder: a destination is required), the account passed to the new holder, who pays
    from that reading on (the month's regular bill takes the final bill's kWh off)."""
    require(scope, Capability.ACCOUNT_MOVE)
    return _once(account, data, MoveKind.TRANSFER, lambda: _transfer(scope, actor, account, data))


def _transfer(scope: Scope, actor: User, account: Account, data: MoveIn) -> MoveOutcome:
    with transaction.atomic():
        locked = _lock(account, MoveKind.TRANSFER)
        final = final_bill_of(locked, data, MoveKind.TRANSFER)
        move = _move_row(locked, data, MoveKind.TRANSFER, final, actor)
        move.bill = _issue(locked, final, actor, MoveKind.TRANSFER)
        settlement = _settle(locked, move, actor)
        _write_settlement(move, settlement)
        if settlement.left_owed > 0:
            message = _("原户主尚欠电费 %(a)s 元（含末期电费 %(f)s 元），请先缴清再办理过户。") % {
                "a": settlement.left_owed,
                "f": final.charges.total,
            }
            raise MoveRefused(message, errors={"register": message})
        if settlement.credit > 0 and not data.refund.method:
            message = _("原户主结余 %(a)s 元须退还原户主，请填写退款方式及账户。") % {"a": settlement.credit}
            raise InvalidInput(message, errors={"refund_method": message})
        _refund(scope, actor, locked, move, settlement.credit, data.refund)
        moved = account_transfer(
            scope=scope,
            actor=actor,
            account=locked,
            new_name=data.new_name,
            new_id_number=data.new_id_number,
            new_phone=data.new_phone,
            capability=Capability.ACCOUNT_MOVE,
            move_on=data.move_on.isoformat(),
            register=str(data.register),
        )
        move.new_customer = moved.customer
        bindings_end_for_transfer(account_id=locked.pk)  # the old holder's portal sees no more of it
        move.status, move.completed_at = MoveStatus.DONE, timezone.now()
        move.save()
        move_event(
            move=move,
            type=MoveEvent.Type.TRANSFERRED,
            actor=actor,
            move_on=data.move_on.isoformat(),
            register=str(data.register),
            new_name=moved.customer.name,
            amount=str(final.charges.total),
            left_owed=str(settlement.left_owed),
        )
    refund = move.refund.amount if move.refund is not None else ZERO
    return MoveOutcome(MoveKind.TRANSFER, final, settlement, False, refund, move)


class _Preview(Exception):
    def __init__(self, outcome: MoveOutcome) -> None:
        self.outcome = outcome


def move_preview(*, scope: Scope, actor: User, account: Account, kind: str, data: MoveIn) -> MoveOutcome:
    """What a closure or transfer would do, worked out by the service itself in a transaction
    rolled back: the same checks and amounts, nothing written (the refusals as the service's)."""
    require(scope, Capability.ACCOUNT_MOVE)
    act = _close if kind == MoveKind.CLOSURE else _transfer
    try:
        with transaction.atomic():
            raise _Preview(act(scope, actor, account, data))
    except _Preview as preview:
        outcome = preview.outcome
    return MoveOutcome(outcome.kind, outcome.final, outcome.settlement, outcome.closed, outcome.refund, None)
