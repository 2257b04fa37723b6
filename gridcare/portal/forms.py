"""The portal's forms: what the customer types is checked here for shape; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "13800000000"}),
    )


class CodeForm(forms.Form):
    phone = forms.CharField(max_length=20, widget=forms.HiddenInput)
    code = forms.CharField(
        label=_("验证码"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*"}),
    )


class BindForm(forms.Form):
    account_no = forms.CharField(
        label=_("户号"), max_length=10, widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    )
    name = forms.CharField(label=_("户主姓名"), max_length=100, required=False)
    id_last6 = forms.CharField(
        label=_("或：证件号码后六位"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
