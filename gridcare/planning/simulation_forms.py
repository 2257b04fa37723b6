"""The simulated hall day's forms (PLAN-2): the page's inputs (pickers for the hall and the
business type) and the plan page's run."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from gridcare.core.forms import Picker, named
from gridcare.halls.models import Kind
from gridcare.org.access import Scope
from gridcare.planning.selectors import halls_for
from gridcare.planning.selectors_simulation import MAX_SEED, SimulationAsk


class NumbersField(forms.CharField):
    """One number, or one per hour separated by commas (“4, 6, 6, 5”)."""

    def clean(self, value: Any) -> float | list[float]:
        text = str(super().clean(value) or "").replace("，", ",").replace("\x00", "")
        try:
            numbers = [float(part) for part in text.split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError(_("请填写数字；每小时不同时用逗号分隔。")) from None
        if not numbers:
            raise forms.ValidationError(_("必填项。"))
        return numbers[0] if len(numbers) == 1 else numbers


class SimulateForm(forms.Form):
    hall = Picker(label=_("营业厅"), blank=_("不指定（按填写的参数）"), invalid=_("请从列表中选择营业厅。"))
    business_type = Picker(label=_("业务类型"), blank=_("全部业务"), invalid=_("请从列表中选择业务类型。"))
    distribution = forms.ChoiceField(
        label=_("办理时长"),
        choices=[("exponential", _("指数分布（按平均办理时长）")), ("empirical", _("按营业厅实际办理时长"))],
    )
    mean_minutes = forms.FloatField(label=_("平均办理时长（分钟）"), required=False, min_value=0.1, max_value=480)
    hours = forms.IntegerField(label=_("营业小时数"), initial=9, min_value=1, max_value=24)
    counters = NumbersField(
        label=_("开放窗口数"), initial="6", max_length=400, help_text=_("一个数，或每小时一个，用逗号分隔")
    )
    arrivals_per_hour = NumbersField(
        label=_("每小时到达人数"), initial="30", max_length=800, help_text=_("一个数，或每小时一个，用逗号分隔")
    )
    diversion_percent = forms.FloatField(label=_("自助分流比例（%）"), required=False, min_value=0, max_value=95)
    patience_minutes = forms.FloatField(
        label=_("平均耐心时长（分钟）"),
        required=False,
        min_value=0,
        max_value=480,
        help_text=_("留空：按营业厅过号记录估计；0：无人离开"),
    )
    warmup_hours = forms.FloatField(label=_("预热时长（小时）"), required=False, min_value=0, max_value=8)
    replications = forms.IntegerField(label=_("重复次数"), initial=20, min_value=2, max_value=200)
    seed = forms.IntegerField(label=_("随机种子"), initial=1, min_value=0, max_value=MAX_SEED)

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hall, business_type = cast(Picker, self.fields["hall"]), cast(Picker, self.fields["business_type"])
        hall.offer((h.code, named(h.code, h.name)) for h in halls_for(scope)[:500])
        business_type.offer((kind, str(label)) for kind, label in Kind.choices)

    def ask(self) -> SimulationAsk:
        data = self.cleaned_data
        return SimulationAsk(
            counters=data["counters"],
            hours=data["hours"],
            arrivals_per_hour=data["arrivals_per_hour"],
            replications=data["replications"],
            seed=data["seed"],
            distribution=data["distribution"],
            mean_minutes=data.get("mean_minutes"),
            hall=data.get("hall") or None,
            business_type=data.get("business_type") or None,
            warmup_hours=data.get("warmup_hours"),
            patience_minutes=data.get("patience_minutes"),
            diversion_percent=data.get("diversion_percent"),
        )


class PlanSimulateForm(forms.Form):
    replications = forms.IntegerField(label=_("重复次数"), initial=10, min_value=2, max_value=200)
    seed = forms.IntegerField(label=_("随机种子"), initial=1, min_value=0, max_value=MAX_SEED)
