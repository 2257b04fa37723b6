"""Reads of moving out and in (issue 19): what an account's deposit holds, what stands in the
way of closing it without the billing office's settlement, and the account page's part of moves
and the deposit (``moves_context``, read by the bills page)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext as _

from gridcare.billing.models import AccountMove, DepositEntry, DepositEvent
from gridcare.billing.selectors import account_due
from gridcare.core.timezone import business_date
from gridcare.customers.models import Account, AccountStatus, CustomerClass
from gridcare.org.access import Capability, Scope, can


def deposit_held(account: Account) -> Decimal:
    """What the account's deposit holds now (the ledger's sum; exact under the account's lock)."""
    total = DepositEntry.objects.filter(account=account).aggregate(total=Sum("amount"))["total"]
    return Decimal(str(total)).quantize(Decimal("0.01")) if total is not None else Decimal("0.00")


def money_left(account: Account) -> tuple[Decimal, Decimal, Decimal]:
    """(owed today, prepaid balance, deposit held): an account with any of them is closed by the
    billing office's closure (final bill and settlement), not by the archive's status change."""
    due = account_due(account=account, on=business_date())
    return due.principal + due.penalty, due.prepaid, deposit_held(account)


def deposit_rule_text() -> str:
    """The configured rule in words (the account page's deposit part)."""
    conf = settings.GRIDCARE_DEPOSIT
    if conf["RULE"] == "months":
        return _("近 %(h)s 期平均电费的 %(m)s 倍（无账单时按容量）") % {
            "h": conf["HISTORY_MONTHS"],
            "m": conf["MONTHS"],
        }
    return _("按合同容量每 kVA 计收")


def moves_context(scope: Scope, account: Account) -> dict[str, Any]:
    """The account page's part of moving out and in and of the deposit (its forms are the
    page's: ``move_forms.account_page_forms``)."""
    from gridcare.billing.services.deposits import deposit_state  # a read kept with the deposit's rule

    residential = account.customer_class == CustomerClass.RESIDENTIAL
    return {
        "can_move": can(scope, Capability.ACCOUNT_MOVE)
        and account.status in (AccountStatus.ACTIVE, AccountStatus.SUSPENDED),
        "account_moves": AccountMove.objects.filter(account=account).select_related("bill").order_by("-id")[:10],
        "deposit": None if residential else deposit_state(account),
        "deposit_rule": deposit_rule_text(),
        "deposit_events": DepositEvent.objects.filter(account=account).select_related("actor__staff").order_by("id"),
        "can_take_deposit": can(scope, Capability.DEPOSIT_TAKE) and not residential,
        "can_apply_deposit": can(scope, Capability.DEPOSIT_APPLY) and not residential,
    }
