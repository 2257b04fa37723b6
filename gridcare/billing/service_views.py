"""Staff pages of the paid services (WO-10).

- ``/billing/services/``: the catalogue (administrators, SERVICE_CATALOGUE_EDIT) — list, new item,
  an item's page (correct it or set a new price from a date, asked first; take it off sale or
  back, asked first; its price versions and history).
- ``/billing/service-orders/``: the orders of the accounts in reach (SERVICE_ORDER_TAKE) — paged,
  filtered by status and an order or account number; a new order for an account found by the
  search box and picked from what it finds; an order's page with its lines, its history as
  sentences, and its actions (counter payment, schedule, done, cancel), each asked first; once
  paid, its receipt (有偿服务收费凭证) as a PDF and as an 80 mm slip for the counter's printer
  (``?print=receipt``), the same lines as the customer's in the portal."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gridcare.billing import service_selectors as reads
from gridcare.billing.access import service_item_get_for_scope, service_order_get_for_scope
from gridcare.billing.models import ServiceCategory, ServiceItem, ServiceOrder, ServiceOrderSource, ServiceOrderStatus
from gridcare.billing.pdf import company_name, footer, service_receipt_lines, service_receipt_pdf
from gridcare.billing.rules.paid_services import has_receipt
from gridcare.billing.services import service_catalogue as catalogue
from gridcare.billing.services import service_orders
from gridcare.core.exceptions import DomainError
from gridcare.core.paging import paginate
from gridcare.core.timezone import SHANGHAI, business_date
from gridcare.core.views import Confirmation, confirmation, confirmed, form_errors_from, page_action, staff_required
from gridcare.customers.access import account_get_for_scope
from gridcare.customers.selectors import account_search
from gridcare.org.access import Capability, can, request_scope, require

C = Capability


class ItemForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("服务名称"), max_length=60)
    category = forms.ChoiceField(label=gettext_lazy("服务类别"), choices=ServiceCategory.choices)
    unit = forms.CharField(label=gettext_lazy("计价单位"), max_length=10, help_text=gettext_lazy("如：次、台、套"))
    price = forms.DecimalField(label=gettext_lazy("单价（元）"), max_digits=10, decimal_places=2, min_value=0.01)
    valid_from = forms.DateField(
        label=gettext_lazy("执行日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("改价时为新价格的执行日期；已下的订单仍按下单时的价格。"),
    )
    description = forms.CharField(
        label=gettext_lazy("服务内容"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    tax_note = forms.CharField(label=gettext_lazy("税费说明"), max_length=100, required=False)

    def data_of(self) -> catalogue.ItemData:
        d = self.cleaned_data
        return catalogue.ItemData(
            name=d["name"],
            category=d["category"],
            unit=d["unit"],
            price=d["price"],
            valid_from=d["valid_from"],
            description=d["description"],
            tax_note=d["tax_note"],
        )


class NewItemForm(ItemForm):
    code = forms.CharField(
        label=gettext_lazy("服务编码"), max_length=20, help_text=gettext_lazy("大写字母、数字或连字符，如 EV-INSTALL")
    )
    field_order = ["code"]


@staff_required
def services(request: HttpRequest) -> HttpResponse:
    require(request_scope(request), C.SERVICE_CATALOGUE_EDIT)
    rows = reads.catalogue_all(on=business_date())
    return render(request, "billing/services.html", {"groups": reads.catalogue_by_category(rows)})


@staff_required
def service_new(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), C.SERVICE_CATALOGUE_EDIT)
    form = NewItemForm(request.POST or None, initial={"valid_from": business_date()})
    if request.method == "POST" and form.is_valid():
        made = page_action(
            request,
            lambda: catalogue.service_item_create(
                scope=scope, actor=request.user, code=form.cleaned_data["code"], data=form.data_of()
            ),
            success=lambda item: _("已新增服务项目“%(name)s”。") % {"name": item.name},
            form=form,
        )
        if made is not None:
            return redirect("billing:service", item_id=made.pk)
    return render(request, "billing/service_new.html", {"form": form})


def _item_page(
    request: HttpRequest, item: ServiceItem, form: ItemForm | None = None, confirm: Confirmation | None = None
) -> HttpResponse:
    latest = catalogue.latest_price(item)
    initial = {
        "name": item.name,
        "category": item.category,
        "unit": item.unit,
        "price": latest.price if latest else None,
        "valid_from": business_date(),
        "description": item.description,
        "tax_note": item.tax_note,
    }
    context = {
        "item": item,
        "form": form or ItemForm(initial=initial),
        "prices": reads.item_prices(item),
        "in_force": catalogue.price_in_force(item, business_date()),
        "history": reads.item_history(item),
        "confirm": confirm,
    }
    return render(request, "billing/service.html", context)


@staff_required
def service(request: HttpRequest, item_id: int) -> HttpResponse:
    """An item: correct it, or a new price from a date (asked first)."""
    scope = require(request_scope(request), C.SERVICE_CATALOGUE_EDIT)
    item = service_item_get_for_scope(scope=scope, item_id=item_id)
    if request.method != "POST":
        return _item_page(request, item)
    form = ItemForm(request.POST)
    if not form.is_valid():
        return _item_page(request, item, form)
    data = form.data_of()
    if not confirmed(request):
        latest = catalogue.latest_price(item)
        if latest is None or data.price != latest.price:
            sentence = _("“%(name)s”将自 %(d)s 起按 %(price)s 元/%(unit)s 收费，此前已下的订单不受影响。确认保存？") % {
                "name": data.name,
                "d": data.valid_from.isoformat(),
                "price": data.price,
                "unit": data.unit,
            }
        else:
            sentence = _("保存对“%(name)s”的修改？") % {"name": data.name}
        return _item_page(request, item, form, confirmation(request, sentence=sentence, button=_("确认保存")))
    saved = page_action(
        request,
        lambda: catalogue.service_item_edit(scope=scope, actor=request.user, item=item, data=data),
        success=_("服务项目已保存。"),
        form=form,
    )
    if saved is None:
        return _item_page(request, item, form)
    return redirect("billing:service", item_id=item.pk)


@staff_required
@require_POST
def service_active(request: HttpRequest, item_id: int) -> HttpResponse:
    """Take an item off sale or back on sale (asked first)."""
    scope = require(request_scope(request), C.SERVICE_CATALOGUE_EDIT)
    item = service_item_get_for_scope(scope=scope, item_id=item_id)
    active = request.POST.get("active") == "1"
    if not confirmed(request):
        sentence = (
            _("恢复在售后客户可再次订购“%(name)s”。确认？")
            if active
            else _("停售后客户和营业厅都不能再订购“%(name)s”，已下的订单不受影响。确认停售？")
        ) % {"name": item.name}
        ask = confirmation(request, sentence=sentence, button=_("确认"))
        return _item_page(request, item, confirm=ask)
    page_action(
        request,
        lambda: catalogue.service_item_set_active(scope=scope, actor=request.user, item=item, active=active),
        success=_("已恢复在售。") if active else _("已停售。"),
    )
    return redirect("billing:service", item_id=item.pk)


# --- service orders ---------------------------------------------------------------------------------


@staff_required
def service_orders_page(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), C.SERVICE_ORDER_TAKE)
    filters = reads.OrderFilters(status=request.GET.get("status", "")[:12], q=request.GET.get("q", "")[:40])
    page = paginate(request, reads.service_orders_for_scope(scope=scope, filters=filters))
    context = {"page": page, "filters": filters, "statuses": ServiceOrderStatus.choices}
    return render(request, "billing/service_orders.html", context)


class StaffOrderForm(forms.Form):
    account_no = forms.ChoiceField(label=gettext_lazy("户号"), widget=forms.RadioSelect)
    note = forms.CharField(label=gettext_lazy("备注"), max_length=200, required=False)
    key = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, accounts: list[tuple[str, str]], items: list[reads.CatalogueRow], **kw: Any):
        super().__init__(*args, **kw)
        field = self.fields["account_no"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = accounts
        for row in items:
            label = _("%(name)s（%(price)s 元/%(unit)s）") % {
                "name": row.item.name,
                "price": row.price,
                "unit": row.item.unit,
            }
            self.fields[f"q_{row.item.code}"] = forms.IntegerField(
                label=label, min_value=0, max_value=99, required=False, initial=0
            )

    def lines(self) -> list[service_orders.LineIn]:
        return [
            service_orders.LineIn(code=name[2:], quantity=value)
            for name, value in self.cleaned_data.items()
            if name.startswith("q_") and value
        ]


def _place(form: StaffOrderForm, exc: DomainError, lines: list[service_orders.LineIn]) -> None:
    errors = dict(exc.errors)
    for field in [f for f in errors if f.startswith("lines.")]:
        n = field[6:]
        message = errors.pop(field)
        if n.isdigit() and int(n) < len(lines):
            form.add_error(f"q_{lines[int(n)].code}", str(message))
        else:
            form.add_error(None, str(message))
    form_errors_from(form, type(exc)(exc.message, errors=errors))


@staff_required
def service_order_new(request: HttpRequest) -> HttpResponse:
    """Find the account (户号, mobile, name or address), pick it, the quantities, then confirm."""
    scope = require(request_scope(request), C.SERVICE_ORDER_TAKE)
    q = (request.POST.get("q") or request.GET.get("q") or "")[:60]
    found = account_search(scope=scope, q=q) if q.strip() else []
    accounts = [(a.account_no, f"{a.customer.name}（{a.account_no}）{a.address}") for a in found]
    items = reads.catalogue_published(on=business_date())
    form = StaffOrderForm(request.POST or None, accounts=accounts, items=items, initial={"key": uuid.uuid4().hex})
    context: dict[str, Any] = {"form": form, "q": q, "searched": bool(q.strip()), "confirm": None}
    if request.method == "POST" and form.is_valid():
        lines = form.lines()
        try:
            account = account_get_for_scope(scope=scope, account_no=form.cleaned_data["account_no"])
            quoted = service_orders.service_order_quote(lines=lines)
            if not confirmed(request):
                total = sum((x.amount for x in quoted), quoted[0].amount - quoted[0].amount)
                sentence = _("为户号 %(no)s 下单：%(lines)s，共 %(total)s 元。确认下单？") % {
                    "no": account.account_no,
                    "lines": "、".join(f"{x.item.name}×{x.quantity}" for x in quoted),
                    "total": total,
                }
                context["confirm"] = confirmation(request, sentence=sentence, button=_("确认下单"))
                return render(request, "billing/service_order_new.html", context)
            order, _created = service_orders.service_order_create(
                account=account,
                lines=lines,
                source=ServiceOrderSource.HALL,
                scope=scope,
                actor=request.user,
                note=form.cleaned_data["note"],
                idempotency_key=form.cleaned_data["key"],
            )
        except DomainError as exc:
            _place(form, exc, lines)
        else:
            page_action(
                request, lambda: order, success=_("已下单 %(no)s，请收款或请客户在网上支付。") % {"no": order.order_no}
            )
            return redirect("billing:service_order", order_no=order.order_no)
    return render(request, "billing/service_order_new.html", context)


class ScheduleForm(forms.Form):
    at = forms.DateTimeField(
        label=gettext_lazy("上门时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    note = forms.CharField(label=gettext_lazy("备注"), max_length=200, required=False)


def _order_page(request: HttpRequest, order: ServiceOrder, **extra: Any) -> HttpResponse:
    context = {
        "order": order,
        "lines": order.lines.all(),
        "history": reads.order_history(order),
        "schedule_form": extra.pop("schedule_form", None) or ScheduleForm(),
        # the counter's cash and card are PAYMENT_TAKE's (a 95598 agent takes the order, not the money)
        "can_pay": order.status == ServiceOrderStatus.ORDERED and can(request_scope(request), C.PAYMENT_TAKE),
        "can_schedule": order.status in (ServiceOrderStatus.PAID, ServiceOrderStatus.SCHEDULED),
        "can_done": order.status in (ServiceOrderStatus.PAID, ServiceOrderStatus.SCHEDULED),
        "can_cancel": order.status == ServiceOrderStatus.ORDERED,
        "has_receipt": has_receipt(order.status),
        "confirm": None,
        **extra,
    }
    return render(request, "billing/service_order.html", context)


@staff_required
def service_order(request: HttpRequest, order_no: str) -> HttpResponse:
    scope = require(request_scope(request), C.SERVICE_ORDER_TAKE)
    order = service_order_get_for_scope(scope=scope, order_no=order_no)
    if request.GET.get("print") == "receipt":
        return _receipt_print(request, order)
    return _order_page(request, order)


def _paid(order: ServiceOrder) -> ServiceOrder:
    if not has_receipt(order.status):
        raise Http404(_("这张订单还没有支付，没有收费凭证。"))
    return order


def _receipt_print(request: HttpRequest, order: ServiceOrder) -> HttpResponse:
    """The receipt as a page for the counter's 80 mm printer: the lines of its PDF."""
    context = {
        "order": _paid(order),
        "title": _("有偿服务收费凭证"),
        "lines": service_receipt_lines(order),
        "company": company_name(),
        "footer": footer(),
    }
    return render(request, "billing/print_service_receipt.html", context)


@staff_required
def service_order_receipt(request: HttpRequest, order_no: str) -> HttpResponse:
    """The paid order's receipt PDF, printed for the customer at the counter."""
    scope = require(request_scope(request), C.SERVICE_ORDER_TAKE)
    order = _paid(service_order_get_for_scope(scope=scope, order_no=order_no))
    answer = HttpResponse(service_receipt_pdf(order), content_type="application/pdf")
    answer["Content-Disposition"] = f'inline; filename="service-receipt-{order.order_no}.pdf"'
    return answer


def _at(form: ScheduleForm) -> datetime:
    at: datetime = form.cleaned_data["at"]
    return at if at.tzinfo is not None else timezone.make_aware(at, SHANGHAI)


ASK = {
    "cash": gettext_lazy("收取现金 %(amount)s 元，订单即为已支付。确认收款？"),
    "card": gettext_lazy("刷卡收取 %(amount)s 元，订单即为已支付。确认收款？"),
    "schedule": gettext_lazy("预约上门时间 %(at)s，确认？"),
    "done": gettext_lazy("确认服务已完成？完成后订单不能再更改。"),
    "cancel": gettext_lazy("取消后这张订单不能再支付。确认取消？"),
}


@staff_required
@require_POST
def service_order_act(request: HttpRequest, order_no: str) -> HttpResponse:
    """One action of the order page (counter payment, schedule, done, cancel), asked first."""
    scope = require(request_scope(request), C.SERVICE_ORDER_TAKE)
    order = service_order_get_for_scope(scope=scope, order_no=order_no)
    action = request.POST.get("action", "")
    if action not in ASK:
        return redirect("billing:service_order", order_no=order.order_no)
    form = ScheduleForm(request.POST) if action == "schedule" else None
    if form is not None and not form.is_valid():
        return _order_page(request, order, schedule_form=form)
    note = str(request.POST.get("note", ""))[:300]
    if not confirmed(request):
        at = f"{_at(form).astimezone(SHANGHAI):%Y-%m-%d %H:%M}" if form is not None else ""
        sentence = str(ASK[action]) % {"amount": order.amount, "at": at}
        ask = confirmation(request, sentence=sentence, button=_("确认"))
        return _order_page(request, order, schedule_form=form, confirm=ask)
    user = request.user
    acts = {
        "cash": lambda: service_orders.service_order_pay_at_counter(
            scope=scope, actor=user, order=order, channel="counter_cash"
        ),
        "card": lambda: service_orders.service_order_pay_at_counter(
            scope=scope, actor=user, order=order, channel="counter_card"
        ),
        "schedule": lambda: service_orders.service_order_schedule(
            scope=scope, actor=user, order=order, at=_at(form) if form else timezone.now(), note=note
        ),
        "done": lambda: service_orders.service_order_done(scope=scope, actor=user, order=order, note=note),
        "cancel": lambda: service_orders.service_order_cancel(order=order, actor=user, scope=scope, reason=note),
    }
    done = {
        "cash": _("已收款。"),
        "card": _("已收款。"),
        "schedule": _("已预约上门时间。"),
        "done": _("服务已完成。"),
        "cancel": _("订单已取消。"),
    }
    if page_action(request, acts[action], success=done[action], form=form) is None and form is not None:
        return _order_page(request, order, schedule_form=form)
    return redirect("billing:service_order", order_no=order.order_no)
