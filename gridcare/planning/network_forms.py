"""The outlet network's forms (PLAN-3): a site, a scenario, a hall's or 台区's place. Halls, 台区
and sites are picked from lists; the services check every value again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridcare.core.forms import MultiPicker, Picker, TypeaheadPicker


class SiteForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100, required=False)
    latitude = forms.CharField(label=_("纬度"), max_length=30, required=False, help_text=_("度，如 30.274085"))
    longitude = forms.CharField(label=_("经度"), max_length=30, required=False, help_text=_("度，如 120.155070"))
    max_counters = forms.CharField(label=_("最多窗口数"), max_length=10)
    fixed_cost = forms.CharField(label=_("年固定成本（元）"), max_length=20)
    counter_cost = forms.CharField(label=_("每窗口年成本（元）"), max_length=20)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args: Any, candidate: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not candidate:  # an existing hall's place and name are the hall's
            for key in ("name", "latitude", "longitude"):
                del self.fields[key]


class ScenarioForm(forms.Form):
    name = forms.CharField(label=_("方案名称"), max_length=100)
    max_km = forms.CharField(label=_("最远距离（公里）"), max_length=20)
    distance_cost = forms.CharField(label=_("出行成本（元/人次·公里）"), max_length=20)
    tickets_per_counter = forms.CharField(label=_("每窗口年办理量（人次）"), max_length=20)
    months = forms.CharField(label=_("需求依据的历史月数"), max_length=10)
    max_sites = forms.CharField(label=_("网点数上限"), max_length=10, required=False, help_text=_("留空：不限"))
    budget = forms.CharField(label=_("年预算（元）"), max_length=20, required=False, help_text=_("留空：不限"))
    keep = MultiPicker(label=_("必须保留的网点"), required=False, invalid=_("所选网点不存在或不属于本公司。"))
    bar = MultiPicker(label=_("排除的网点"), required=False, invalid=_("所选网点不存在或不属于本公司。"))


class HallPlaceForm(forms.Form):
    hall = Picker(label=_("营业厅"), invalid=_("请从列表中选择营业厅。"))
    latitude = forms.CharField(label=_("纬度"), max_length=30, required=False)
    longitude = forms.CharField(label=_("经度"), max_length=30, required=False)


class AreaPlaceForm(forms.Form):
    area = TypeaheadPicker(label=_("台区"), invalid=_("请从列表中选择台区。"))
    latitude = forms.CharField(label=_("纬度"), max_length=30, required=False)
    longitude = forms.CharField(label=_("经度"), max_length=30, required=False)


class HallSiteForm(SiteForm):
    hall = Picker(label=_("营业厅"), invalid=_("请从列表中选择营业厅。"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, candidate=False, **kwargs)
