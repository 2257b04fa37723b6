"""The customer's bill in depth and usage pages (SELF-2): /portal/accounts/<no>/bills/<period>/
(阶梯电量, peak/flat/valley, charges, the penalty to date, what was paid, the PDF) and
/portal/accounts/<no>/usage/ (three years by month as a chart and a table, the last 30 days where
interval data exist, this month's forecast). Only the customer's bound accounts; anything else is
the same 404."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gridcare.billing.pdf import bill_pdf
from gridcare.core.timezone import business_date
from gridcare.portal import selectors
from gridcare.portal import usage_selectors as usage
from gridcare.portal.access import customer_required, request_customer


@customer_required
def bill(request: HttpRequest, account_no: str, period: str) -> HttpResponse:
    account = selectors.bound_account(request_customer(request), account_no)
    detail = usage.bill_detail(account, period, today=business_date(), segment=request.GET.get("segment"))
    return render(request, "portal/bill.html", {"account": account, "d": detail, "b": detail.bill})


@customer_required
def bill_pdf_view(request: HttpRequest, account_no: str, period: str) -> HttpResponse:
    account = selectors.bound_account(request_customer(request), account_no)
    detail = usage.bill_detail(account, period, today=business_date(), segment=request.GET.get("segment"))
    answer = HttpResponse(bill_pdf(detail.bill), content_type="application/pdf")
    answer["Content-Disposition"] = f'inline; filename="bill-{account.account_no}-{detail.bill.period}.pdf"'
    return answer


@customer_required
def usage_home(request: HttpRequest) -> HttpResponse:
    """The 用电 tab: the usage page of the only bound account, or a choice of them."""
    rows = list(selectors.bindings(request_customer(request)))
    if len(rows) == 1:
        return redirect("portal:usage", rows[0].account.account_no)
    return render(request, "portal/usage_accounts.html", {"rows": rows, "here": "usage"})


def forecast_sentence(view: usage.ForecastView) -> str:
    """How the forecast was made, in a sentence for the customer (billing.rules.forecast)."""
    f = view.forecast
    if f.method == "daily":
        return _("按本月已过 %(days)s 天的日均用电 %(mean)s 千瓦时推算。") % {"days": f.days, "mean": f.basis_kwh}
    if f.method == "last_year" and f.trend is not None:
        return _("按去年同月用电 %(kwh)s 千瓦时，乘以近三个月与去年同期之比 %(trend)s 推算。") % {
            "kwh": f.basis_kwh,
            "trend": f"{f.trend:.2f}",
        }
    if f.method == "last_year":
        return _("按去年同月用电 %(kwh)s 千瓦时推算。") % {"kwh": f.basis_kwh}
    return _("按最近几个月的平均用电 %(kwh)s 千瓦时推算。") % {"kwh": f.basis_kwh}


@customer_required
def usage_page(request: HttpRequest, account_no: str) -> HttpResponse:
    account = selectors.bound_account(request_customer(request), account_no)
    today = business_date()
    months = usage.usage_months(account, months=usage.months_param(request.GET.get("months", "36")), today=today)
    daily = usage.usage_daily(account, days=usage.DAYS_DEFAULT, today=today)
    forecast = usage.forecast_of(account, today=today)
    chart: dict[str, Any] = {
        "months": [m.period for m in months],
        "kwh": [float(m.kwh) for m in months],
        "days": [d.strftime("%m-%d") for d, _kwh in daily.days],
        "daily": [float(k) for _d, k in daily.days],
        "unit": _("千瓦时"),
    }
    context = {
        "account": account,
        "months": list(reversed(months)),  # the table: newest first
        "daily": daily,
        "forecast": forecast,
        "forecast_sentence": forecast_sentence(forecast) if forecast else "",
        "chart": chart,
        "here": "usage",
    }
    return render(request, "portal/usage.html", context)
