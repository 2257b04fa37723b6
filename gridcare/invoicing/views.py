"""Staff pages of e-invoices (BILL-8): the list with search, one invoice with its 冲红 history and
its PDF, an account's invoice title. Thin: parse, fetch through access, call one service or
selector, render."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gridcare.core.exceptions import NotFound
from gridcare.core.paging import paginate, sort_rows
from gridcare.core.views import page_action, page_get, page_user, staff_required
from gridcare.customers.access import account_get_for_scope
from gridcare.invoicing import selectors
from gridcare.invoicing.access import invoice_get_for_scope
from gridcare.invoicing.forms import SearchForm, TitleForm
from gridcare.invoicing.models import InvoiceStatus
from gridcare.invoicing.pdf import invoice_pdf
from gridcare.invoicing.services import title_set
from gridcare.org.access import Capability, can, request_scope, require

SORTS: dict[str, tuple[str, ...]] = {
    "created": ("created_at", "id"),
    "number": ("number", "id"),
    "account": ("account__account_no", "-id"),
    "gross": ("gross", "-id"),
    "issued": ("issued_at", "id"),
}


@staff_required
def invoices(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), Capability.INVOICE_VIEW)
    form = SearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.invoices(
        scope=scope, q=filters.get("q") or "", status=filters.get("status") or "", kind=filters.get("kind") or ""
    )
    rows, sorting = sort_rows(request, rows.order_by("-created_at", "-id"), SORTS)
    page = paginate(request, rows)
    lines = [{"i": i, "buyer": selectors.buyer_shown(i)} for i in page]
    return render(request, "invoicing/invoices.html", {"form": form, "page": page, "lines": lines, "sorting": sorting})


@staff_required
def invoice(request: HttpRequest, invoice_id: int) -> HttpResponse:
    scope, found = page_get(request, invoice_get_for_scope, invoice_id=invoice_id)
    require(scope, Capability.INVOICE_VIEW)
    chain = selectors.chain(found)
    context = {
        "i": found,
        "chain": chain,
        "buyer": selectors.buyer_shown(found),
        "email": selectors.email_shown(found),
        "events": found.events.select_related("actor__staff").order_by("id"),
        "can_title": can(scope, Capability.INVOICE_TITLE_EDIT),
    }
    return render(request, "invoicing/invoice.html", context)


@staff_required
def invoice_document(request: HttpRequest, invoice_id: int) -> HttpResponse:
    scope, found = page_get(request, invoice_get_for_scope, invoice_id=invoice_id)
    require(scope, Capability.INVOICE_VIEW)
    if found.status != InvoiceStatus.ISSUED:
        raise NotFound(_("该发票尚未开具。"))
    answer = HttpResponse(invoice_pdf(found), content_type="application/pdf")
    answer["Content-Disposition"] = f'inline; filename="einvoice-{found.number}.pdf"'
    return answer


@staff_required
def title(request: HttpRequest, account_no: str) -> HttpResponse:
    """The account's invoice title and tax number, and its invoices."""
    scope, account = page_get(request, account_get_for_scope, account_no=account_no)
    require(scope, Capability.INVOICE_TITLE_EDIT)
    current = selectors.title_of(account)
    initial = (
        {"kind": current.kind, "name": current.name, "tax_number": current.tax_number}
        | {"email": current.email, "bill_invoices": current.bill_invoices}
        if current is not None
        else {"kind": "personal", "name": account.customer.name}
    )
    form = TitleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = page_action(
            request,
            lambda: title_set(scope=scope, actor=page_user(request), account=account, **form.cleaned_data),
            success=lambda result: _("发票抬头已保存。") if result[1] else _("发票抬头未变化。"),
            form=form,
        )
        if done is not None:
            return redirect("invoicing:title", account_no=account.account_no)
    context = {
        "account": account,
        "form": form,
        "title": current,
        "invoices": selectors.account_invoices(account)[:20],
        "events": current.events.select_related("actor__staff").order_by("id") if current else [],
    }
    return render(request, "invoicing/title.html", context)
