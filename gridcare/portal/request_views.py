"""The customer's requests in the portal (SELF-2, WO-1, WO-5; issue 15): report a fault (报修, the
台区 and address from the bound account), complain, ask (咨询) or suggest — a work order through the
one intake, channel web — follow its status, promised times and steps, answer its call-back, rate
it once closed. Only the customer's own orders: another's is a 404."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gridcare.assessment.services.surveys import survey_invite_offer
from gridcare.core.exceptions import DomainError
from gridcare.core.paging import paginate
from gridcare.core.views import form_errors_from
from gridcare.portal import request_reads, selectors
from gridcare.portal.access import customer_required, request_customer
from gridcare.workorders.models import Status
from gridcare.workorders.services.customer import (
    COMMENT_MAX,
    NOTE_MAX,
    TEXT_MAX,
    customer_intake,
    workorder_call_back_answer,
    workorder_rate,
)

WEB = "web"


class RequestForm(forms.Form):
    account_no = forms.ChoiceField(label=gettext_lazy("户号"), widget=forms.RadioSelect)
    text = forms.CharField(
        label=gettext_lazy("您的诉求"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )
    location = forms.CharField(label=gettext_lazy("具体位置（可选）"), max_length=200, required=False)

    def __init__(self, *args: Any, accounts: list[tuple[str, str]], hint: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        chosen = self.fields["account_no"]
        assert isinstance(chosen, forms.ChoiceField)
        chosen.choices = accounts
        self.fields["text"].widget.attrs["placeholder"] = str(hint)


class CallBackForm(forms.Form):
    satisfied = forms.TypedChoiceField(
        label=gettext_lazy("您对处理结果"),
        choices=[("1", gettext_lazy("满意")), ("0", gettext_lazy("不满意"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("意见（可选）"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OrderRateForm(forms.Form):
    score = forms.TypedChoiceField(
        label=gettext_lazy("服务评分"),
        choices=[(str(n), str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("评价（可选）"),
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        score = self.fields["score"]
        assert isinstance(score, forms.ChoiceField)
        score.choices = [(str(n), _("%(n)d星") % {"n": n}) for n in range(5, 0, -1)]  # the request's language


@customer_required
def requests(request: HttpRequest) -> HttpResponse:
    """The customer's orders, newest first, and what they may file."""
    page = paginate(request, request_reads.my_orders(request_customer(request)), size=20)
    rows = [request_reads.order_card(o) for o in page]
    return render(
        request,
        "portal/request_list.html",
        {"page": page, "rows": rows, "kinds": request_reads.KINDS, "here": "service"},
    )


@customer_required
def new(request: HttpRequest, kind: str) -> HttpResponse:
    """File a fault report, a complaint, a question or a suggestion for one of the bound accounts."""
    if kind not in request_reads.KINDS:
        raise Http404(_("页面不存在。"))
    customer = request_customer(request)
    order_type, title, hint = request_reads.KINDS[kind]
    accounts = request_reads.account_choices(customer)
    initial = {"account_no": accounts[0][0]} if len(accounts) == 1 else {}
    form = RequestForm(
        request.POST if request.method == "POST" else None, accounts=accounts, hint=hint, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order, _suggestion = customer_intake(
                account=selectors.bound_account(customer, data["account_no"]),
                phone=customer.phone,
                type=order_type,
                text=data["text"],
                location=data["location"],
                channel=WEB,
            )
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("已提交，工单编号 %(no)s。处理进展会短信通知您。") % {"no": order.number})
            return redirect("portal:request", order.number)
    context = {"form": form, "kind": kind, "title": title, "accounts": accounts, "here": "service"}
    return render(request, "portal/request_new.html", context)


def _detail(request: HttpRequest, number: str, **forms_: Any) -> HttpResponse:
    order = request_reads.my_order(request_customer(request), number)
    context = {
        "o": request_reads.order_detail(order),
        "callback_form": forms_.get("callback_form") or CallBackForm(),
        "rate_form": forms_.get("rate_form") or OrderRateForm(),
        "here": "service",
    }
    return render(request, "portal/request_detail.html", context)


@customer_required
def detail(request: HttpRequest, number: str) -> HttpResponse:
    """The order's status, promised times and steps; its call-back and rating when closed."""
    return _detail(request, number)


@customer_required
@require_POST
def callback(request: HttpRequest, number: str) -> HttpResponse:
    """The customer's answer to the call-back of their closed order (once)."""
    order = request_reads.my_order(request_customer(request), number)
    form = CallBackForm(request.POST)
    if form.is_valid():
        try:
            workorder_call_back_answer(
                order=order, satisfied=form.cleaned_data["satisfied"], comment=form.cleaned_data["comment"], channel=WEB
            )
        except DomainError as exc:
            if not exc.errors:  # answered already, or not closed: the form is not on the page
                messages.error(request, str(exc.message))
                return redirect("portal:request", order.number)
            form_errors_from(form, exc)
        else:
            done = (
                _("感谢您的回复。")
                if form.cleaned_data["satisfied"]
                else _("已收到，工单将重新处理，我们会尽快与您联系。")
            )
            messages.success(request, done)
            return redirect("portal:request", order.number)
    return _detail(request, number, callback_form=form)


@customer_required
@require_POST
def survey(request: HttpRequest, number: str) -> HttpResponse:
    """The satisfaction survey offered after the order's call-back: the same questionnaire link
    each time for this order (answered once), or a sentence when none is running."""
    order = request_reads.my_order(request_customer(request), number)
    offered = (
        survey_invite_offer(channel="callback", account_id=order.account_id, source_ref=order.number)
        if order.status == Status.CALLED_BACK
        else None
    )
    if offered is None:
        messages.info(request, _("目前没有进行中的满意度调查，感谢您的关注。"))
        return redirect("portal:request", order.number)
    return redirect("survey:answer", offered.token)


@customer_required
@require_POST
def rate(request: HttpRequest, number: str) -> HttpResponse:
    """The customer's rating of their closed order (once)."""
    order = request_reads.my_order(request_customer(request), number)
    form = OrderRateForm(request.POST)
    if form.is_valid():
        try:
            workorder_rate(
                order=order, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"], channel=WEB
            )
        except DomainError as exc:
            if not exc.errors:  # rated already, or not closed: the form is not on the page
                messages.error(request, str(exc.message))
                return redirect("portal:request", order.number)
            form_errors_from(form, exc)
        else:
            messages.success(request, _("感谢您的评价。"))
            return redirect("portal:request", order.number)
    return _detail(request, number, rate_form=form)
