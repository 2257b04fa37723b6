"""The customer's home service and mobile service rounds in the portal (WO-9; issue 15):
/portal/home-visits/ — ask for a clerk to come (for a bound account: its address, the customer's
phone; the business and why they cannot come), follow the requests, cancel one before the visit
(asked first); /portal/rounds/ — the coming stops of the mobile service vehicle for the 台区 of
the customer's accounts. Each action goes through the halls app's services; another customer's
request is a 404."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gridcare.core.exceptions import DomainError
from gridcare.core.views import form_errors_from
from gridcare.halls.home_forms import purposes
from gridcare.halls.home_rules import NOTE_MAX
from gridcare.halls.models import HomeVisitReason
from gridcare.halls.services.home_visits import (
    HomeVisitAsk,
    home_visit_cancel_by_customer,
    home_visit_request_by_customer,
)
from gridcare.portal import home_visit_reads as reads
from gridcare.portal import request_reads, selectors
from gridcare.portal.access import customer_required, request_customer


class HomeVisitForm(forms.Form):
    account_no = forms.ChoiceField(label=gettext_lazy("户号（上门地址）"), widget=forms.RadioSelect)
    purpose = forms.ChoiceField(label=gettext_lazy("要办理的业务"), choices=purposes, widget=forms.RadioSelect)
    reason = forms.ChoiceField(
        label=gettext_lazy("不能到厅的原因"), choices=HomeVisitReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=gettext_lazy("补充说明（可选）"), max_length=NOTE_MAX, required=False, widget=forms.Textarea({"rows": 3})
    )

    def __init__(self, *args: Any, accounts: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["account_no"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = accounts


@customer_required
def home_visits(request: HttpRequest) -> HttpResponse:
    """The customer's requests, and a new one."""
    customer = request_customer(request)
    accounts = request_reads.account_choices(customer)
    initial = {"account_no": accounts[0][0]} if len(accounts) == 1 else {}
    form = HomeVisitForm(request.POST if request.method == "POST" else None, accounts=accounts, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            ask = HomeVisitAsk(purpose=d["purpose"], reason=d["reason"], note=d["note"], phone=customer.phone)
            _visit, created = home_visit_request_by_customer(
                account=selectors.bound_account(customer, d["account_no"]), ask=ask
            )
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            if created:
                messages.success(request, _("已提交上门服务申请，营业厅安排好时间后会短信通知您。"))
            else:
                messages.info(request, _("您已申请过这项上门服务，营业厅正在安排，无需重复提交。"))
            return redirect("portal:home_visits")
    rows = [reads.visit_card(v) for v in reads.my_visits(customer)[:50]]
    context = {"form": form, "rows": rows, "accounts": accounts, "here": "service"}
    return render(request, "portal/home_visits.html", context)


@customer_required
@require_POST
def home_visit_cancel(request: HttpRequest, visit_id: int) -> HttpResponse:
    """Withdraw a request before the visit: asked first."""
    visit = reads.my_visit(request_customer(request), visit_id)
    if request.POST.get("confirmed") != "1":
        card = reads.visit_card(visit)
        when = f"{card['date']:%m-%d} {card['start']}" if card["date"] else _("待安排")
        question = {
            "title": _("取消上门服务"),
            "sentence": _("将取消“%(business)s”的上门服务（%(when)s）。确定取消吗？")
            % {"business": card["purpose_name"], "when": when},
            "button": _("确定取消"),
            "back": reverse("portal:home_visits"),
        }
        return render(request, "portal/visit_confirm.html", question)
    try:
        home_visit_cancel_by_customer(visit=visit)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("上门服务申请已取消。"))
    return redirect("portal:home_visits")


@customer_required
def rounds(request: HttpRequest) -> HttpResponse:
    """The coming stops of the mobile service vehicle for the 台区 of my accounts."""
    customer = request_customer(request)
    rows = [reads.stop_card(s) for s in reads.coming_stops(customer)]
    context = {"rows": rows, "bound": selectors.bindings(customer).exists(), "here": "service"}
    return render(request, "portal/rounds.html", context)
