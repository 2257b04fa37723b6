from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridcare.core.forms import MultiPicker, offer
from gridcare.customers.selectors import area_choices, feeder_choices
from gridcare.notices.access import grid_filter
from gridcare.notices.models import OutageKind
from gridcare.org.access import Scope


class OutageForm(forms.Form):
    kind = forms.ChoiceField(label=_("停电类型"), choices=OutageKind.choices)
    reason = forms.CharField(label=_("停电原因"), max_length=200)
    starts_at = forms.DateTimeField(label=_("停电开始"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("预计恢复"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    # The feeders and 台区 the caller may name in an outage (notices.access.grid_filter), by
    # name; that at least one is chosen is the service's check, with the other problems.
    feeders = MultiPicker(label=_("线路"), required=False, invalid=_("线路不存在或不在您的管辖范围：%(value)s。"))
    areas = MultiPicker(label=_("台区"), required=False, invalid=_("台区不存在或不在您的管辖范围：%(value)s。"))

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer(
            self,
            feeders=feeder_choices(grid_filter(scope)),
            areas=area_choices(grid_filter(scope, "feeder__unit")),
        )


class RestoreForm(forms.Form):
    restored_at = forms.DateTimeField(
        label=_("实际恢复时间"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class TemplateForm(forms.Form):
    text = forms.CharField(label=_("模板内容"), widget=forms.Textarea(attrs={"rows": 4}))
    note = forms.CharField(label=_("修改说明"), max_length=200, required=False)
