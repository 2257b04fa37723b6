"""换表 page: /customers/<户号>/meter-exchange/ (the form asks first, then records)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridcare.core.timezone import business_date
from gridcare.core.views import ask_first, confirmation, page_get, page_user, staff_required
from gridcare.customers.access import account_get_for_scope
from gridcare.customers.meter_exchange import NewExchange, exchanges_of, meter_exchange_record
from gridcare.customers.models import Meter
from gridcare.org.access import Capability, require

REGISTER = {"max_digits": 13, "decimal_places": 2, "min_value": Decimal(0)}


class MeterExchangeForm(forms.Form):
    exchanged_on = forms.DateField(label=gettext_lazy("换表日期"), widget=forms.DateInput(attrs={"type": "date"}))
    removal_register = forms.DecimalField(label=gettext_lazy("旧表拆表示数"), **REGISTER)  # type: ignore[arg-type]
    new_meter_no = forms.CharField(label=gettext_lazy("新表表号"), max_length=30)
    installation_register = forms.DecimalField(label=gettext_lazy("新表装表示数"), **REGISTER)  # type: ignore[arg-type]
    new_multiplier = forms.IntegerField(label=gettext_lazy("新表倍率"), min_value=1, max_value=100_000, initial=1)
    last_peak = forms.DecimalField(label=gettext_lazy("旧表上次抄表峰示数"), required=False, **REGISTER)  # type: ignore[arg-type]
    removal_peak = forms.DecimalField(label=gettext_lazy("旧表拆表峰示数"), required=False, **REGISTER)  # type: ignore[arg-type]
    last_valley = forms.DecimalField(label=gettext_lazy("旧表上次抄表谷示数"), required=False, **REGISTER)  # type: ignore[arg-type]
    removal_valley = forms.DecimalField(label=gettext_lazy("旧表拆表谷示数"), required=False, **REGISTER)  # type: ignore[arg-type]

    def __init__(self, *args: object, time_of_use: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not time_of_use:
            for name in ("last_peak", "removal_peak", "last_valley", "removal_valley"):
                del self.fields[name]


@staff_required
def meter_exchange(request: HttpRequest, account_no: str) -> HttpResponse:
    scope, account = page_get(request, account_get_for_scope, account_no=account_no)
    require(scope, Capability.METER_EXCHANGE)
    meter = Meter.objects.filter(account=account, removed_on__isnull=True).order_by("-installed_on").first()
    form = MeterExchangeForm(
        request.POST or None,
        initial={"exchanged_on": business_date()},
        time_of_use=bool(meter and meter.time_of_use),
    )
    confirm = None
    if request.method == "POST" and form.is_valid():
        data = NewExchange(**form.cleaned_data)

        def ask() -> object:
            c = form.cleaned_data
            return confirmation(
                request,
                sentence=_(
                    "将于 %(d)s 拆除旧表 %(old)s（拆表示数 %(r)s），装上新表 %(new)s（装表示数 %(i)s，倍率 %(m)s）。"
                    "下一张账单按旧表与新表电量之和计费。"
                )
                % {
                    "d": c["exchanged_on"].isoformat(),
                    "old": meter.meter_no if meter else "—",
                    "r": c["removal_register"],
                    "new": c["new_meter_no"],
                    "i": c["installation_register"],
                    "m": c["new_multiplier"],
                },
                button=_("确认换表"),
            )

        confirm, done = ask_first(
            request,
            ask=ask,  # type: ignore[arg-type]
            act=lambda: meter_exchange_record(scope=scope, actor=page_user(request), account=account, data=data),
            form=form,
            success=lambda result: _("已登记换表。") if result[1] else _("这次换表已经登记过，未重复登记。"),
        )
        if done is not None:
            return redirect("customers:detail", account_no=account.account_no)
    context = {"account": account, "meter": meter, "form": form, "confirm": confirm, "exchanges": exchanges_of(account)}
    return render(request, "customers/meter_exchange.html", context)
