"""Pages of moving out and in, deposits and a refund's bank line (issue 19). Thin: parse, fetch
through access, preview (the service in a rolled-back transaction), ask first, act once."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridcare.billing import access, forms, move_forms, refund_selectors
from gridcare.billing.models import AccountMove, MoveKind, MoveStatus
from gridcare.billing.services import moves
from gridcare.billing.services.deposits import deposit_apply, deposit_collect, deposit_state
from gridcare.billing.services.refund_lines import refund_line_failed, refund_line_paid
from gridcare.core.views import Confirmation, ask_first, confirmation, page_action, page_get, page_user, staff_required
from gridcare.customers.access import account_get_for_scope
from gridcare.org.access import Capability, Scope, can, request_scope, require


def _move_in(data: dict[str, Any]) -> moves.MoveIn:
    payment = data.get("payment_id") or ""
    return moves.MoveIn(
        move_on=data["move_on"],
        register=data["register"],
        request_key=data["request_key"].hex,
        reason=data.get("reason") or "",
        refund=moves.RefundTo(
            method=data.get("refund_method") or "",
            payee_name=data.get("payee_name") or "",
            bank_name=data.get("bank_name") or "",
            bank_account=data.get("bank_account") or "",
            payment_id=int(payment) if payment.isdigit() else None,
        ),
        new_name=data.get("new_name") or "",
        new_id_number=data.get("new_id_number") or "",
        new_phone=data.get("new_phone") or "",
    )


def _move_page(request: HttpRequest, account_no: str, kind: str) -> HttpResponse:
    scope, account = page_get(request, account_get_for_scope, account_no=account_no)
    require(scope, Capability.ACCOUNT_MOVE)
    form_class = move_forms.MoveForm if kind == MoveKind.CLOSURE else move_forms.TransferForm
    payments = refund_selectors.original_payment_choices(account)
    form = form_class(request.POST or None, initial={"request_key": uuid.uuid4()}, payments=payments)
    confirm: Confirmation | None = None
    if request.method == "POST" and form.is_valid():
        data = _move_in(form.cleaned_data)
        actor = page_user(request)

        def ask() -> Confirmation:
            outcome = moves.move_preview(scope=scope, actor=actor, account=account, kind=kind, data=data)
            button = _("确认销户") if kind == MoveKind.CLOSURE else _("确认过户")
            return confirmation(request, sentence=moves.outcome_sentence(outcome) + _("确认办理？"), button=button)

        act = moves.account_close if kind == MoveKind.CLOSURE else moves.account_move_in
        confirm, done = ask_first(
            request, ask=ask, act=lambda: act(scope=scope, actor=actor, account=account, data=data), form=form
        )
        if done is not None:
            move, created = done
            if created:
                messages.success(request, _("已办理%(k)s。") % {"k": MoveKind(kind).label})
            else:
                messages.info(request, _("这张表单已经办理过，未重复办理。"))
            return redirect("billing:move", move_id=move.pk)
    context = {
        "account": account,
        "kind": kind,
        "title": MoveKind(kind).label,
        "form": form,
        "confirm": confirm,
        "can_bill": can(scope, Capability.BILLING_OFFICE),
    }
    return render(request, "billing/move_form.html", context)


@staff_required
def move_close(request: HttpRequest, account_no: str) -> HttpResponse:
    """销户 with its final bill and settlement, asked first with what it will do."""
    return _move_page(request, account_no, MoveKind.CLOSURE)


@staff_required
def move_transfer(request: HttpRequest, account_no: str) -> HttpResponse:
    """过户 at an opening reading, asked first with the old holder's final bill."""
    return _move_page(request, account_no, MoveKind.TRANSFER)


def _move_detail(request: HttpRequest, scope: Scope, move: AccountMove, **extra: Any) -> HttpResponse:
    context = {
        "move": move,
        "account": move.account,
        "events": move.events.select_related("actor__staff").order_by("id"),
        "can_complete": can(scope, Capability.ACCOUNT_MOVE) and move.status == MoveStatus.SETTLING,
        "confirm": None,
        "can_bill": can(scope, Capability.BILLING_OFFICE),
        **extra,
    }
    return render(request, "billing/move.html", context)


@staff_required
def move(request: HttpRequest, move_id: int) -> HttpResponse:
    scope = require(request_scope(request), Capability.BILL_VIEW)
    return _move_detail(request, scope, access.move_get_for_scope(scope=scope, move_id=move_id))


@staff_required
@require_POST
def move_complete(request: HttpRequest, move_id: int) -> HttpResponse:
    """A 待结清 closure completed (refused while anything is owed)."""
    scope = require(request_scope(request), Capability.ACCOUNT_MOVE)
    found = access.move_get_for_scope(scope=scope, move_id=move_id)
    form = forms.ConfirmForm(request.POST)
    confirm, _done = ask_first(
        request,
        ask=lambda: confirmation(
            request,
            sentence=_("户号 %(no)s 欠费已结清，完成销户？销户后不再出账。") % {"no": found.account.account_no},
            button=_("确认完成销户"),
            cancel=reverse("billing:move", args=[found.pk]),
        ),
        act=lambda: moves.closure_complete(scope=scope, actor=page_user(request), move=found),
        form=form,
        success=_("已完成销户。"),
    )
    if confirm is not None:
        return _move_detail(request, scope, found, confirm=confirm)
    for error in form.non_field_errors():
        messages.error(request, str(error))
    return redirect("billing:move", move_id=found.pk)


@staff_required
@require_POST
def deposit_take(request: HttpRequest, account_no: str) -> HttpResponse:
    """A deposit paid at the counter (one payment per form, however often it is sent)."""
    scope, account = page_get(request, account_get_for_scope, account_no=account_no)
    require(scope, Capability.DEPOSIT_TAKE)
    form = move_forms.DepositForm(request.POST, auto_id="id_deposit_%s")
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("billing:account", account_no=account.account_no)
    data = form.cleaned_data
    done = page_action(
        request,
        lambda: deposit_collect(
            scope=scope,
            actor=page_user(request),
            account=account,
            amount=data["amount"],
            channel=data["channel"],
            request_key=data["request_key"].hex,
        ),
    )
    if done is not None:
        if done[1]:
            messages.success(request, _("已收取保证金 ¥%(a)s。") % {"a": data["amount"]})
        else:
            messages.info(request, _("这张表单已经收过款，未重复收取。"))
    for error in form.non_field_errors():
        messages.error(request, str(error))
    return redirect("billing:account", account_no=account.account_no)


@staff_required
@require_POST
def deposit_use(request: HttpRequest, account_no: str) -> HttpResponse:
    """On default: the deposit set against the debt (a supervisor, with a reason; asked first)."""
    scope, account = page_get(request, account_get_for_scope, account_no=account_no)
    require(scope, Capability.DEPOSIT_APPLY)
    form = move_forms.ReasonForm(request.POST, auto_id="id_apply_%s")
    if not form.is_valid():
        messages.error(request, _("请填写抵缴原因（2 至 200 字）。"))
        return redirect("billing:account", account_no=account.account_no)
    state = deposit_state(account)
    confirm, _done = ask_first(
        request,
        ask=lambda: confirmation(
            request,
            sentence=_("以保证金余额 ¥%(h)s 抵缴户号 %(no)s 的欠费（至多抵缴所欠金额），原因：%(r)s。确认抵缴？")
            % {"h": state.held, "no": account.account_no, "r": form.cleaned_data["reason"]},
            button=_("确认抵缴"),
            cancel=reverse("billing:account", args=[account.account_no]),
        ),
        act=lambda: deposit_apply(
            scope=scope, actor=page_user(request), account=account, reason=form.cleaned_data["reason"]
        ),
        form=form,
        success=lambda amount: _("已以保证金抵缴 ¥%(a)s。") % {"a": amount},
    )
    if confirm is not None:
        return render(request, "billing/move_confirm.html", {"confirm": confirm, "can_bill": True})
    for error in form.non_field_errors():
        messages.error(request, str(error))
    return redirect("billing:account", account_no=account.account_no)


@staff_required
@require_POST
def refund_failed(request: HttpRequest, refund_id: int) -> HttpResponse:
    """One line of a bank batch the bank returned unpaid (asked first)."""
    scope = require(request_scope(request), Capability.REFUND_REQUEST)
    found = access.refund_get_for_scope(scope=scope, refund_id=refund_id)
    form = move_forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写银行退回原因（2 至 200 字）。"))
        return redirect("billing:refund", refund_id=found.pk)
    confirm, _done = ask_first(
        request,
        ask=lambda: confirmation(
            request,
            sentence=_("登记退款 #%(id)s（¥%(a)s）退款失败？款项将退回该户预存余额，并短信告知客户。")
            % {"id": found.pk, "a": found.amount},
            button=_("确认登记失败"),
            cancel=reverse("billing:refund", args=[found.pk]),
        ),
        act=lambda: refund_line_failed(
            scope=scope, actor=page_user(request), refund=found, reason=form.cleaned_data["reason"]
        ),
        form=form,
        success=_("已登记退款失败，款项已退回预存余额。"),
    )
    if confirm is not None:
        return render(request, "billing/move_confirm.html", {"confirm": confirm, "can_bill": True})
    for error in form.non_field_errors():
        messages.error(request, str(error))
    return redirect("billing:refund", refund_id=found.pk)


@staff_required
@require_POST
def refund_paid(request: HttpRequest, refund_id: int) -> HttpResponse:
    """One exported line the bank paid."""
    scope = require(request_scope(request), Capability.REFUND_REQUEST)
    found = access.refund_get_for_scope(scope=scope, refund_id=refund_id)
    page_action(
        request,
        lambda: refund_line_paid(scope=scope, actor=page_user(request), refund=found),
        success=_("已确认该笔退款到账。"),
    )
    return redirect("billing:refund", refund_id=found.pk)
