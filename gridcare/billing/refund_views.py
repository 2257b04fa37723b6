"""Pages of money back and money returned (issue 19), in the billing office area: a payment's
reversal (asked first, with what it will do), refunds (the list by status, the request form,
the second person's decision, the bank's payment file and its payment). Thin: parse, fetch
through access, call one service or selector, render."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridcare.billing import access, forms, refund_selectors
from gridcare.billing.models import Payment, Refund, RefundStatus, ReversalReason
from gridcare.billing.services.refund_lines import download_line, refund_batch_downloaded
from gridcare.billing.services.refunds import (
    RefundIn,
    refund_batch_paid,
    refund_decide,
    refund_export,
    refund_request,
    refunds_to_export,
)
from gridcare.billing.services.reversals import ReversalOutcome, payment_reversal_preview, payment_reverse
from gridcare.core.exceptions import NotFound
from gridcare.core.paging import export_response, paginate, sort_rows
from gridcare.core.timezone import business_date
from gridcare.core.views import (
    Confirmation,
    ask_first,
    confirmation,
    decision_action,
    page_action,
    page_get,
    page_user,
    staff_required,
)
from gridcare.customers.access import account_get_for_scope
from gridcare.org.access import Capability, Scope, can, request_scope, require

# --- a payment's reversal ---------------------------------------------------------------------


def _payment_of(scope: Scope, account_no: str, payment_id: int) -> Payment:
    account = account_get_for_scope(scope=scope, account_no=account_no)
    payment = access.payment_get_for_scope(scope=scope, payment_id=payment_id)
    if payment.account_id != account.pk:
        raise NotFound(_("缴费记录不存在。"))
    return payment


def _money(value: Decimal) -> str:
    return f"¥{value:,.2f}"


def reversal_sentence(payment: Payment, outcome: ReversalOutcome) -> str:
    """What a reversal will do, in one sentence ("撤销该笔 ¥120.00 缴费：账单 … 恢复为未缴 …")."""
    parts = [_("撤销该笔 %(a)s 缴费（%(at)s）") % {"a": _money(payment.amount), "at": f"{payment.paid_at:%Y-%m-%d}"}]
    for b in outcome.bills:
        parts.append(
            _("账单 %(p)s 恢复为%(s)s（电费 %(e)s，违约金 %(f)s）")
            % {"p": b.period, "s": b.status, "e": _money(b.principal), "f": _money(b.penalty)}
        )
    if outcome.from_prepaid:
        parts.append(_("扣回预存 %(a)s") % {"a": _money(outcome.from_prepaid)})
    for period, amount in outcome.reopened:
        parts.append(_("已用预存抵扣的账单 %(p)s 重新欠费 %(a)s") % {"p": period, "a": _money(amount)})
    if outcome.uncovered:
        parts.append(_("%(a)s 已退款或冻结待退，无法扣回，须另行追回") % {"a": _money(outcome.uncovered)})
    if outcome.settled_to:
        parts.append(_("违约金自 %(d)s 起重新计算") % {"d": outcome.settled_to.isoformat()})
    parts.append(_("冲正后应缴合计 %(a)s") % {"a": _money(outcome.due_after)})
    return "：".join(parts[:1]) + "：" + "；".join(parts[1:]) + "。" + _("并短信告知客户。确认冲正？")


@staff_required
def reversal(request: HttpRequest, account_no: str, payment_id: int) -> HttpResponse:
    scope = request_scope(request)
    payment = _payment_of(scope, account_no, payment_id)
    require(scope, Capability.PAYMENT_REVERSE)
    form = forms.ReversalForm(request.POST or None)
    confirm: Confirmation | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def ask() -> Confirmation:
            outcome = payment_reversal_preview(scope=scope, payment=payment, **data)
            return confirmation(request, sentence=reversal_sentence(payment, outcome), button=_("确认冲正"))

        confirm, done = ask_first(
            request,
            ask=ask,
            act=lambda: payment_reverse(scope=scope, actor=page_user(request), payment=payment, **data),
            form=form,
        )
        if done is not None:
            reversed_, created = done
            if created:
                messages.success(request, _("已冲正该笔缴费 %(a)s。") % {"a": _money(payment.amount)})
            else:
                messages.info(request, _("该笔缴费已按此凭证号冲正，未重复冲正。"))
            return redirect("billing:account", account_no=payment.account.account_no)
    context = {
        "payment": payment,
        "account": payment.account,
        "reversal": getattr(payment, "reversal", None),
        "form": form,
        "confirm": confirm,
        "events": payment.events.select_related("actor__staff").order_by("id"),
        "reasons": ReversalReason.choices,
    }
    return render(request, "billing/reversal.html", context)


# --- refunds ------------------------------------------------------------------------------------

REFUND_SORTS: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "account": ("account__account_no", "-id"),
    "amount": ("amount", "-id"),
    "method": ("method", "-id"),
    "requested": ("requested_at", "id"),
}
BATCH_SORTS: dict[str, tuple[str, ...]] = {
    "batch": ("id",),
    "lines": ("lines", "-id"),
    "total": ("total", "-id"),
    "created": ("created_at", "id"),
}


def _refund_scope(request: HttpRequest) -> Scope:
    return require(request_scope(request), Capability.REFUND_APPROVE)


def _status(request: HttpRequest) -> str:
    status = request.GET.get("status", RefundStatus.PENDING)
    return status if status in RefundStatus.values else RefundStatus.PENDING


@staff_required
def refunds(request: HttpRequest) -> HttpResponse:
    """Refunds by status (pending approval first), paged and sortable; the export of the approved
    ones to the bank's payment file, asked first; the payment files made."""
    scope = _refund_scope(request)
    status = _status(request)
    listed, sorting = sort_rows(request, refund_selectors.refunds(scope=scope, status=status), REFUND_SORTS)
    batches, batch_sorting = sort_rows(
        request, refund_selectors.refund_batches(scope=scope), BATCH_SORTS, param="batches_sort"
    )
    waiting = refunds_to_export(scope) if can(scope, Capability.REFUND_REQUEST) else []
    context = {
        "status": status,
        "counts": [(s, label, refund_selectors.refund_counts(scope=scope)[s]) for s, label in RefundStatus.choices],
        "page": paginate(request, listed),
        "sorting": sorting,
        "batches": paginate(request, batches, param="batches_page"),
        "batch_sorting": batch_sorting,
        "export_url": reverse("billing:refunds_export") + f"?status={status}",
        "waiting": len(waiting),
        "waiting_total": sum((r.amount for r in waiting), Decimal("0.00")),
        "can_export": can(scope, Capability.REFUND_REQUEST),
        "confirm": None,
        "can_bill": can(scope, Capability.BILLING_OFFICE),
    }
    return render(request, "billing/refunds.html", context)


@staff_required
def refunds_export(request: HttpRequest) -> HttpResponseBase:
    """The refunds the page lists (its status, its order), whole, masked."""
    scope = _refund_scope(request)
    listed, _sorting = sort_rows(request, refund_selectors.refunds(scope=scope, status=_status(request)), REFUND_SORTS)
    header, lines = refund_selectors.refund_list_header(), refund_selectors.refund_list_lines(listed)
    return export_response(header, lines, name=f"refunds-{business_date()}", fmt=request.GET.get("format", ""))


@staff_required
def refund_new(request: HttpRequest, account_no: str) -> HttpResponse:
    scope, account = page_get(request, account_get_for_scope, account_no=account_no)
    require(scope, Capability.REFUND_REQUEST)
    payments = refund_selectors.original_payment_choices(account)
    initial = {"request_key": uuid.uuid4()}
    form = forms.RefundForm(request.POST or None, initial=initial, payments=payments)
    if request.method == "POST" and form.is_valid():
        data = RefundIn(**_refund_in(form.cleaned_data))
        done = page_action(
            request,
            lambda: refund_request(scope=scope, actor=page_user(request), account=account, data=data),
            form=form,
        )
        if done is not None:
            refund, created = done
            if created:
                messages.success(request, _("已提交退款申请 %(a)s，待另一人审批。") % {"a": _money(refund.amount)})
            else:
                messages.info(request, _("这张申请已经提交过，未重复申请。"))
            return redirect("billing:refund", refund_id=refund.pk)
    context = {
        "account": account,
        "form": form,
        "balance": refund_selectors.refundable_balance(account),
        "can_bill": can(scope, Capability.BILLING_OFFICE),
    }
    return render(request, "billing/refund_new.html", context)


def _refund_in(data: dict[str, Any]) -> dict[str, Any]:
    payment = data.get("payment_id") or ""
    return {
        "amount": data["amount"],
        "method": data["method"],
        "reason": data["reason"],
        "request_key": data["request_key"].hex,
        "payee_name": data.get("payee_name") or "",
        "bank_name": data.get("bank_name") or "",
        "bank_account": data.get("bank_account") or "",
        "payment_id": int(payment) if payment.isdigit() else None,
    }


def _refund_page(request: HttpRequest, scope: Scope, refund: Refund, **extra: Any) -> HttpResponse:
    context = {
        "refund": refund,
        "destination": refund_selectors.destination(refund),
        "events": refund.events.select_related("actor__staff").order_by("id"),
        "can_decide": can(scope, Capability.REFUND_APPROVE) and refund.decidable_by(request.user.pk),
        "confirm": None,
        "can_bill": can(scope, Capability.BILLING_OFFICE),
        **refund_selectors.refund_line_actions(scope, refund.status),  # a bank line paid or failed (issue 19)
        **extra,
    }
    return render(request, "billing/refund.html", context)


@staff_required
def refund(request: HttpRequest, refund_id: int) -> HttpResponse:
    scope = _refund_scope(request)
    return _refund_page(request, scope, access.refund_get_for_scope(scope=scope, refund_id=refund_id))


@staff_required
@require_POST
def refund_decision(request: HttpRequest, refund_id: int) -> HttpResponse:
    scope = _refund_scope(request)
    found = access.refund_get_for_scope(scope=scope, refund_id=refund_id)

    def sentence(approve: bool) -> str:
        if approve:
            text = _("批准退款 %(a)s 至 %(d)s？批准后将进入待导出，导出后由银行付款。")
        else:
            text = _("驳回退款 %(a)s？冻结的金额将退回该户预存余额。")
        return text % {"a": _money(found.amount), "d": refund_selectors.destination(found)}

    return decision_action(
        request,
        back=reverse("billing:refund", args=[found.pk]),
        sentence=sentence,
        act=lambda approve, note: refund_decide(
            scope=scope, actor=page_user(request), refund=found, approve=approve, note=note
        ),
        success=(_("已批准退款。"), _("已驳回退款，金额已退回预存余额。")),
        page=lambda confirm: _refund_page(request, scope, found, confirm=confirm),
    )


@staff_required
@require_POST
def refund_batch_new(request: HttpRequest) -> HttpResponse:
    """The approved refunds not yet exported become one payment file (asked first)."""
    scope = require(request_scope(request), Capability.REFUND_REQUEST)
    waiting = refunds_to_export(scope)
    if not waiting:
        messages.error(request, _("没有待导出的已批准退款。"))
        return redirect(reverse("billing:refunds") + "?status=approved")
    form = forms.ConfirmForm(request.POST)
    total = sum((r.amount for r in waiting), Decimal("0.00"))
    sentence = _("将导出 %(n)s 笔已批准退款，共 %(a)s，生成银行付款文件；每笔只导出一次。确认导出？")
    confirm, batch = ask_first(
        request,
        ask=lambda: confirmation(
            request,
            sentence=sentence % {"n": len(waiting), "a": _money(total)},
            button=_("确认导出"),
            cancel=reverse("billing:refunds") + "?status=approved",
        ),
        act=lambda: refund_export(scope=scope, actor=page_user(request)),
        form=form,
    )
    if batch is not None:
        messages.success(request, _("已生成退款批次 #%(b)s。") % {"b": batch.pk})
        return redirect("billing:refund_batch", batch_id=batch.pk)
    if confirm is None:
        for error in form.non_field_errors():
            messages.error(request, str(error))
        return redirect(reverse("billing:refunds") + "?status=approved")
    return render(request, "billing/refund_confirm.html", {"confirm": confirm, "can_bill": True})


@staff_required
def refund_batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    scope = _refund_scope(request)
    batch = access.refund_batch_get_for_scope(scope=scope, batch_id=batch_id)
    confirm: Confirmation | None = None
    if request.method == "POST":
        require(scope, Capability.REFUND_REQUEST)
        form = forms.ConfirmForm(request.POST)
        sentence = _("确认银行已按退款批次 #%(b)s 付款（%(n)s 笔，共 %(a)s）？每户将收到退款到账短信。")
        confirm, done = ask_first(
            request,
            ask=lambda: confirmation(
                request,
                sentence=sentence % {"b": batch.pk, "n": batch.lines, "a": _money(batch.total)},
                button=_("确认已付款"),
            ),
            act=lambda: refund_batch_paid(scope=scope, actor=page_user(request), batch=batch),
            form=form,
            success=_("退款批次已确认付款。"),
        )
        if done is not None or form.errors:
            for error in form.non_field_errors():
                messages.error(request, str(error))
            return redirect("billing:refund_batch", batch_id=batch.pk)
    rows = batch.refunds.select_related("account__customer", "payment").order_by("id")
    context = {
        "batch": batch,
        "rows": [(r, refund_selectors.destination(r)) for r in rows],
        "confirm": confirm,
        "can_export": can(scope, Capability.REFUND_REQUEST),
        "can_bill": can(scope, Capability.BILLING_OFFICE),
        "downloads": [download_line(d) for d in batch.downloads.select_related("user__staff")],
    }
    return render(request, "billing/refund_batch.html", context)


@staff_required
def refund_batch_file(request: HttpRequest, batch_id: int) -> HttpResponseBase:
    """The bank's payment file of a batch (CSV, or Excel with ?format=xlsx): whole account numbers."""
    scope = require(request_scope(request), Capability.REFUND_REQUEST)
    batch = access.refund_batch_get_for_scope(scope=scope, batch_id=batch_id)
    header, lines = refund_selectors.refund_file_header(), refund_selectors.refund_file_lines(batch)
    fmt = request.GET.get("format", "")
    refund_batch_downloaded(scope=scope, actor=page_user(request), batch=batch, fmt=fmt)  # who, when (issue 19)
    return export_response(header, lines, name=f"refund-batch-{batch.pk}", fmt=fmt)
