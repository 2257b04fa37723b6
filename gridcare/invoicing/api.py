"""The e-invoice API (/api/v1/invoices, BILL-8): the list in scope, one invoice, its PDF, an
account's invoice title (read and set). Read-only endpoints ask INVOICE_VIEW like the pages."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from gridcare.core.exceptions import NotFound
from gridcare.core.paging import api_page
from gridcare.customers.access import account_get_for_scope
from gridcare.customers.rules import mask_email, mask_name
from gridcare.invoicing import selectors
from gridcare.invoicing.access import invoice_get_for_scope
from gridcare.invoicing.models import Invoice, InvoiceKind, InvoiceStatus, InvoiceTitle, TitleKind
from gridcare.invoicing.pdf import invoice_pdf
from gridcare.invoicing.services import title_set
from gridcare.org.access import Capability, require, scope_for
from gridcare.org.api import ERRORS, scoped_get

router = Router(tags=["invoices"])


class InvoiceOut(Schema):
    id: int
    account_no: str
    kind: InvoiceKind
    status: InvoiceStatus
    source: str
    number: str
    verification_code: str
    buyer: str  # a person's name masked
    buyer_tax_number: str
    gross: Decimal
    net: Decimal
    tax: Decimal
    rate: Decimal
    payment: int | None
    bill_period: str | None
    original: int | None  # a red invoice's blue one
    red: int | None  # a blue invoice's red one
    attempts: int
    last_error: str
    issued_at: datetime | None
    created_at: datetime


def _out(i: Invoice, *, red: Invoice | None = None) -> dict[str, Any]:
    return {
        "id": i.pk,
        "account_no": i.account.account_no,
        "kind": i.kind,
        "status": i.status,
        "source": i.source,
        "number": i.number,
        "verification_code": i.verification_code,
        "buyer": selectors.buyer_shown(i),
        "buyer_tax_number": i.buyer_tax_number,
        "gross": i.gross,
        "net": i.net,
        "tax": i.tax,
        "rate": i.rate,
        "payment": i.payment_id,
        "bill_period": i.bill.period if i.bill_id and i.bill else None,
        "original": i.original_id,
        "red": red.pk if red is not None else None,
        "attempts": i.attempts,
        "last_error": i.last_error,
        "issued_at": i.issued_at,
        "created_at": i.created_at,
    }


@router.get("/invoices", response={200: list[InvoiceOut], **ERRORS})
def invoice_list(
    request: HttpRequest,
    response: HttpResponse,
    q: str = "",
    status: InvoiceStatus | None = None,
    kind: InvoiceKind | None = None,
    page: int = 1,
    page_size: int | None = None,
) -> list[Any]:
    """Invoices in scope, newest first; ``q`` a 户号 or an invoice number."""
    scope = require(scope_for(request.user), Capability.INVOICE_VIEW)
    rows = selectors.invoices(
        scope=scope, q=q[:20], status=status.value if status else "", kind=kind.value if kind else ""
    ).select_related("bill")
    return api_page(response, rows.order_by("-created_at", "-id"), page=page, page_size=page_size, dress=_out)


@router.get("/invoices/{invoice_id}", response={200: InvoiceOut, **ERRORS})
def invoice_detail(request: HttpRequest, invoice_id: int) -> dict[str, Any]:
    require(request.user, Capability.INVOICE_VIEW)
    _scope, found = scoped_get(request, invoice_get_for_scope, invoice_id=invoice_id)
    return _out(found, red=selectors.chain(found).red)


@router.get("/invoices/{invoice_id}/pdf", response={200: None, **ERRORS})
def invoice_file(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """The issued invoice as a PDF."""
    require(request.user, Capability.INVOICE_VIEW)
    _scope, found = scoped_get(request, invoice_get_for_scope, invoice_id=invoice_id)
    if found.status != InvoiceStatus.ISSUED:
        raise NotFound(_("该发票尚未开具。"))
    response = HttpResponse(invoice_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="einvoice-{found.number}.pdf"'
    return response


class TitleOut(Schema):
    account_no: str
    kind: TitleKind
    name: str
    tax_number: str
    email: str  # masked
    bill_invoices: bool
    saved: bool  # False: no title saved, the customer's name is used (personal)


class TitleIn(Schema):
    kind: TitleKind
    name: str
    tax_number: str = ""
    email: str = ""
    bill_invoices: bool = False


def _title_out(account_no: str, title: InvoiceTitle | None, fallback: str) -> dict[str, Any]:
    if title is None:
        return {
            "account_no": account_no,
            "kind": TitleKind.PERSONAL,
            "name": fallback,
            "tax_number": "",
            "email": "",
            "bill_invoices": False,
            "saved": False,
        }
    return {
        "account_no": account_no,
        "kind": title.kind,
        "name": title.name,
        "tax_number": title.tax_number,
        "email": mask_email(title.email) if title.email else "",
        "bill_invoices": title.bill_invoices,
        "saved": True,
    }


@router.get("/invoices/titles/{account_no}", response={200: TitleOut, **ERRORS})
def title_get(request: HttpRequest, account_no: str) -> dict[str, Any]:
    require(request.user, Capability.INVOICE_VIEW)
    _scope, account = scoped_get(request, account_get_for_scope, account_no=account_no)
    return _title_out(account.account_no, selectors.title_of(account), mask_name(account.customer.name))


@router.put("/invoices/titles/{account_no}", response={200: TitleOut, **ERRORS})
def title_put(request: HttpRequest, account_no: str, payload: TitleIn) -> dict[str, Any]:
    """Set the title; the same values again change nothing (200 either way)."""
    scope, account = scoped_get(request, account_get_for_scope, account_no=account_no)
    title, _changed = title_set(
        scope=scope,
        actor=request.user,
        account=account,
        kind=payload.kind.value,
        name=payload.name,
        tax_number=payload.tax_number,
        email=payload.email,
        bill_invoices=payload.bill_invoices,
    )
    return _title_out(account.account_no, title, "")
