"""The customer's message settings (SELF-2 消息设置, NOTE-3): /portal/preferences/ — for each bound
account, the channel of each kind of reminder (SMS, WeChat, e-mail, or the default way), opting
out of reminders (outage notices always come: they are not offered), and the e-invoice address;
saved on the account's contacts through the customers app and recorded in the account's history."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridcare.core.exceptions import DomainError
from gridcare.customers.preferences import contact_preferences_set
from gridcare.notices.models import Channel
from gridcare.portal import selectors
from gridcare.portal import usage_selectors as usage
from gridcare.portal.access import customer_required, request_customer

CHANNELS = [
    ("", gettext_lazy("默认（关注公众号的发微信，否则发短信）")),
    (Channel.SMS.value, Channel.SMS.label),
    (Channel.WECHAT.value, Channel.WECHAT.label),
    (Channel.EMAIL.value, Channel.EMAIL.label),
]


class PreferencesForm(forms.Form):
    """One account's settings (prefixed by its number; the page posts the number beside it); the
    kinds are the notice service's opt-outable ones."""

    opted_out = forms.BooleanField(label=gettext_lazy("不接收提醒类消息"), required=False)
    invoice_email = forms.CharField(
        label=gettext_lazy("电子发票邮箱"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in usage.CHOOSABLE:
            self.fields[f"channel_{kind.value}"] = forms.ChoiceField(
                label=kind.label, choices=CHANNELS, required=False, widget=forms.Select
            )

    def channel_fields(self) -> list[forms.BoundField]:
        return [self[f"channel_{kind.value}"] for kind in usage.CHOOSABLE]

    def channels(self) -> dict[str, str]:
        return {kind.value: self.cleaned_data.get(f"channel_{kind.value}") or "" for kind in usage.CHOOSABLE}


def _initial(row: usage.AccountPreferences) -> dict[str, Any]:
    s = row.settings
    initial: dict[str, Any] = {}
    if s is not None:
        initial |= {"opted_out": s.opted_out, "invoice_email": s.invoice_email}
        initial |= {f"channel_{kind}": channel for kind, channel in s.channels.items()}
    return initial


def _refusal_on(form: PreferencesForm, exc: DomainError) -> None:
    """The service's per-field messages on the form's fields (channels.bill → channel_bill)."""
    errors = getattr(exc, "errors", None) or {}
    for key, message in errors.items():
        name = "channel_" + key.split(".", 1)[1] if key.startswith("channels.") else key
        form.add_error(name if name in form.fields else None, message)
    if not errors:
        form.add_error(None, str(exc.message))


@customer_required
def preferences(request: HttpRequest) -> HttpResponse:
    customer = request_customer(request)
    rows = usage.my_preferences(customer)
    posted = request.POST.get("account_no") if request.method == "POST" else None
    cards = []
    for row in rows:
        if row.account_no == posted:
            form = PreferencesForm(request.POST, prefix=row.account_no)
            if form.is_valid():
                account = selectors.bound_account(customer, row.account_no)
                try:
                    contact_preferences_set(
                        account=account,
                        channels=form.channels(),
                        opted_out=form.cleaned_data["opted_out"],
                        invoice_email=form.cleaned_data["invoice_email"],
                        source="portal",
                    )
                except DomainError as exc:
                    _refusal_on(form, exc)
                else:
                    messages.success(request, _("户号 %(no)s 的消息设置已保存。") % {"no": row.account_no})
                    return redirect("portal:preferences")
        else:
            form = PreferencesForm(initial=_initial(row), prefix=row.account_no)
        cards.append((row, form))
    if posted is not None and posted not in {r.account_no for r in rows}:
        selectors.bound_account(customer, posted)  # not bound: the same 404 as a missing account
    return render(request, "portal/preferences.html", {"cards": cards, "here": "preferences"})
