"""The customer's invoices in the portal (我的发票, /portal/invoices/): the issued invoices of the
bound accounts, red ones beside the originals they cancel, and each one's PDF."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gridcare.core.paging import paginate
from gridcare.invoicing import selectors
from gridcare.invoicing.access import invoice_get_for_customer
from gridcare.invoicing.pdf import invoice_pdf
from gridcare.portal.access import customer_required, request_customer
from gridcare.portal.selectors import bound_list


@customer_required
def invoices(request: HttpRequest) -> HttpResponse:
    customer = request_customer(request)
    accounts = [b.account_id for b in bound_list(customer)]
    page = paginate(request, selectors.customer_invoices(accounts), size=20)
    return render(request, "invoicing/portal_invoices.html", {"page": page, "here": "accounts"})


@customer_required
def invoice_document(request: HttpRequest, invoice_id: int) -> HttpResponse:
    found = invoice_get_for_customer(customer=request_customer(request), invoice_id=invoice_id)
    answer = HttpResponse(invoice_pdf(found), content_type="application/pdf")
    answer["Content-Disposition"] = f'attachment; filename="einvoice-{found.number}.pdf"'
    return answer
