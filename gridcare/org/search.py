"""The top bar's search: one box on every staff page that finds an account (户号, mobile number,
name, address), a work order (its number, or the caller's mobile number) or one of today's
tickets (A023), each through its owner's selector and the caller's scope. A single hit opens
its page at once (an account or a work order); anything else lists what was found by kind."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from gridcare.core.timezone import business_date
from gridcare.core.views import staff_required
from gridcare.customers.models import Account
from gridcare.customers.selectors import account_card, account_search
from gridcare.halls.models import Ticket
from gridcare.halls.selectors import tickets_numbered
from gridcare.org.access import Scope, request_scope
from gridcare.workorders.models import WorkOrder
from gridcare.workorders.selectors import orders_found

MAX_QUERY = 60
_ORDER_NUMBER = re.compile(r"^\d{16}$")  # 20261203 and eight digits (workorders.services.intake)
_PHONE = re.compile(r"^1\d{10}$")
_TICKET = re.compile(r"^[A-Za-z]\d{1,4}$")


@dataclass
class Found:
    """What the top bar's search found for ``q``, by kind."""

    q: str
    accounts: list[Any] = field(default_factory=list)  # account cards (masked phones)
    orders: list[WorkOrder] = field(default_factory=list)
    tickets: list[Ticket] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.accounts) + len(self.orders) + len(self.tickets)

    def only_page(self) -> str | None:
        """The page to open when exactly one account or one order was found."""
        if self.count != 1:
            return None
        if self.accounts:
            account: Account = self.accounts[0].account
            return reverse("customers:detail", args=[account.account_no])
        if self.orders:
            return reverse("workorders:detail", args=[self.orders[0].number])
        return None  # a ticket has no page of its own: the list shows its hall, counter and account


def search_everything(*, scope: Scope, q: str) -> Found:
    q = q.strip()[:MAX_QUERY]
    found = Found(q=q)
    if not q:
        return found
    compact = re.sub(r"[\s\-]", "", q)
    if _TICKET.match(compact):
        found.tickets = tickets_numbered(scope=scope, number=compact, day=business_date())
        return found
    if _ORDER_NUMBER.match(compact):
        found.orders = orders_found(scope=scope, number=compact)
        return found
    if _PHONE.match(compact):
        found.orders = orders_found(scope=scope, phone=compact)
    found.accounts = [account_card(a) for a in account_search(scope=scope, q=q)]
    return found


@staff_required
def search(request: HttpRequest) -> HttpResponse:
    found = search_everything(scope=request_scope(request), q=request.GET.get("q", ""))
    page = found.only_page()
    if page is not None:
        return redirect(page)
    return render(request, "org/search.html", {"found": found, "q": found.q})
