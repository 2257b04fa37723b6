"""Reads of the e-invoice app: the lists staff and customers see, one invoice with its red
history, an account's title, and what the worker has to invoice (payments and bills without
their invoice). Never imports services."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import Exists, OuterRef, Q, QuerySet

from gridcare.billing.models import Bill, BillStatus, Payment
from gridcare.core.timezone import SHANGHAI, business_date
from gridcare.customers.models import Account
from gridcare.customers.rules import mask_email, mask_name
from gridcare.customers.selectors import contact_preferences
from gridcare.invoicing.conf import since
from gridcare.invoicing.models import Invoice, InvoiceKind, InvoiceStatus, InvoiceTitle, TitleKind
from gridcare.org.access import Scope


def invoice_filter(scope: Scope) -> Q:
    """Invoices of the accounts the scope reaches (the one scope filter)."""
    return scope.account_filter("account__supply_unit")


def invoices(*, scope: Scope, q: str = "", status: str = "", kind: str = "") -> QuerySet[Invoice]:
    """Invoices in scope, newest first; ``q`` a 户号 or an invoice number (whole or its end)."""
    rows = Invoice.objects.filter(invoice_filter(scope)).select_related("account__customer", "original")
    q = q.strip()
    if q.isdigit() and len(q) <= 10:
        rows = rows.filter(Q(account__account_no=q) | Q(number__endswith=q))
    elif q.isdigit() and len(q) <= 20:
        rows = rows.filter(number=q)
    elif q:
        rows = rows.none()
    if status in InvoiceStatus.values:
        rows = rows.filter(status=status)
    if kind in InvoiceKind.values:
        rows = rows.filter(kind=kind)
    return rows


def account_invoices(account: Account) -> QuerySet[Invoice]:
    return Invoice.objects.filter(account=account).select_related("original").order_by("-created_at", "-id")


def customer_invoices(account_ids: Collection[int]) -> QuerySet[Invoice]:
    """A customer's invoices (the portal): issued ones of the bound accounts, newest first."""
    return (
        Invoice.objects.filter(account_id__in=list(account_ids), status=InvoiceStatus.ISSUED)
        .select_related("account", "original")
        .order_by("-issued_at", "-id")
    )


def buyer_shown(invoice: Invoice) -> str:
    """The buyer as staff lists show it: a person's name masked, an organisation's in full."""
    return invoice.buyer_name if invoice.title_kind == TitleKind.ORGANISATION else mask_name(invoice.buyer_name)


def email_shown(invoice: Invoice) -> str:
    return mask_email(invoice.email) if invoice.email else ""


@dataclass(frozen=True)
class Chain:
    """An invoice with its blue original and red counterpart (冲红 history)."""

    invoice: Invoice
    original: Invoice | None
    red: Invoice | None


def chain(invoice: Invoice) -> Chain:
    red = Invoice.objects.filter(original=invoice).first() if invoice.kind == InvoiceKind.BLUE else None
    return Chain(invoice=invoice, original=invoice.original, red=red)


def title_of(account: Account) -> InvoiceTitle | None:
    return InvoiceTitle.objects.filter(account=account).first()


@dataclass(frozen=True)
class Buyer:
    kind: str
    name: str
    tax_number: str
    email: str


def buyer_of(account: Account) -> Buyer:
    """Whom the account's next invoice is made out to: its title, else the customer by name
    (a personal title); the e-mail the title's, else the contact's e-invoice address."""
    title = title_of(account)
    email = title.email if title is not None else ""
    if not email:
        found = contact_preferences(account=account)
        email = found[1].invoice_email if found else ""
    if title is None:
        return Buyer(kind=TitleKind.PERSONAL, name=account.customer.name, tax_number="", email=email)
    return Buyer(kind=title.kind, name=title.name, tax_number=title.tax_number, email=email)


def _bill_mode() -> Exists:
    return Exists(InvoiceTitle.objects.filter(account_id=OuterRef("account_id"), bill_invoices=True))


def payments_to_invoice(*, limit: int) -> list[Payment]:
    """Payments of electricity (not a paid service's), not reversed, of accounts invoiced per
    payment, of the configured window of business dates (``conf.since``), without their invoice
    yet (oldest first)."""
    rows = (
        Payment.objects.filter(to_service=0, reversal__isnull=True)
        .exclude(Exists(Invoice.objects.filter(payment_id=OuterRef("pk"), kind=InvoiceKind.BLUE)))
        .exclude(_bill_mode())
        .select_related("account__customer")
        .order_by("posted_at", "id")
    )
    return list(rows.filter(business_date__gte=since(business_date()))[:limit])


def bills_to_invoice(*, limit: int) -> list[Bill]:
    """Bills of accounts that asked for bill invoices, issued within the window, without their
    invoice yet."""
    rows = (
        Bill.objects.filter(_bill_mode(), amount__gt=0)
        .exclude(status=BillStatus.CANCELLED)
        .exclude(Exists(Invoice.objects.filter(bill_id=OuterRef("pk"), kind=InvoiceKind.BLUE)))
        .select_related("account__customer")
        .order_by("id")
    )
    start = datetime.combine(since(business_date()), time.min, tzinfo=SHANGHAI)
    return list(rows.filter(issued_at__gte=start)[:limit])


def bills_wanting_invoices(*, ids: list[int]) -> list[Bill]:
    """Of the bills ``ids`` (a re-bill's replacements), those of accounts that asked for bill
    invoices, with something to invoice."""
    rows = Bill.objects.filter(_bill_mode(), pk__in=ids, amount__gt=0).exclude(status=BillStatus.CANCELLED)
    return list(rows.select_related("account__customer").order_by("id"))


def due_ids(*, now: datetime, limit: int) -> list[int]:
    """Pending invoices whose time has come, and those a worker claimed whose lease has run out
    (it died during the issuer's call: sent again with the same key). A red one waits for its blue."""
    rows = Invoice.objects.filter(status__in=(InvoiceStatus.PENDING, InvoiceStatus.ISSUING), next_attempt_at__lte=now)
    return list(rows.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit])
