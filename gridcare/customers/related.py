"""The account card's links to the other areas (issue 13, convention 1): what the account owes
(billing), its latest work orders (workorders), hall visits (halls), and the messages sent to it
with the outages that cut it off (notices), each read through its
owner's selector and shown only to the posts that may see it. Each of those pages links back to
the card."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gridcare.billing.selectors import AccountDue, account_due, tariff_name
from gridcare.core.timezone import business_date
from gridcare.customers.models import Account
from gridcare.halls.selectors import tickets_of_account
from gridcare.notices.selectors import AccountNotice, notices_of_account, outages_of_account
from gridcare.org.access import Capability, Scope, can
from gridcare.workorders.selectors import orders_of_account


@dataclass
class Related:
    due: AccountDue | None = None  # None: the post may not see bills
    orders: list[Any] = field(default_factory=list)
    tickets: list[Any] = field(default_factory=list)
    notices: list[AccountNotice] = field(default_factory=list)
    outages: list[Any] = field(default_factory=list)  # the outages that cut it off lately
    tariff: str = ""  # the account's tariff by its name (the code when the province has no such tariff)


def due_for(*, scope: Scope, account: Account) -> AccountDue | None:
    """What the account owes today, for a post that may see bills (None for the others)."""
    return account_due(account=account, on=business_date()) if can(scope, Capability.BILL_VIEW) else None


def related_to(*, scope: Scope, account: Account) -> Related:
    return Related(
        due=due_for(scope=scope, account=account),
        orders=orders_of_account(scope=scope, account=account),
        tickets=tickets_of_account(scope=scope, account=account),
        notices=notices_of_account(account=account, show_text=can(scope, Capability.BILL_VIEW)),
        outages=outages_of_account(account=account),
        tariff=(tariff_name(account.tariff_code) or account.tariff_code) if account.tariff_code else "",
    )
