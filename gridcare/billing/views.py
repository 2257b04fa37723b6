"""Staff pages of billing: bill runs with progress, bills and payments of an account,
arrears, reading imports and exceptions, PDFs. Thin: parse, fetch through access, call one
service or selector, render."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridcare.billing import forms, selectors
from gridcare.billing.access import (
    exception_get_for_scope,
    run_get_for_scope,
    work_unit,
)
from gridcare.billing.exports import (
    exception_header,
    exception_lines,
    ledger_header,
    ledger_lines,
    overdue_header,
    overdue_lines,
    run_header,
    run_lines,
)
from gridcare.billing.models import Bill, BillRun, BillStatus, ExceptionStatus, Payment, PenaltyWaiver
from gridcare.billing.move_forms import account_page_forms
from gridcare.billing.move_selectors import moves_context
from gridcare.billing.pdf import bill_lines, bill_pdf, company_name, footer, receipt_lines, receipt_pdf
from gridcare.billing.services.arrears import waiver_decide, waiver_request
from gridcare.billing.services.bill_run import bill_run_launch, bill_run_open
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.billing.services.readings import exception_resolve, intervals_import, readings_import
from gridcare.core.exceptions import DomainError
from gridcare.core.paging import Sorting, export_response, paginate, sort_rows
from gridcare.core.timezone import business_date
from gridcare.core.views import (
    Confirmation,
    ask_first,
    confirmation,
    form_errors_from,
    is_htmx,
    page_action,
    page_get,
    page_user,
    staff_required,
)
from gridcare.customers.access import account_get_for_scope
from gridcare.customers.models import Account
from gridcare.org.access import Capability, Scope, can, request_scope, require


@staff_required
def runs(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    require(scope, Capability.BILLING_OFFICE)
    form = forms.RunForm(request.POST or None, scope=scope)
    confirm: Confirmation | None = None
    if request.method == "POST" and form.is_valid():
        confirm, run = ask_first(
            request,
            ask=lambda: _run_confirmation(request, scope, form.cleaned_data),
            act=lambda: _run_open(scope, form.cleaned_data, request.user),
            form=form,
        )
        if run is not None:
            transaction.on_commit(lambda: bill_run_launch(run))
            return redirect("billing:run", run_id=run.pk)
    listed, sorting = sort_rows(request, selectors.bill_runs(scope=scope), RUN_SORTS)
    context = {
        "form": form,
        "page": paginate(request, listed),
        "sorting": sorting,
        "totals": selectors.bill_run_totals(scope=scope),
        "export_url": reverse("billing:runs_export"),
        "confirm": confirm,
        "can_bill": True,  # the menu: BILLING_OFFICE asked
    }
    return render(request, "billing/runs.html", context)


# The bill runs' sortable columns (?sort=key or -key); otherwise the latest started first.
RUN_SORTS: dict[str, tuple[str, ...]] = {
    "period": ("period", "-started_at", "-id"),
    "unit": ("unit__name", "-started_at", "-id"),
    "status": ("status", "-started_at", "-id"),
    "billed": ("billed", "-id"),
    "held": ("held", "-id"),
    "missing": ("missing", "-id"),
    "amount": ("amount", "-id"),
    "started": ("started_at", "id"),
}


@staff_required
def runs_export(request: HttpRequest) -> HttpResponseBase:
    """The bill runs the page lists, whole, in its order."""
    scope = require(request_scope(request), Capability.BILLING_OFFICE)
    listed, _sorting = sort_rows(request, selectors.bill_runs(scope=scope), RUN_SORTS)
    name = f"bill-runs-{business_date()}"
    return export_response(run_header(), run_lines(listed), name=name, fmt=request.GET.get("format", ""))


def _run_confirmation(request: HttpRequest, scope: Scope, data: dict[str, Any]) -> Confirmation:
    """What the run will do, asked first: a run writes a bill (and a message) per account."""
    unit = work_unit(scope, data["unit"])
    preview = selectors.run_preview(period=data["period"], unit_id=unit.pk if unit else None)
    sentence = _(
        "将为%(unit)s %(period)s 账期出账：在册 %(accounts)s 户，%(readings)s 户已有抄表数据将生成账单"
        "（已出账 %(billed)s 户不会重复），%(held)s 条异常抄表暂缓。确认开始出账？"
    ) % {
        "unit": unit.name if unit else _("全部供电单位"),
        "period": data["period"],
        "accounts": f"{preview.accounts:,}",
        "readings": f"{preview.readings:,}",
        "billed": f"{preview.billed:,}",
        "held": f"{preview.held:,}",
    }
    return confirmation(request, sentence=sentence, button=_("确认开始出账"))


def _run_open(scope: Scope, data: dict[str, Any], actor: User | AnonymousUser) -> BillRun:
    return bill_run_open(period=data["period"], unit=work_unit(scope, data["unit"]), actor=actor)


@staff_required
def run(request: HttpRequest, run_id: int) -> HttpResponse:
    scope = request_scope(request)
    require(scope, Capability.BILLING_OFFICE)
    progress = selectors.run_progress(run_get_for_scope(scope=scope, run_id=run_id))
    template = "billing/_run_progress.html" if is_htmx(request) else "billing/run.html"
    events = paginate(request, progress["run"].events.order_by("-id"), param="events_page")
    context = {**progress, "events": events, "can_bill": True}
    return render(request, template, context)


@staff_required
def account(request: HttpRequest, account_no: str) -> HttpResponse:
    scope = request_scope(request)
    require(scope, Capability.BILL_VIEW)
    acct = account_get_for_scope(scope=scope, account_no=account_no)
    printing = request.GET.get("print", "")
    if printing == "bill":
        return _bill_print(request, acct, request.GET.get("period", ""), request.GET.get("segment"))
    if printing == "receipt":
        return _receipt_print(request, acct, request.GET.get("payment", ""))
    return _account_page(request, scope, acct)


# The account page's two action forms, each under ids of its own (convention 6).
PAY_IDS = "id_pay_%s"
WAIVER_IDS = "id_waiver_%s"


def _open_periods(due: selectors.AccountDue) -> list[str]:
    return [o.bill.period for o in due.bills]


def _account_page(
    request: HttpRequest,
    scope: Scope,
    acct: Account,
    *,
    due: selectors.AccountDue | None = None,
    pay_form: forms.CounterPaymentForm | None = None,
    waiver_form: forms.WaiverForm | None = None,
) -> HttpResponse:
    """The account's bills page; after a refused payment or waiver request, with that form as it
    was sent (what was typed, the message beside its field), answered 200 at the action's URL."""
    due = due or selectors.account_due(account=acct, on=business_date())
    context = {
        "account": acct,
        "due": due,
        "bills": paginate(request, selectors.bill_history(account=acct, cancelled=True), param="bills_page"),
        "payments": paginate(request, selectors.payment_history(account=acct), param="payments_page"),
        "can_pay": can(scope, Capability.PAYMENT_TAKE),
        "can_waive": can(scope, Capability.WAIVER_REQUEST),
        "pay_form": pay_form or forms.CounterPaymentForm(initial={"idempotency_key": uuid.uuid4()}, auto_id=PAY_IDS),
        "waiver_form": waiver_form or forms.WaiverForm(periods=_open_periods(due), auto_id=WAIVER_IDS),
        "waivers": paginate(
            request,
            PenaltyWaiver.objects.filter(bill__account=acct).select_related("bill", "requested_by").order_by("-id"),
            param="waivers_page",
        ),
        "can_approve": can(scope, Capability.WAIVER_APPROVE),
        "can_reverse": can(scope, Capability.PAYMENT_REVERSE),
        "can_refund": can(scope, Capability.REFUND_REQUEST),
        "can_instalment": can(scope, Capability.INSTALMENT_REQUEST),  # issue 19: arrears
        "can_protect": can(scope, Capability.PROTECTED_EDIT),
        "can_invoice": can(scope, Capability.INVOICE_VIEW),  # e-invoices (gridcare.invoicing)
        "can_title": can(scope, Capability.INVOICE_TITLE_EDIT),
        **moves_context(scope, acct),  # 销户 / 过户 and the deposit (issue 19)
        **account_page_forms(),
        "can_correct": can(scope, Capability.BILL_CORRECT_REQUEST),  # 更正 and 退补 (issue 19)
    }
    return render(request, "billing/account.html", context)


@staff_required
@require_POST
def counter_payment(request: HttpRequest, account_no: str) -> HttpResponse:
    scope, acct = page_get(request, account_get_for_scope, account_no=account_no)
    require(scope, Capability.PAYMENT_TAKE)
    form = forms.CounterPaymentForm(request.POST, auto_id=PAY_IDS)
    if not form.is_valid():
        return _account_page(request, scope, acct, pay_form=_with_a_key(form, request))
    # The form's key is the serial: the same form posted twice is one payment. A refused form
    # comes back with the key it was sent with: nothing was posted under it, or (a key already
    # posted with another amount) posting it again must not take a second payment.
    txn = f"CTR-{form.cleaned_data['idempotency_key'].hex}"
    data = PaymentIn(form.cleaned_data["channel"], txn, acct.account_no, form.cleaned_data["amount"], timezone.now())
    posted = page_action(request, lambda: payment_post(scope=scope, actor=request.user, data=data), form=form)
    if posted is None:
        return _account_page(request, scope, acct, pay_form=form)
    payment, created = posted
    if created:
        messages.success(request, _("收费成功：%(a)s 元。") % {"a": payment.amount})
    else:
        messages.info(request, _("这笔收费已经入账（%(a)s 元），重复提交未再收费。") % {"a": payment.amount})
    return redirect("billing:account", account_no=acct.account_no)


def _with_a_key(form: forms.CounterPaymentForm, request: HttpRequest) -> forms.CounterPaymentForm:
    """A pay form sent without a valid key (a stale or altered page) comes back with a new one,
    and what was typed: no payment can have been posted under a key that was not valid."""
    if "idempotency_key" not in form.errors:
        return form
    data = request.POST.copy()
    data["idempotency_key"] = str(uuid.uuid4())
    renewed = forms.CounterPaymentForm(data, auto_id=PAY_IDS)
    renewed.is_valid()
    renewed.add_error(None, _("收费表单已失效，已换成新的表单：请核对金额后再收费。"))
    return renewed


@staff_required
@require_POST
def waiver_create(request: HttpRequest, account_no: str) -> HttpResponse:
    scope, acct = page_get(request, account_get_for_scope, account_no=account_no)
    require(scope, Capability.WAIVER_REQUEST)
    due = selectors.account_due(account=acct, on=business_date())
    form = forms.WaiverForm(request.POST, periods=_open_periods(due), auto_id=WAIVER_IDS)
    if form.is_valid():
        bill = next(o.bill for o in due.bills if o.bill.period == form.cleaned_data["period"])
        reason = form.cleaned_data["reason"]
        asked = page_action(
            request, lambda: waiver_request(scope=scope, actor=page_user(request), bill=bill, reason=reason), form=form
        )
        if asked is not None:
            return redirect("billing:account", account_no=acct.account_no)
    return _account_page(request, scope, acct, due=due, waiver_form=form)


@staff_required
@require_POST
def waiver_decision(request: HttpRequest, waiver_id: int) -> HttpResponse:
    scope = request_scope(request)
    require(scope, Capability.WAIVER_APPROVE)
    waiver = get_object_or_404(PenaltyWaiver.objects.select_related("bill__account"), pk=waiver_id)
    acct = account_get_for_scope(scope=scope, account_no=waiver.bill.account.account_no)
    approve = request.POST.get("approve") == "1"
    page_action(request, lambda: waiver_decide(scope=scope, actor=page_user(request), waiver=waiver, approve=approve))
    return redirect("billing:account", account_no=acct.account_no)


def _bill_of(acct: Account, period: str, segment: object = None) -> Bill:
    # The period's bill in force: a cancelled one (issue 19) stays in the history beside it. A
    # period split by a transfer or a closure has two (``Bill.segment``): ``?segment=`` picks one.
    bills = Bill.objects.select_related("tariff", "account__customer", "account__supply_unit").exclude(
        status=BillStatus.CANCELLED
    )
    wanted = selectors.segment_param(segment)
    if wanted is not None:
        bills = bills.filter(segment=wanted)
    bill = bills.filter(account=acct, period=period).order_by("segment").first()
    if bill is None:
        raise Http404(_("没有找到这期账单。"))
    return bill


def _payment_of(acct: Account, payment_id: int) -> Payment:
    return get_object_or_404(Payment.objects.select_related("account__customer"), account=acct, pk=payment_id)


@staff_required
def bill_document(request: HttpRequest, account_no: str, period: str) -> HttpResponse:
    scope = request_scope(request)
    require(scope, Capability.BILL_VIEW)
    acct = account_get_for_scope(scope=scope, account_no=account_no)
    return HttpResponse(bill_pdf(_bill_of(acct, period, request.GET.get("segment"))), content_type="application/pdf")


@staff_required
def receipt_document(request: HttpRequest, account_no: str, payment_id: int) -> HttpResponse:
    scope = request_scope(request)
    require(scope, Capability.BILL_VIEW)
    acct = account_get_for_scope(scope=scope, account_no=account_no)
    return HttpResponse(receipt_pdf(_payment_of(acct, payment_id)), content_type="application/pdf")


def _bill_print(request: HttpRequest, acct: Account, period: str, segment: str | None = None) -> HttpResponse:
    """The bill as a page for the browser's print (A4): the lines of its PDF."""
    bill = _bill_of(acct, period, segment)
    context = {"account": acct, "title": _("电费通知单"), "lines": bill_lines(bill), "bill": bill}
    return render(request, "billing/print_bill.html", context | _document_heading())


def _receipt_print(request: HttpRequest, acct: Account, payment_id: str) -> HttpResponse:
    """A payment's receipt as a page for the counter's 80 mm receipt printer: the lines of its PDF."""
    wanted = int(payment_id) if payment_id.isascii() and payment_id.isdigit() and len(payment_id) <= 18 else 0
    payment = _payment_of(acct, wanted)
    context = {"account": acct, "title": _("电费缴费凭证"), "lines": receipt_lines(payment), "payment": payment}
    return render(request, "billing/print_receipt.html", context | _document_heading())


def _document_heading() -> dict[str, str]:
    return {"company": company_name(), "footer": footer()}


def _arrears_by(request: HttpRequest) -> str:
    by = request.GET.get("by", "unit")
    return by if by in ("unit", "hall", "account") else "unit"


# The arrears ledger's sortable columns (?sort=key or -key); otherwise the most owed first.
LEDGER_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "accounts": ("accounts", "name"),
    "bills": ("bills", "name"),
    "owed": ("owed", "name"),
}
# The overdue bills' (?overdue_sort=key or -key); otherwise the oldest due first. 已缴 (paid with
# its penalty, a sum of two columns) does not sort.
OVERDUE_SORTS: dict[str, tuple[str, ...]] = {
    "account": ("account__account_no", "period", "id"),
    "unit": ("account__supply_unit__name", "due_date", "account__account_no", "id"),
    "period": ("period", "account__account_no", "id"),
    "amount": ("amount", "due_date", "account__account_no", "id"),
    "due": ("due_date", "account__account_no", "id"),
}


def sorted_list(
    request: HttpRequest, rows: QuerySet[Any], orders: dict[str, tuple[str, ...]], *, param: str, page_param: str
) -> tuple[QuerySet[Any], Sorting]:
    """``sort_rows`` for the second list of a page, which pages by ``page_param``: its column
    links go back to that list's first page and keep the other list's page (``sort_rows`` drops
    ``page``, the first list's)."""
    listed, sorting = sort_rows(request, rows, orders, param=param)
    query = request.GET.copy()
    for name in (param, page_param):
        query.pop(name, None)
    return listed, replace(sorting, query=query)


def _ledger(request: HttpRequest, scope: Scope, today: date, by: str) -> tuple[QuerySet[Any], Sorting]:
    return sort_rows(request, selectors.arrears_ledger(scope=scope, on=today, by=by), LEDGER_SORTS)


def _overdue(request: HttpRequest, scope: Scope, today: date) -> tuple[QuerySet[Any], Sorting]:
    bills = selectors.overdue_bills(scope=scope, on=today)
    return sorted_list(request, bills, OVERDUE_SORTS, param="overdue_sort", page_param="overdue_page")


@staff_required
def arrears(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    require(scope, Capability.BILL_VIEW)
    by = _arrears_by(request)
    today = business_date()
    ledger, ledger_sorting = _ledger(request, scope, today, by)
    overdue, overdue_sorting = _overdue(request, scope, today)
    context = {
        "by": by,
        "ledger": paginate(request, ledger),
        "ledger_sorting": ledger_sorting,
        "overdue": paginate(request, overdue, param="overdue_page"),
        "overdue_sorting": overdue_sorting,
        "totals": selectors.overdue_totals(scope=scope, on=today),
        "today": today,
        "can_bill": can(scope, Capability.BILLING_OFFICE),
    }
    return render(request, "billing/arrears.html", context)


@staff_required
def arrears_export(request: HttpRequest, kind: str = "ledger") -> HttpResponseBase:
    """The whole ledger at the chosen grouping, or every overdue bill, masked, in the page's order."""
    scope = request_scope(request)
    require(scope, Capability.BILL_VIEW)
    today, fmt = business_date(), request.GET.get("format", "")
    if kind == "overdue":
        bills, _sorting = _overdue(request, scope, today)
        return export_response(overdue_header(), overdue_lines(bills), name=f"overdue-{today}", fmt=fmt)
    by = _arrears_by(request)
    rows, _sorting = _ledger(request, scope, today, by)
    return export_response(ledger_header(by), ledger_lines(rows), name=f"arrears-{by}-{today}", fmt=fmt)


@staff_required
def readings(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    require(scope, Capability.BILLING_OFFICE)
    form = forms.ReadingsUploadForm(request.POST or None, request.FILES or None)
    errors: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        service = intervals_import if form.cleaned_data["interval"] else readings_import
        try:
            batch = service(file_name=upload.name, content=upload.read(), actor=request.user, scope=scope)
        except DomainError as exc:
            form_errors_from(form, exc)
            errors = exc.errors
        else:
            messages.success(
                request, _("已导入 %(n)s 行，%(e)s 行待处理异常。") % {"n": batch.rows, "e": batch.exceptions}
            )
            if batch.late_corrections:
                messages.info(
                    request,
                    _("其中 %(n)s 行是已按估抄出账月份的补录实抄：已提交账单更正申请，由他人审批后重新出账。")
                    % {"n": batch.late_corrections},
                )
            return redirect("billing:readings")
    listed, sorting = sort_rows(request, selectors.open_exceptions(scope=scope), EXCEPTION_SORTS)
    exceptions = paginate(request, listed)
    context = {
        "form": form,
        "errors": errors,
        "exceptions": exceptions,
        # Each row's resolution under ids of its own (convention 6).
        "rows": [(e, forms.ResolveForm(auto_id=f"id_resolve{e.pk}_%s")) for e in exceptions.items],
        "sorting": sorting,
        "export_url": reverse("billing:exceptions_export"),
        "can_bill": True,  # the billing office menu: this page asks BILLING_OFFICE
    }
    return render(request, "billing/readings.html", context)


# The open reading exceptions' sortable columns (?sort=key or -key); otherwise by period and
# account. The problem's sentence is written from the exception's details and does not sort.
EXCEPTION_SORTS: dict[str, tuple[str, ...]] = {
    "account": ("reading__account__account_no", "reading__period", "id"),
    "period": ("reading__period", "reading__account__account_no", "id"),
    "kind": ("kind", "reading__period", "reading__account__account_no", "id"),
    "kwh": ("reading__kwh", "id"),
}


@staff_required
def exceptions_export(request: HttpRequest) -> HttpResponseBase:
    """The open reading exceptions the page lists, whole, in its order."""
    scope = require(request_scope(request), Capability.BILLING_OFFICE)
    listed, _sorting = sort_rows(request, selectors.open_exceptions(scope=scope), EXCEPTION_SORTS)
    name = f"reading-exceptions-{business_date()}"
    return export_response(exception_header(), exception_lines(listed), name=name, fmt=request.GET.get("format", ""))


@staff_required
@require_POST
def exception_resolution(request: HttpRequest, exception_id: int) -> HttpResponse:
    scope = request_scope(request)
    require(scope, Capability.BILLING_OFFICE)
    exception = exception_get_for_scope(scope=scope, exception_id=exception_id)
    form = forms.ResolveForm(request.POST)
    if form.is_valid():
        to = ExceptionStatus(form.cleaned_data["action"])
        page_action(
            request,
            lambda: exception_resolve(exception=exception, to=to, actor=request.user, kwh=form.cleaned_data["kwh"]),
            success=_("户号 %(no)s %(period)s 的抄表异常%(how)s。")
            % {"no": exception.reading.account.account_no, "period": exception.reading.period, "how": to.label},
        )
    else:
        messages.error(request, _("请选择处理方式；更正电量时请填写电量。"))
    return redirect("billing:readings")
