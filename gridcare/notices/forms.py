from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gridcare.notices.models import OutageKind


def _codes(value: str) -> list[str]:
    return [code for code in value.replace("，", ",").replace(" ", ",").split(",") if code]


class OutageForm(forms.Form):
    kind = forms.ChoiceField(label=_("停电类型"), choices=OutageKind.choices)
    reason = forms.CharField(label=_("停电原因"), max_length=200)
    starts_at = forms.DateTimeField(label=_("停电开始"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("预计恢复"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    feeders = forms.CharField(label=_("线路编码（逗号分隔）"), required=False)
    areas = forms.CharField(label=_("台区编码（逗号分隔）"), required=False)

    def clean_feeders(self) -> list[str]:
        return _codes(self.cleaned_data["feeders"])

    def clean_areas(self) -> list[str]:
        return _codes(self.cleaned_data["areas"])


class RestoreForm(forms.Form):
    restored_at = forms.DateTimeField(
        label=_("实际恢复时间"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class TemplateForm(forms.Form):
    text = forms.CharField(label=_("模板内容"), widget=forms.Textarea(attrs={"rows": 4}))
    note = forms.CharField(label=_("修改说明"), max_length=200, required=False)
