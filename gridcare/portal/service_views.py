"""Paid value-added services in the portal (有偿增值服务, WO-10): the published catalogue with its
prices (open to everyone), ordering for a bound account (quantities → "共 ¥… 确认下单" → the
order), my orders, an order's detail with paying (the same providers as a bill) and cancelling
before payment (asked first), and the receipt PDF of a paid order."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gridcare.billing import service_selectors as reads
from gridcare.billing.models import PaymentOrderStatus, ServiceOrder, ServiceOrderSource, ServiceOrderStatus
from gridcare.billing.pdf import service_receipt_pdf
from gridcare.billing.services import payment_orders as orders
from gridcare.billing.services import service_orders
from gridcare.core.exceptions import DomainError
from gridcare.core.paging import paginate
from gridcare.core.timezone import business_date
from gridcare.portal import selectors
from gridcare.portal.access import customer_required, request_customer
from gridcare.portal.pay import absolute, client_ip, customer_ref, provider_choices, result_url

WEB = "web"
PAID = (ServiceOrderStatus.PAID, ServiceOrderStatus.SCHEDULED, ServiceOrderStatus.DONE)


def catalogue(request: HttpRequest) -> HttpResponse:
    """The published catalogue: what may be ordered today, by category, with its price."""
    rows = reads.catalogue_published(on=business_date())
    return render(request, "portal/services.html", {"groups": reads.catalogue_by_category(rows), "here": "service"})


class OrderForm(forms.Form):
    account_no = forms.ChoiceField(label=gettext_lazy("户号"))
    note = forms.CharField(label=gettext_lazy("备注（选填）"), max_length=200, required=False)
    key = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, accounts: list[tuple[str, str]], items: list[reads.CatalogueRow], **kw: Any):
        super().__init__(*args, **kw)
        field = self.fields["account_no"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = accounts
        for row in items:
            self.fields[f"q_{row.item.code}"] = forms.IntegerField(
                label=row.item.name, min_value=0, max_value=99, required=False, initial=0
            )

    def lines(self) -> list[service_orders.LineIn]:
        return [
            service_orders.LineIn(code=name[2:], quantity=value)
            for name, value in self.cleaned_data.items()
            if name.startswith("q_") and value
        ]


def _errors_to_form(form: OrderForm, exc: DomainError, lines: list[service_orders.LineIn]) -> None:
    for field, message in exc.errors.items():
        if field.startswith("lines.") and field[6:].isdigit() and int(field[6:]) < len(lines):
            form.add_error(f"q_{lines[int(field[6:])].code}", str(message))
        elif field in form.fields:
            form.add_error(field, str(message))
        else:
            form.add_error(None, str(message))
    if not exc.errors:
        form.add_error(None, str(exc.message))


@customer_required
def order_new(request: HttpRequest) -> HttpResponse:
    customer = request_customer(request)
    accounts = [
        (b.account.account_no, f"{b.account.account_no} · {b.account.address}") for b in selectors.bindings(customer)
    ]
    items = reads.catalogue_published(on=business_date())
    initial: dict[str, Any] = {"key": uuid.uuid4().hex}
    if request.GET.get("item"):
        initial[f"q_{request.GET['item'][:20]}"] = 1
    form = OrderForm(request.POST or None, accounts=accounts, items=items, initial=initial)
    context: dict[str, Any] = {"form": form, "items": items, "accounts": accounts, "here": "service"}
    if request.method == "POST" and form.is_valid():
        lines = form.lines()
        try:
            if request.POST.get("confirmed") != "1":
                quoted = service_orders.service_order_quote(lines=lines)
                total = sum((q.amount for q in quoted), Decimal("0.00"))
                context |= {"quoted": quoted, "total": total}
                return render(request, "portal/service_confirm.html", context)
            account = selectors.bound_account(customer, form.cleaned_data["account_no"])
            order, _created = service_orders.service_order_create(
                account=account,
                lines=lines,
                source=ServiceOrderSource.PORTAL,
                customer_ref=customer_ref(customer),
                note=form.cleaned_data["note"],
                idempotency_key=form.cleaned_data["key"],
            )
        except DomainError as exc:
            _errors_to_form(form, exc, lines)
        else:
            messages.success(request, _("已下单，请支付。"))
            return redirect("portal:service_order", order.order_no)
    return render(request, "portal/service_new.html", context)


def _mine(request: HttpRequest, order_no: str) -> ServiceOrder:
    accounts = [b.account_id for b in selectors.bindings(request_customer(request))]
    return reads.service_order_of_accounts(account_ids=accounts, order_no=order_no)


@customer_required
def order_list(request: HttpRequest) -> HttpResponse:
    accounts = [b.account_id for b in selectors.bindings(request_customer(request))]
    page = paginate(request, reads.service_orders_of_accounts(account_ids=accounts), size=20)
    return render(request, "portal/service_orders.html", {"page": page, "here": "service"})


def _detail(request: HttpRequest, order: ServiceOrder, **extra: Any) -> HttpResponse:
    context = {
        "order": order,
        "providers": provider_choices(),
        "paid": order.status in PAID,
        "history": reads.order_history(order),
        "key": uuid.uuid4().hex,
        "here": "service",
        **extra,
    }
    return render(request, "portal/service_order.html", context)


@customer_required
def order_detail(request: HttpRequest, order_no: str) -> HttpResponse:
    return _detail(request, _mine(request, order_no))


@customer_required
@require_POST
def order_pay(request: HttpRequest, order_no: str) -> HttpResponse:
    """Pay the whole order at the chosen provider: its payment order, then off to the provider."""
    customer = request_customer(request)
    order = _mine(request, order_no)
    try:
        pay, _created = service_orders.service_order_pay(
            order=order,
            provider=str(request.POST.get("provider", ""))[:20],
            origin=WEB,
            customer_ref=customer_ref(customer),
            idempotency_key=str(request.POST.get("key", ""))[:64],
        )
        if pay.status != PaymentOrderStatus.CREATED:
            return redirect("portal:pay_result", pay.order_no)
        url = orders.payment_order_start(order=pay, client_ip=client_ip(request), return_url=result_url(request, pay))
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("portal:service_order", order.order_no)
    return redirect(absolute(request, url))


@customer_required
@require_POST
def order_cancel(request: HttpRequest, order_no: str) -> HttpResponse:
    """Cancelling is asked first; only an order not yet paid."""
    order = _mine(request, order_no)
    if request.POST.get("confirmed") != "1":
        return _detail(request, order, confirm_cancel=True)
    try:
        service_orders.service_order_cancel(order=order, actor=None, reason=_("客户在网上营业厅取消"))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.info(request, _("订单已取消，未扣款。"))
    return redirect("portal:service_order", order.order_no)


@customer_required
def order_receipt(request: HttpRequest, order_no: str) -> HttpResponse:
    order = _mine(request, order_no)
    if order.status not in PAID:
        raise Http404(_("这张订单还没有支付，没有收费凭证。"))
    answer = HttpResponse(service_receipt_pdf(order), content_type="application/pdf")
    answer["Content-Disposition"] = f'inline; filename="service-receipt-{order.order_no}.pdf"'
    return answer
