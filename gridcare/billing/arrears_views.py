"""Pages of arrears (issue 19), in the billing office area: instalment plans (the form from the
account's bills page with a preview of the instalments, the list by status, a plan with its
schedule and the second person's decision), protected customers (the list, the form, ending
one, the supervisor's approval of a cut-off) and the planned cut-off from the dunning list.
Thin: parse, fetch through access, call one service or selector, render."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridcare.billing import access, arrears_forms, arrears_selectors
from gridcare.billing.models import InstalmentPlan, PlanStatus
from gridcare.billing.services.cutoffs import cutoff_approve, cutoff_schedule, protected_end, protected_record
from gridcare.billing.services.instalments import (
    PlanIn,
    PlanPreview,
    instalment_preview,
    plan_decide,
    plan_request,
    plan_schedule,
)
from gridcare.core.paging import paginate, sort_rows
from gridcare.core.timezone import SHANGHAI, business_date
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


def _money(value: Decimal) -> str:
    return f"¥{value:,.2f}"


# --- instalment plans ---------------------------------------------------------------------------

PLAN_SORTS: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "account": ("account__account_no", "-id"),
    "total": ("total", "-id"),
    "requested": ("requested_at", "id"),
}


def plan_sentence(preview: PlanPreview) -> str:
    """What the plan will be, in one sentence (the bills, the total, each instalment)."""
    bills = "、".join(b.period for b in preview.bills)
    lines = "；".join(
        _("第 %(n)s 期 %(d)s 应缴 %(a)s") % {"n": n, "d": due.isoformat(), "a": _money(amount)}
        for n, (due, amount) in enumerate(preview.lines, start=1)
    )
    head = _("账单 %(b)s 截至 %(on)s 欠费（含违约金）%(t)s，分 %(c)s 期：") % {
        "b": bills,
        "on": preview.start_on.isoformat(),
        "t": _money(preview.total),
        "c": len(preview.lines),
    }
    return head + lines + "。" + _("批准后暂停计收违约金；任一期逾期未缴即终止分期。提交申请？")


@staff_required
def plan_new(request: HttpRequest, account_no: str) -> HttpResponse:
    scope, account = page_get(request, account_get_for_scope, account_no=account_no)
    require(scope, Capability.INSTALMENT_REQUEST)
    form = arrears_forms.PlanForm(request.POST or None, initial={"request_key": uuid.uuid4()})
    confirm: Confirmation | None = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = PlanIn(count=d["count"], first_due=d["first_due"], reason=d["reason"], request_key=d["request_key"].hex)

        def ask() -> Confirmation:
            preview = instalment_preview(scope=scope, account=account, data=data)
            return confirmation(request, sentence=plan_sentence(preview), button=_("提交分期申请"))

        confirm, done = ask_first(
            request,
            ask=ask,
            act=lambda: plan_request(scope=scope, actor=page_user(request), account=account, data=data),
            form=form,
        )
        if done is not None:
            plan, created = done
            if created:
                messages.success(request, _("已提交分期申请 %(a)s，待另一人审批。") % {"a": _money(plan.total)})
            else:
                messages.info(request, _("这张申请已经提交过，未重复申请。"))
            return redirect("billing:instalment_plan", plan_id=plan.pk)
    context = {"account": account, "form": form, "confirm": confirm, "can_bill": can(scope, Capability.BILLING_OFFICE)}
    return render(request, "billing/instalment_new.html", context)


def _plans_scope(request: HttpRequest) -> Scope:
    return require(request_scope(request), Capability.INSTALMENT_APPROVE)


@staff_required
def plans(request: HttpRequest) -> HttpResponse:
    scope = _plans_scope(request)
    status = request.GET.get("status", PlanStatus.PENDING)
    status = status if status in PlanStatus.values else PlanStatus.PENDING
    listed, sorting = sort_rows(request, arrears_selectors.plans(scope=scope, status=status), PLAN_SORTS)
    counts = arrears_selectors.plan_counts(scope=scope)
    context = {
        "status": status,
        "counts": [(s, label, counts[s]) for s, label in PlanStatus.choices],
        "page": paginate(request, listed),
        "sorting": sorting,
        "can_bill": can(scope, Capability.BILLING_OFFICE),
    }
    return render(request, "billing/instalment_plans.html", context)


def _plan_page(request: HttpRequest, scope: Scope, plan: InstalmentPlan, **extra: Any) -> HttpResponse:
    context = {
        "plan": plan,
        "rows": [(i, paid, i.amount - paid) for i, paid in plan_schedule(plan)],
        "bills": plan.bills.order_by("period"),
        "events": plan.events.select_related("actor__staff").order_by("id"),
        "can_decide": can(scope, Capability.INSTALMENT_APPROVE) and plan.decidable_by(request.user.pk),
        "confirm": None,
        "can_bill": can(scope, Capability.BILLING_OFFICE),
        **extra,
    }
    return render(request, "billing/instalment_plan.html", context)


@staff_required
def plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    scope = _plans_scope(request)
    return _plan_page(request, scope, access.plan_get_for_scope(scope=scope, plan_id=plan_id))


@staff_required
@require_POST
def plan_decision(request: HttpRequest, plan_id: int) -> HttpResponse:
    scope = _plans_scope(request)
    found = access.plan_get_for_scope(scope=scope, plan_id=plan_id)

    def sentence(approve: bool) -> str:
        text = (
            _("批准户号 %(no)s 分期缴费 %(a)s（%(c)s 期）？批准后这些账单暂停计收违约金和催费，并短信告知客户。")
            if approve
            else _("驳回户号 %(no)s 的分期申请 %(a)s？账单照常计收违约金和催费。")
        )
        return text % {"no": found.account.account_no, "a": _money(found.total), "c": found.count}

    return decision_action(
        request,
        back=reverse("billing:instalment_plan", args=[found.pk]),
        sentence=sentence,
        act=lambda approve, note: plan_decide(
            scope=scope, actor=page_user(request), plan=found, approve=approve, note=note
        ),
        success=(_("已批准分期缴费。"), _("已驳回分期申请。")),
        page=lambda confirm: _plan_page(request, scope, found, confirm=confirm),
    )


# --- protected customers ----------------------------------------------------------------------------

PROTECTED_SORTS: dict[str, tuple[str, ...]] = {
    "account": ("account__account_no", "id"),
    "reason": ("reason", "id"),
    "review": ("review_on", "id"),
    "recorded": ("recorded_at", "id"),
}


@staff_required
def protected_list(request: HttpRequest) -> HttpResponse:
    """Protected customers in reach (review date first), each with its bills waiting for a
    cut-off and, for a supervisor, the approval."""
    scope = require(request_scope(request), Capability.PROTECTED_EDIT)
    query = request.GET.get("q", "").strip()[:20]
    listed, sorting = sort_rows(request, arrears_selectors.protections(scope=scope, query=query), PROTECTED_SORTS)
    page = paginate(request, listed)
    context = {
        "page": page,
        "rows": arrears_selectors.with_cutoff_bills(page.items),
        "sorting": sorting,
        "q": query,
        "today": business_date(),
        "can_approve": can(scope, Capability.CUTOFF_PROTECTED_APPROVE),
        "approval_form": arrears_forms.CutoffApprovalForm(),
        "end_form": arrears_forms.ProtectedEndForm(),
        "can_bill": can(scope, Capability.BILLING_OFFICE),
    }
    return render(request, "billing/protected_list.html", context)


@staff_required
def protected_new(request: HttpRequest, account_no: str) -> HttpResponse:
    scope, account = page_get(request, account_get_for_scope, account_no=account_no)
    require(scope, Capability.PROTECTED_EDIT)
    form = arrears_forms.ProtectedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done = page_action(
            request,
            lambda: protected_record(
                scope=scope,
                actor=page_user(request),
                account=account,
                reason=d["reason"],
                evidence=d["evidence"],
                review_on=d["review_on"],
                today=business_date(),
            ),
            success=_("户号 %(no)s 已登记为保护性客户，停电须经主管批准。") % {"no": account.account_no},
            form=form,
        )
        if done is not None:
            return redirect(reverse("billing:protected_list") + f"?q={account.account_no}")
    context = {"account": account, "form": form, "can_bill": can(scope, Capability.BILLING_OFFICE)}
    return render(request, "billing/protected_new.html", context)


@staff_required
@require_POST
def protected_end_view(request: HttpRequest, protection_id: int) -> HttpResponse:
    scope = require(request_scope(request), Capability.PROTECTED_EDIT)
    protection = access.protection_get_for_scope(scope=scope, protection_id=protection_id)
    form = arrears_forms.ProtectedEndForm(request.POST)
    if form.is_valid():
        page_action(
            request,
            lambda: protected_end(
                scope=scope, actor=page_user(request), protection=protection, note=form.cleaned_data["note"]
            ),
            success=_("已解除户号 %(no)s 的保护登记。") % {"no": protection.account.account_no},
        )
    else:
        messages.error(request, _("请填写解除原因（最多 200 字）。"))
    return redirect("billing:protected_list")


@staff_required
@require_POST
def cutoff_approval(request: HttpRequest, bill_id: int) -> HttpResponse:
    scope = require(request_scope(request), Capability.CUTOFF_PROTECTED_APPROVE)
    bill = access.bill_get_for_scope(scope=scope, bill_id=bill_id)
    form = arrears_forms.CutoffApprovalForm(request.POST)
    if form.is_valid():
        page_action(
            request,
            lambda: cutoff_approve(scope=scope, actor=page_user(request), bill=bill, note=form.cleaned_data["note"]),
            success=_("已批准户号 %(no)s %(p)s 账单的停电。") % {"no": bill.account.account_no, "p": bill.period},
        )
    else:
        messages.error(request, _("请填写审批意见（最多 200 字）。"))
    return redirect(reverse("billing:protected_list") + f"?q={bill.account.account_no}")


@staff_required
@require_POST
def cutoff_plan(request: HttpRequest, bill_id: int) -> HttpResponse:
    """Plan the cut-off's time from the dunning list; the last warning is queued for 30 minutes before."""
    scope = require(request_scope(request), Capability.BILLING_OFFICE)
    bill = access.bill_get_for_scope(scope=scope, bill_id=bill_id)
    form = arrears_forms.CutoffPlanForm(request.POST)
    if form.is_valid():
        page_action(
            request,
            lambda: cutoff_schedule(
                scope=scope, actor=page_user(request), bill=bill, planned_at=form.cleaned_data["planned_at"]
            ),
            success=lambda p: (
                _("户号 %(no)s 计划停电时间已安排，将于 %(w)s 再次短信提醒。")
                % {"no": bill.account.account_no, "w": f"{p.warn_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"}
            ),
        )
    else:
        messages.error(request, _("请填写计划停电时间。"))
    return redirect(reverse("billing:dunning") + "?stage=cutoff")
