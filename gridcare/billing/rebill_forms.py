"""The forms of corrections (issue 19): a bill's cancel and re-bill, a credit or debit note, the
decision on either, and the batch re-bill's start. Reason codes and tariffs are pickers; each
request form carries its own key, so the same form sent twice is one request."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridcare.billing.forms import valid_period
from gridcare.billing.models import SYSTEM_REASONS, AdjustmentKind, CorrectionReason
from gridcare.billing.services.tariffs import tariff_choices
from gridcare.core.forms import Picker, named

KWH_WRONG = _("请输入正确的电量（不小于 0，最多两位小数）。")
AMOUNT_WRONG = _("请输入正确的金额（大于 0，最多两位小数）。")
# The reasons a person picks (the rules' own, 估抄多计退补, are written by the rules only).
REASONS = [(value, label) for value, label in CorrectionReason.choices if value not in SYSTEM_REASONS]
_CODES = ("required", "invalid", "min_value", "max_digits", "max_decimal_places", "max_whole_digits")


def _kwh(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        error_messages={code: KWH_WRONG for code in _CODES},
    )


class CorrectionForm(forms.Form):
    request_key = forms.UUIDField(widget=forms.HiddenInput)
    reason = Picker(label=_("更正原因"), choices=REASONS)
    kwh = _kwh(_("更正后总电量（kWh，留空：按现有抄表）"))
    kwh_peak = _kwh(_("其中峰电量（kWh）"))
    kwh_valley = _kwh(_("其中谷电量（kWh）"))
    note = forms.CharField(label=_("更正说明"), max_length=200)


class AdjustmentForm(forms.Form):
    request_key = forms.UUIDField(widget=forms.HiddenInput)
    kind = Picker(label=_("类型"), choices=AdjustmentKind.choices)
    reason = Picker(label=_("原因"), choices=REASONS)
    amount = forms.DecimalField(
        label=_("金额（元）"),
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        error_messages={code: AMOUNT_WRONG for code in _CODES},
    )
    note = forms.CharField(label=_("说明"), max_length=200)


class RebillBatchForm(forms.Form):
    request_key = forms.UUIDField(widget=forms.HiddenInput)
    period = forms.CharField(label=_("账期"), max_length=7, validators=[valid_period], help_text=_("如 2026-10"))
    tariff_code = Picker(label=_("更正后的电价"))
    reason = forms.CharField(label=_("更正说明"), max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["tariff_code"]
        assert isinstance(field, Picker)
        # Each tariff code once (a code may fit several customer classes), by name.
        codes = {code: name for _label, group in tariff_choices() for code, name in group}
        field.offer(sorted(((code, named(code, name)) for code, name in codes.items()), key=lambda c: c[1]))
