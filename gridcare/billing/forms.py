from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gridcare.billing.models import PaymentChannel


class RunForm(forms.Form):
    period = forms.RegexField(label=_("账期"), regex=r"^\d{4}-(0[1-9]|1[0-2])$", help_text=_("如 2026-10"))
    unit = forms.CharField(label=_("供电单位编码（留空为全部）"), required=False)


class ReadingsUploadForm(forms.Form):
    file = forms.FileField(label=_("抄表文件（CSV 或 Excel）"))
    interval = forms.BooleanField(label=_("负荷曲线（分时段电量）"), required=False)


class ResolveForm(forms.Form):
    action = forms.ChoiceField(label=_("处理"), choices=[("accepted", _("确认无误")), ("corrected", _("更正电量"))])
    kwh = forms.DecimalField(label=_("更正后电量"), required=False, min_value=0, decimal_places=2)


class CounterPaymentForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("缴费方式"),
        choices=[(PaymentChannel.COUNTER_CASH, _("现金")), (PaymentChannel.COUNTER_CARD, _("刷卡"))],
    )
    amount = forms.DecimalField(label=_("金额（元）"), decimal_places=2)


class WaiverForm(forms.Form):
    period = forms.CharField(label=_("账期"))
    reason = forms.CharField(label=_("免收原因"), max_length=200)
