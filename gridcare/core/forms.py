"""The calendar page's forms: the notice reference, holiday ranges and make-up days (date pickers)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


def _date_picker() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NoticeForm(forms.Form):
    source = forms.CharField(
        label=_("通知文号"),
        max_length=200,
        required=False,  # the service says what is missing, with the other problems
        widget=forms.TextInput(attrs={"placeholder": _("如 国办发明电〔2025〕7号")}),
    )


class HolidayForm(forms.Form):
    name = forms.CharField(label=_("节日"), max_length=50, required=False)
    first = forms.DateField(label=_("放假开始"), required=False, widget=_date_picker())
    last = forms.DateField(label=_("放假结束"), required=False, widget=_date_picker())

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("name") or data.get("first") or data.get("last"))


class MakeupDayForm(forms.Form):
    day = forms.DateField(label=_("调休上班日"), required=False, widget=_date_picker())


HolidayFormSet = forms.formset_factory(HolidayForm, extra=3)
MakeupDayFormSet = forms.formset_factory(MakeupDayForm, extra=3)
