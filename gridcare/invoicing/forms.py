"""The invoice title form (发票抬头) and the list's search."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gridcare.invoicing.models import InvoiceKind, InvoiceStatus, TitleKind
from gridcare.invoicing.rules import TITLE_NAME_MAX


class TitleForm(forms.Form):
    kind = forms.ChoiceField(label=_("抬头类型"), choices=TitleKind.choices)
    name = forms.CharField(label=_("发票抬头"), max_length=TITLE_NAME_MAX)
    tax_number = forms.CharField(
        label=_("统一社会信用代码"), max_length=18, required=False, help_text=_("单位抬头必填，个人不填")
    )
    email = forms.CharField(label=_("接收邮箱"), max_length=254, required=False)
    bill_invoices = forms.BooleanField(label=_("按账单开票（不再按每笔缴费开票）"), required=False)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("户号或发票号码"), max_length=20, required=False)
    status = forms.ChoiceField(label=_("状态"), choices=[("", _("全部")), *InvoiceStatus.choices], required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=[("", _("全部")), *InvoiceKind.choices], required=False)
