"""Paying online in the portal (SELF-2 "pay", BILL-4): from the home page or a bill, 缴费 → the
amount (the amount due; a top-up's is the customer's) and the provider (only those switched on) →
"将为户号 … 缴纳 ¥88.00" to confirm → the provider → the result (paid: the receipt; pending:
支付结果确认中 with a refresh; failed, cancelled or expired: pay again). The simulated provider's
cashier page is here too, for the demo and the tests.

The pay form carries an idempotency key made when it is shown, so a double click on 确认支付 makes
one order (and the customer's same open order is given again)."""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gridcare.billing.models import PaymentOrder, PaymentOrderStatus, PaymentPurpose
from gridcare.billing.pdf import receipt_pdf
from gridcare.billing.selectors import account_due
from gridcare.billing.services import payment_orders as orders
from gridcare.billing.services.providers import PROVIDERS, provider_for
from gridcare.billing.services.providers.simulated import Simulated
from gridcare.core.exceptions import DomainError
from gridcare.core.paging import paginate
from gridcare.core.timezone import business_date
from gridcare.core.views import form_errors_from
from gridcare.customers.models import Account
from gridcare.customers.rules import mask_name
from gridcare.portal import selectors
from gridcare.portal.access import customer_required, request_customer
from gridcare.portal.pay import absolute, client_ip, customer_ref, order_view, provider_choices, result_url

WEB = "web"


class PayForm(forms.Form):
    purpose = forms.ChoiceField(
        label=gettext_lazy("缴费用途"),
        choices=[
            (PaymentPurpose.BILL.value, PaymentPurpose.BILL.label),
            (PaymentPurpose.TOPUP.value, PaymentPurpose.TOPUP.label),
        ],
        widget=forms.RadioSelect,
    )
    amount = forms.CharField(
        label=gettext_lazy("金额（元）"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    provider = forms.ChoiceField(label=gettext_lazy("支付方式"), widget=forms.RadioSelect)
    key = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, providers: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provider = self.fields["provider"]
        assert isinstance(provider, forms.ChoiceField)
        provider.choices = providers

    def clean_amount(self) -> Decimal | None:
        text = str(self.cleaned_data.get("amount") or "").strip().replace("¥", "").replace("，", "").replace(",", "")
        if not text:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(_("请填写金额，例如 88.00。")) from None
        return value


def _due(account: Account) -> Decimal:
    due = account_due(account=account, on=business_date())
    return due.principal + due.penalty


def _amount_of(data: dict[str, Any], due: Decimal) -> Decimal | None:
    """A bill pays the amount due shown; a top-up the amount the customer typed."""
    if data["purpose"] == PaymentPurpose.BILL and data["amount"] is None:
        return due if due > 0 else None
    return data["amount"]  # type: ignore[no-any-return]


@customer_required
def pay(request: HttpRequest, account_no: str) -> HttpResponse:
    """Choose the amount and the provider; then confirm; then off to the provider."""
    customer = request_customer(request)
    account = selectors.bound_account(customer, account_no)
    due = _due(account)
    choices = provider_choices()
    initial = {
        "purpose": PaymentPurpose.BILL if due > 0 else PaymentPurpose.TOPUP,
        "amount": f"{due:.2f}" if due > 0 else "",
        "provider": choices[0][0] if len(choices) == 1 else "",
        "key": uuid.uuid4().hex,
    }
    form = PayForm(request.POST or None, providers=choices, initial=initial)
    context: dict[str, Any] = {
        "account": account,
        "holder": mask_name(account.customer.name),
        "due": due,
        "form": form,
        "providers": choices,
    }
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        amount = _amount_of(data, due)
        try:
            if request.POST.get("confirmed") != "1":
                amount, _channel = orders.payment_order_preview(
                    account=account, purpose=data["purpose"], provider=data["provider"], origin=WEB, amount=amount
                )
                context |= {"amount": amount, "data": data, "provider_label": dict(choices)[data["provider"]]}
                return render(request, "portal/pay_confirm.html", context)
            order, _created = orders.payment_order_create(
                account=account,
                purpose=data["purpose"],
                provider=data["provider"],
                origin=WEB,
                customer_ref=customer_ref(customer),
                amount=amount,
                idempotency_key=data["key"],
            )
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            return _to_provider(request, order)
    return render(request, "portal/pay.html", context)


def _to_provider(request: HttpRequest, order: PaymentOrder) -> HttpResponse:
    if order.status != PaymentOrderStatus.CREATED:  # the same order again (a click after paying)
        return redirect("portal:pay_result", order.order_no)
    try:
        url = orders.payment_order_start(
            order=order, client_ip=client_ip(request), return_url=result_url(request, order)
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("portal:pay_result", order.order_no)
    return redirect(absolute(request, url))


def _mine(request: HttpRequest, order_no: str) -> PaymentOrder:
    return orders.payment_order_of(customer_ref=customer_ref(request_customer(request)), order_no=order_no)


@customer_required
def result(request: HttpRequest, order_no: str) -> HttpResponse:
    """The order's outcome: paid with its receipt, being confirmed, or not paid."""
    order = _mine(request, order_no)
    context = {"order": order, "view": order_view(order), "retry": order.status != PaymentOrderStatus.PAID}
    return render(request, "portal/pay_result.html", context)


@customer_required
@require_POST
def go(request: HttpRequest, order_no: str) -> HttpResponse:
    """Back to the provider for an order still open (支付未完成，继续支付)."""
    return _to_provider(request, _mine(request, order_no))


@customer_required
def receipt(request: HttpRequest, order_no: str) -> HttpResponse:
    """The paid order's receipt: billing's receipt PDF of its payment."""
    order = _mine(request, order_no)
    if order.payment is None:
        raise Http404(_("这笔订单还没有支付成功，没有缴费凭证。"))
    service = order.service_order if order.service_order_id is not None else None
    if service is not None:  # a paid service's receipt is the service order's (WO-10)
        return redirect("portal:service_receipt", service.order_no)
    answer = HttpResponse(receipt_pdf(order.payment), content_type="application/pdf")
    answer["Content-Disposition"] = f'inline; filename="receipt-{order.order_no}.pdf"'
    return answer


@customer_required
def history(request: HttpRequest) -> HttpResponse:
    """The customer's own payment orders, newest first."""
    rows = orders.payment_orders_of(customer_ref=customer_ref(request_customer(request)))
    page = paginate(request, rows, size=20)
    return render(request, "portal/pay_orders.html", {"page": page, "views": [order_view(o) for o in page]})


# --- the simulated provider's cashier (the demo and the tests) ---------------------------------------


def _simulated() -> Simulated:
    provider = provider_for("simulated")  # switched off: the same 404 as a missing page
    assert isinstance(provider, Simulated)
    return provider


@customer_required
def simulated(request: HttpRequest, order_no: str) -> HttpResponse:
    """Plays the provider: the amount, 确认支付 or 取消. Confirming makes the signed notification
    and hands it to the webhook's own handler, then the customer goes back to the result page."""
    provider = _simulated()
    order = _mine(request, order_no)
    if order.provider != provider.code:
        raise Http404(_("没有找到这笔支付订单。"))
    if order.status != PaymentOrderStatus.CREATED:
        return redirect("portal:pay_result", order.order_no)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "confirm":
                orders.payment_order_notified(
                    provider=provider.code,
                    notification=provider.notification(order_no=order.order_no, amount=order.amount),
                )
            else:
                orders.payment_order_cancel(order=order)
                messages.info(request, _("您已取消支付，未扣款。"))
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect("portal:pay_result", order.order_no)
    context = {"order": order, "merchant": _("国网示范市供电公司"), "provider": PROVIDERS["simulated"].label}
    return render(request, "portal/pay_sim.html", context)
