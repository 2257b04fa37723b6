"""The form of a peak-shift order (错峰): the feeders picked by name, the day, window and limit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridcare.core.forms import MultiPicker, offer
from gridcare.customers.selectors import feeder_choices
from gridcare.notices.access import grid_filter
from gridcare.org.access import Scope


class PeakShiftForm(forms.Form):
    # The feeders the caller may name (notices.access.grid_filter), by name; that one at least is
    # chosen is the service's check, with the other problems.
    feeders = MultiPicker(label=_("线路"), required=False, invalid=_("线路不存在或不在您的管辖范围：%(value)s。"))
    day = forms.DateField(label=_("错峰日期"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("开始时间"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("结束时间"), widget=forms.TimeInput(attrs={"type": "time"}))
    limit_kw = forms.IntegerField(
        label=_("负荷上限(kW)"),
        min_value=1,
        max_value=2_000_000_000,
        error_messages={"min_value": _("负荷上限应大于0。"), "max_value": _("负荷上限过大。")},
    )

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer(self, feeders=feeder_choices(grid_filter(scope)))
