"""Security deposits (保证金, issue 19) of non-residential accounts.

The required amount follows the configured rule (settings GRIDCARE_DEPOSIT, ``rules.moves``).
A deposit is collected at the counter as a payment kept whole (``Payment.to_deposit``, never
spread over bills or the prepaid balance), held in its own ledger (``DepositEntry``, which no
bill run reads), applied to what is owed on default by a supervisor with a reason (an offset
payment spread like any other), and settled on closure (``services.moves``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.billing.events import deposit_event
from gridcare.billing.exceptions import DepositRefused
from gridcare.billing.models import Bill, DepositEntry, DepositEvent, DepositKind, Payment, PaymentChannel
from gridcare.billing.move_selectors import deposit_held
from gridcare.billing.rules import moves as rules
from gridcare.billing.selectors import account_due
from gridcare.billing.services.payments import PaymentIn, payment_post, payment_set_off
from gridcare.core.exceptions import InvalidInput
from gridcare.core.money import ZERO
from gridcare.core.timezone import business_date
from gridcare.customers.models import Account, AccountStatus, CustomerClass
from gridcare.org.access import Capability, Scope, require

COUNTER_CHANNELS = (PaymentChannel.COUNTER_CASH, PaymentChannel.COUNTER_CARD)


def deposit_required(account: Account) -> Decimal:
    """The deposit the configured rule asks of ``account`` (residential: none)."""
    conf = settings.GRIDCARE_DEPOSIT
    history = int(str(conf["HISTORY_MONTHS"]))
    bills = list(
        Bill.objects.filter(account=account, segment=0).order_by("-period").values_list("amount", flat=True)[:history]
    )
    return rules.deposit_required(
        rule=str(conf["RULE"]),
        customer_class=account.customer_class,
        capacity_kva=account.contract_capacity_kva,
        bills=[Decimal(str(b)) for b in bills],
        months=Decimal(str(conf["MONTHS"])),
        per_kva=rules.per_kva_table(str(conf["PER_KVA"])),
        minimum=Decimal(str(conf["MINIMUM"])),
    )


@dataclass(frozen=True)
class DepositState:
    required: Decimal
    held: Decimal

    @property
    def short(self) -> Decimal:
        return max(ZERO, self.required - self.held)


def deposit_state(account: Account) -> DepositState:
    return DepositState(required=deposit_required(account), held=deposit_held(account))


def deposit_collect(
    *, scope: Scope, actor: User, account: Account, amount: Decimal, channel: str, request_key: str
) -> tuple[Payment, bool]:
    """A deposit paid at the counter (cash or card): a payment kept whole, the ledger's row, the
    history row. ``request_key`` (the form's) makes a double click one payment."""
    require(scope, Capability.DEPOSIT_TAKE)
    errors: dict[str, str] = {}
    if account.customer_class == CustomerClass.RESIDENTIAL:
        raise DepositRefused(_("居民用户不收取保证金。"))
    if account.status != AccountStatus.ACTIVE:
        raise DepositRefused(_("该户不是正常状态，不能收取保证金。"))
    if channel not in COUNTER_CHANNELS:
        errors["channel"] = _("请选择现金或刷卡。")
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
        errors["amount"] = _("请输入大于零的金额。")
    if not 1 <= len(request_key) <= 60:
        errors["request_key"] = _("表单已失效，请重新打开。")
    if errors:
        raise InvalidInput(_("保证金信息有误。"), errors=errors)
    now: datetime = timezone.now()
    with transaction.atomic():
        payment, created = payment_post(
            scope=scope,
            actor=actor,
            data=PaymentIn(
                channel=channel,
                channel_txn_id=f"DEP-{request_key}",
                account_no=account.account_no,
                amount=amount,
                paid_at=now,
            ),
            capability=Capability.DEPOSIT_TAKE,
            deposit=True,
        )
        if created:
            DepositEntry.objects.create(
                account=account, kind=DepositKind.COLLECTED, amount=amount, payment=payment, actor=actor, created_at=now
            )
            deposit_event(account=account, type=DepositEvent.Type.COLLECTED, actor=actor, amount=str(amount))
    return payment, created


def deposit_apply(*, scope: Scope, actor: User, account: Account, reason: str) -> Decimal:
    """On default: a supervisor sets the deposit held against what the account owes today (as
    much as is owed), with a reason. Returns the amount applied."""
    require(scope, Capability.DEPOSIT_APPLY)
    text = (reason or "").strip()
    if not 2 <= len(text) <= 200:
        raise InvalidInput(_("请填写抵缴原因（2 至 200 字）。"), errors={"reason": _("请填写抵缴原因。")})
    with transaction.atomic():
        locked = Account.objects.select_for_update().select_related("customer").get(pk=account.pk)
        held = deposit_held(locked)
        on = business_date()
        due = account_due(account=locked, on=on)
        owed = due.principal + due.penalty
        amount: Decimal = min(held, owed)
        if amount <= 0:
            raise DepositRefused(_("该户保证金余额 %(h)s 元，欠费 %(o)s 元，无可抵缴金额。") % {"h": held, "o": owed})
        count = DepositEntry.objects.filter(account=locked, kind=DepositKind.APPLIED).count()
        payment = payment_set_off(
            account=locked,
            channel=PaymentChannel.DEPOSIT_OFFSET,
            reference=f"deposit-{locked.pk}-{count + 1}",
            amount=amount,
            actor=actor,
            on=on,
        )
        DepositEntry.objects.create(
            account=locked,
            kind=DepositKind.APPLIED,
            amount=-amount,
            payment=payment,
            reason=text,
            actor=actor,
            created_at=timezone.now(),
        )
        deposit_event(account=locked, type=DepositEvent.Type.APPLIED, actor=actor, amount=str(amount), reason=text)
    return amount
