"""The customer's pages at /portal/ (SELF-2), mobile first: signing in with a code, binding
accounts, home and bills. Every page runs for the signed-in customer only and shows only their
bound accounts; the same is under /api/v1/portal/ for the app."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridcare.billing.rules.bill_penalty import bill_penalty
from gridcare.billing.selectors import accounts_at_a_glance
from gridcare.core.exceptions import DomainError
from gridcare.core.paging import paginate
from gridcare.core.timezone import business_date
from gridcare.core.views import form_errors_from
from gridcare.portal import selectors
from gridcare.portal.access import customer_required, request_customer, sign_in, sign_out, signed_in_customer
from gridcare.portal.events import portal_event
from gridcare.portal.forms import BindForm, CodeForm, PhoneForm
from gridcare.portal.models import PortalEvent, PortalUser
from gridcare.portal.news_views import home_news
from gridcare.portal.services import auth, bindings


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/portal/") and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return "/portal/"


def login(request: HttpRequest) -> HttpResponse:
    """Step 1: the phone number; the code is sent and step 2 asks for it."""
    if signed_in_customer(request) is not None:
        return redirect(_next(request))
    phone_form = PhoneForm(request.POST or None)
    code_form = None
    if request.method == "POST" and phone_form.is_valid():
        phone = phone_form.cleaned_data["phone"]
        try:
            auth.code_request(phone=phone, address=get_client_ip_address(request))
        except DomainError as exc:
            if exc.status_code != 429:
                form_errors_from(phone_form, exc)
            else:
                messages.warning(request, exc.message)
                code_form = CodeForm(initial={"phone": phone})
        else:
            messages.success(request, _("验证码已发送到您的手机，5分钟内有效。"))
            code_form = CodeForm(initial={"phone": phone})
    context = {"phone_form": phone_form, "code_form": code_form, "next": _next(request)}
    return render(request, "portal/login.html", context)


@require_POST
def verify(request: HttpRequest) -> HttpResponse:
    """Step 2: the code; right, the customer is signed in (and goes where they were going)."""
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            user = auth.code_verify(phone=form.cleaned_data["phone"], code=form.cleaned_data["code"])
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            sign_in(request, user)
            return redirect(_next(request))
    phone_form = PhoneForm(initial={"phone": request.POST.get("phone", "")})
    context = {"phone_form": phone_form, "code_form": form, "next": _next(request)}
    return render(request, "portal/login.html", context, status=200)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    customer = signed_in_customer(request)
    if customer is not None:
        portal_event(customer, PortalEvent.Type.SIGNED_OUT)
    sign_out(request)
    messages.success(request, _("您已安全退出。"))
    return redirect("portal:login")


@customer_required
def home(request: HttpRequest) -> HttpResponse:
    customer = request_customer(request)
    today = business_date()
    bound = selectors.bound_list(customer)  # read once: the accounts, the outages and the area
    glance = accounts_at_a_glance(accounts=[b.account for b in bound], on=today)
    accounts = [(selectors.summary_of(b, glance[b.account_id][0]), glance[b.account_id][1]) for b in bound]
    context = {"accounts": accounts, "customer": customer, "here": "home", **home_news(customer, bound)}
    return render(request, "portal/home.html", context)


@customer_required
def accounts(request: HttpRequest) -> HttpResponse:
    customer = request_customer(request)
    form = BindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            binding = bindings.account_bind(
                user=customer, account_no=data["account_no"], name=data["name"], id_last6=data["id_last6"]
            )
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("户号 %(no)s 已绑定。") % {"no": binding.account.account_no})
            return redirect("portal:accounts")
    today = business_date()
    rows = [(b, selectors.account_summary(b, on=today)) for b in selectors.bindings(customer)]
    return render(request, "portal/accounts.html", {"rows": rows, "form": form, "here": "accounts"})


@customer_required
@require_POST
def unbind(request: HttpRequest, account_no: str) -> HttpResponse:
    customer = request_customer(request)
    if request.POST.get("confirmed") != "1":
        account = selectors.bound_account(customer, account_no)
        return render(request, "portal/unbind_confirm.html", {"account": account})
    bindings.account_unbind(user=customer, account_no=account_no)
    messages.success(request, _("户号 %(no)s 已解绑。") % {"no": account_no})
    return redirect("portal:accounts")


@customer_required
def bills(request: HttpRequest, account_no: str) -> HttpResponse:
    customer = request_customer(request)
    account = selectors.bound_account(customer, account_no)
    today = business_date()
    page = paginate(request, selectors.account_bills(account), size=12)
    lines: list[dict[str, Any]] = [{"bill": b, "penalty": bill_penalty(b, today)} for b in page]
    return render(request, "portal/bills.html", {"account": account, "page": page, "lines": lines})


@require_POST
def elderly(request: HttpRequest) -> HttpResponse:
    """长辈模式 on or off: remembered for the customer (and in the session before signing in)."""
    on = request.POST.get("on") == "1"
    from gridcare.portal.access import portal_session

    portal_session(request)["elderly"] = on
    customer = signed_in_customer(request)
    if customer is not None and customer.elderly_mode != on:
        PortalUser.objects.filter(pk=customer.pk).update(elderly_mode=on)
        portal_event(customer, PortalEvent.Type.PREFERENCE, elderly_mode=on)
    return redirect(_next(request))
