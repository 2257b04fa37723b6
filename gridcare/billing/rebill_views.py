"""Pages of corrections (issue 19), in the billing office area: a bill's cancel and re-bill
request (更正, asked first with the new amount), the approvals waiting (corrections and credit or
debit notes, each decided after a question), an account's notes and their form, and the batch
re-bill after a tariff correction (previewed, asked first, run in the background, its progress).
Thin: parse, fetch through access, call one service or selector, render."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridcare.billing import access, rebill_selectors
from gridcare.billing.models import AdjustmentStatus, Bill, BillCorrection, RebillBatch
from gridcare.billing.rebill_forms import AdjustmentForm, CorrectionForm, RebillBatchForm
from gridcare.billing.services.adjustments import AdjustmentIn, adjustment_decide, adjustment_request, needs_approval
from gridcare.billing.services.rebill import (
    CorrectionIn,
    Repriced,
    correction_decide,
    correction_preview,
    correction_request,
)
from gridcare.billing.services.rebill_batch import (
    BatchPreview,
    rebill_batch_launch,
    rebill_batch_preview,
    rebill_batch_request,
)
from gridcare.core.exceptions import NotFound
from gridcare.core.paging import paginate, sort_rows
from gridcare.core.views import (
    Confirmation,
    ask_first,
    confirmation,
    decision_action,
    is_htmx,
    page_get,
    page_user,
    staff_required,
)
from gridcare.customers.access import account_get_for_scope
from gridcare.customers.models import Account
from gridcare.org.access import Capability, Scope, can, request_scope, require


def _money(value: Decimal) -> str:
    return f"¥{value:,.2f}"


# --- a bill's correction (cancel and re-bill) --------------------------------------------------


def correction_sentence(bill: Bill, priced: Repriced) -> str:
    """What the correction will do, in one sentence, from ``correction_preview``."""
    sentence = _(
        "将作废户号 %(no)s %(p)s 账单（原应收 %(old)s），按更正后的数据重新出账：电量 %(kwh)s kWh，电费 %(charges)s"
    ) % {
        "no": bill.account.account_no,
        "p": bill.period,
        "old": _money(bill.amount),
        "kwh": priced.usage.kwh,
        "charges": _money(priced.charges.total),
    }
    if priced.adjustment:
        sentence += _("，退补 %(a)s") % {"a": _money(priced.adjustment)}
    diff = priced.amount - bill.amount
    sentence += _("，新应收 %(new)s（%(sign)s%(diff)s）。") % {
        "new": _money(priced.amount),
        "sign": "+" if diff >= 0 else "−",
        "diff": _money(abs(diff)),
    }
    if priced.later:
        changes = "、".join(
            _("%(p)s %(old)s → %(new)s") % {"p": b.period, "old": _money(b.amount), "new": _money(p.amount)}
            for b, p in priced.later
        )
        sentence += _("同年以后 %(n)s 期账单按新的年度累计电量一并重新出账：%(bills)s。") % {
            "n": len(priced.later),
            "bills": changes,
        }
    return sentence + _("须由申请人以外的人审批后生效，已缴金额转入新账单。确认提交更正申请？")


def _bill_of(scope: Scope, account: Account, bill_id: int) -> Bill:
    bill = access.bill_get_for_scope(scope=scope, bill_id=bill_id)
    if bill.account_id != account.pk:
        raise NotFound(_("账单不存在。"))
    return bill


def _correction_in(data: dict[str, Any]) -> CorrectionIn:
    return CorrectionIn(
        reason=data["reason"],
        note=data["note"],
        request_key=data["request_key"].hex,
        kwh=data.get("kwh"),
        kwh_peak=data.get("kwh_peak"),
        kwh_valley=data.get("kwh_valley"),
    )


@staff_required
def correction_new(request: HttpRequest, account_no: str, bill_id: int) -> HttpResponse:
    scope, account = page_get(request, account_get_for_scope, account_no=account_no)
    require(scope, Capability.BILL_CORRECT_REQUEST)
    bill = _bill_of(scope, account, bill_id)
    form = CorrectionForm(request.POST or None, initial={"request_key": uuid.uuid4()})
    confirm: Confirmation | None = None
    if request.method == "POST" and form.is_valid():
        data = _correction_in(form.cleaned_data)
        confirm, done = ask_first(
            request,
            ask=lambda: confirmation(
                request,
                sentence=correction_sentence(bill, correction_preview(scope=scope, bill=bill, data=data)),
                button=_("确认提交更正申请"),
                cancel=reverse("billing:account", args=[account.account_no]),
            ),
            act=lambda: correction_request(scope=scope, actor=page_user(request), bill=bill, data=data),
            form=form,
        )
        if done is not None:
            correction, created = done
            if created:
                messages.success(request, _("已提交 %(p)s 账单的更正申请，待另一人审批。") % {"p": bill.period})
            else:
                messages.info(request, _("这张申请已经提交过，未重复申请。"))
            if can(scope, Capability.BILL_CORRECT_APPROVE):
                return redirect("billing:correction", correction_id=correction.pk)
            return redirect("billing:account", account_no=account.account_no)
    context = {
        "account": account,
        "bill": bill,
        "form": form,
        "confirm": confirm,
        "corrections": bill.corrections.select_related("requested_by").order_by("-id"),
        "can_bill": can(scope, Capability.BILLING_OFFICE),
    }
    return render(request, "billing/rebill_correction_new.html", context)


def _approver(scope: Scope) -> Scope:
    return require(scope, Capability.BILL_CORRECT_APPROVE)


def _correction_page(request: HttpRequest, scope: Scope, found: BillCorrection, **extra: Any) -> HttpResponse:
    context = {
        "correction": found,
        "bill": found.bill,
        "account": found.bill.account,
        "events": found.events.select_related("actor__staff").order_by("id"),
        "can_decide": found.decidable_by(request.user.pk),
        "confirm": None,
        "can_bill": can(scope, Capability.BILLING_OFFICE),
        **extra,
    }
    return render(request, "billing/rebill_correction.html", context)


@staff_required
def correction(request: HttpRequest, correction_id: int) -> HttpResponse:
    scope = _approver(request_scope(request))
    return _correction_page(request, scope, access.correction_get_for_scope(scope=scope, correction_id=correction_id))


@staff_required
@require_POST
def correction_decision(request: HttpRequest, correction_id: int) -> HttpResponse:
    scope = _approver(request_scope(request))
    found = access.correction_get_for_scope(scope=scope, correction_id=correction_id)
    values = {"p": found.bill.period, "old": _money(found.old_amount), "new": _money(found.preview_amount)}

    def sentence(approve: bool) -> str:
        if approve:
            return _("批准更正？%(p)s 账单（%(old)s）将作废并重新出账，新应收约 %(new)s，并短信告知客户。") % values
        return _("驳回 %(p)s 账单的更正申请？账单保持不变。") % values

    return decision_action(
        request,
        back=reverse("billing:correction", args=[found.pk]),
        sentence=sentence,
        act=lambda approve, note: correction_decide(
            scope=scope, actor=page_user(request), correction=found, approve=approve, note=note
        ),
        success=(_("已批准更正，账单已重新出账。"), _("已驳回更正申请。")),
        page=lambda confirm: _correction_page(request, scope, found, confirm=confirm),
    )


# --- the approvals waiting ------------------------------------------------------------------------

CORRECTION_SORTS: dict[str, tuple[str, ...]] = {
    "account": ("bill__account__account_no", "id"),
    "period": ("bill__period", "id"),
    "requested": ("requested_at", "id"),
}
ADJUSTMENT_SORTS: dict[str, tuple[str, ...]] = {
    "account": ("account__account_no", "id"),
    "amount": ("amount", "id"),
    "requested": ("requested_at", "id"),
}


def _approvals_page(request: HttpRequest, scope: Scope, **extra: Any) -> HttpResponse:
    corrections, sorting = sort_rows(request, rebill_selectors.pending_corrections(scope=scope), CORRECTION_SORTS)
    notes, note_sorting = sort_rows(
        request, rebill_selectors.pending_adjustments(scope=scope), ADJUSTMENT_SORTS, param="notes_sort"
    )
    context = {
        "corrections": paginate(request, corrections),
        "sorting": sorting,
        "notes": paginate(request, notes, param="notes_page"),
        "note_sorting": note_sorting,
        "confirm": None,
        "can_bill": can(scope, Capability.BILLING_OFFICE),
        "can_batch": can(scope, Capability.BILL_REBILL_BATCH),
        **extra,
    }
    return render(request, "billing/rebill_approvals.html", context)


@staff_required
def approvals(request: HttpRequest) -> HttpResponse:
    """Corrections and notes waiting for a second person, oldest first, paged and sortable."""
    return _approvals_page(request, _approver(request_scope(request)))


@staff_required
@require_POST
def adjustment_decision(request: HttpRequest, adjustment_id: int) -> HttpResponse:
    scope = _approver(request_scope(request))
    found = access.adjustment_get_for_scope(scope=scope, adjustment_id=adjustment_id)
    values = {"no": found.account.account_no, "k": found.get_kind_display(), "a": _money(found.amount)}

    def sentence(approve: bool) -> str:
        if approve:
            return _("批准户号 %(no)s 的%(k)s %(a)s？将计入该户下一期账单。") % values
        return _("驳回户号 %(no)s 的%(k)s %(a)s？") % values

    action = reverse("billing:adjustment_decide", args=[found.pk])
    return decision_action(
        request,
        back=reverse("billing:approvals"),
        sentence=sentence,
        act=lambda approve, note: adjustment_decide(
            scope=scope, actor=page_user(request), adjustment=found, approve=approve, note=note
        ),
        success=(_("已批准退补。"), _("已驳回退补。")),
        page=lambda confirm: _approvals_page(request, scope, confirm=confirm, confirm_action=action),
    )


# --- an account's credit and debit notes --------------------------------------------------------


def adjustment_sentence(account: Account, data: AdjustmentIn, kind: str) -> str:
    sentence = _("为户号 %(no)s 申请%(k)s %(a)s，将计入该户下一期账单。") % {
        "no": account.account_no,
        "k": kind,
        "a": _money(data.amount),
    }
    if needs_approval(data.amount):
        sentence += _("金额超过审批限额，须由申请人以外的人审批。")
    return sentence + _("确认提交？")


@staff_required
def adjustments(request: HttpRequest, account_no: str) -> HttpResponse:
    scope, account = page_get(request, account_get_for_scope, account_no=account_no)
    require(scope, Capability.BILL_CORRECT_REQUEST)
    form = AdjustmentForm(request.POST or None, initial={"request_key": uuid.uuid4()})
    confirm: Confirmation | None = None
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        data = AdjustmentIn(
            kind=cleaned["kind"],
            reason=cleaned["reason"],
            amount=cleaned["amount"],
            note=cleaned["note"],
            request_key=cleaned["request_key"].hex,
        )
        kind = dict(form.fields["kind"].choices)[data.kind]  # type: ignore[attr-defined]
        confirm, done = ask_first(
            request,
            ask=lambda: confirmation(
                request,
                sentence=adjustment_sentence(account, data, str(kind)),
                button=_("确认提交"),
                cancel=reverse("billing:adjustments", args=[account.account_no]),
            ),
            act=lambda: adjustment_request(scope=scope, actor=page_user(request), account=account, data=data),
            form=form,
        )
        if done is not None:
            note, created = done
            if not created:
                messages.info(request, _("这张申请已经提交过，未重复申请。"))
            elif note.status == AdjustmentStatus.PENDING:
                messages.success(request, _("已提交退补申请，待另一人审批。"))
            else:
                messages.success(request, _("已登记退补，将计入下一期账单。"))
            return redirect("billing:adjustments", account_no=account.account_no)
    context = {
        "account": account,
        "form": form,
        "confirm": confirm,
        "notes": paginate(request, rebill_selectors.account_adjustments(account=account)),
        "corrections": paginate(
            request, rebill_selectors.account_corrections(account=account), param="corrections_page"
        ),
        "can_approve": can(scope, Capability.BILL_CORRECT_APPROVE),
        "can_bill": can(scope, Capability.BILLING_OFFICE),
    }
    return render(request, "billing/rebill_adjustments.html", context)


# --- the batch re-bill ------------------------------------------------------------------------------


def batch_sentence(period: str, tariff: str, preview: BatchPreview) -> str:
    sentence = _batch_sentence(period, tariff, preview)
    if preview.apart:
        sentence += _("另有 %(n)s 张账单（过户、销户当月或估抄结算的账单）按各自规则计费，不在批量内，请逐户更正。") % {
            "n": f"{preview.apart:,}"
        }
    return sentence


def _batch_sentence(period: str, tariff: str, preview: BatchPreview) -> str:
    if not preview.changed:
        return _("%(p)s 账期使用电价 %(t)s 的 %(n)s 张账单按现行电价重算后金额均不变，不会重新出账。仍要开始？") % {
            "p": period,
            "t": tariff,
            "n": f"{preview.bills:,}",
        }
    return _(
        "将按更正后的电价 %(t)s 重算 %(p)s 账期的 %(n)s 张账单：%(c)s 张金额变化（原应收 %(a)s，新应收 %(b)s），"
        "将作废并重新出账，并短信告知客户；其余 %(u)s 张不变。确认开始批量重新出账？"
    ) % {
        "t": tariff,
        "p": period,
        "n": f"{preview.bills:,}",
        "c": f"{preview.changed:,}",
        "a": _money(preview.before),
        "b": _money(preview.after),
        "u": f"{preview.bills - preview.changed:,}",
    }


BATCH_SORTS: dict[str, tuple[str, ...]] = {
    "period": ("period", "-id"),
    "tariff": ("tariff_code", "-id"),
    "started": ("started_at", "id"),
}


@staff_required
def rebill_new(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), Capability.BILL_REBILL_BATCH)
    form = RebillBatchForm(request.POST or None, initial={"request_key": uuid.uuid4()})
    confirm: Confirmation | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        period, code = data["period"], data["tariff_code"]
        confirm, done = ask_first(
            request,
            ask=lambda: confirmation(
                request,
                sentence=batch_sentence(
                    period, code, rebill_batch_preview(scope=scope, period=period, tariff_code=code)
                ),
                button=_("确认开始"),
                cancel=reverse("billing:rebill_new"),
            ),
            act=lambda: rebill_batch_request(
                scope=scope,
                actor=page_user(request),
                period=period,
                tariff_code=code,
                reason=data["reason"],
                request_key=data["request_key"].hex,
            ),
            form=form,
        )
        if done is not None:
            batch, created = done
            if created:
                transaction.on_commit(lambda: rebill_batch_launch(batch))
            else:
                messages.info(request, _("该批量重新出账已在进行，未重复启动。"))
            return redirect("billing:rebill", rebill_id=batch.pk)
    listed, sorting = sort_rows(request, rebill_selectors.rebill_batches(scope=scope), BATCH_SORTS)
    context = {
        "form": form,
        "confirm": confirm,
        "page": paginate(request, listed),
        "sorting": sorting,
        "can_bill": can(scope, Capability.BILLING_OFFICE),
    }
    return render(request, "billing/rebill_new.html", context)


def _percent(batch: RebillBatch) -> int:
    if batch.status == RebillBatch.Status.FINISHED or not batch.total:
        return 100
    return min(100, (batch.rebilled + batch.unchanged) * 100 // batch.total)


@staff_required
def rebill(request: HttpRequest, rebill_id: int) -> HttpResponse:
    scope = require(request_scope(request), Capability.BILL_REBILL_BATCH)
    batch = access.rebill_batch_get_for_scope(scope=scope, rebill_id=rebill_id)
    context = {
        "batch": batch,
        "done": batch.rebilled + batch.unchanged,
        "percent": _percent(batch),
        "can_bill": can(scope, Capability.BILLING_OFFICE),
    }
    template = "billing/_rebill_progress.html" if is_htmx(request) else "billing/rebill.html"
    return render(request, template, context)
