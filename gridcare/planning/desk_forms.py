"""The 95598 desk's staffing calculator's form (issue 17): the first half hour from a list, the
calls of each half hour separated by commas, the targets (blank: the configured defaults)."""

from __future__ import annotations

from datetime import time
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridcare.planning.selectors_desk import DeskAsk, desk_settings

# An ordinary weekday at a city's 95598 desk, 08:00 to 20:00: the morning peak, lunch, the evening.
EXAMPLE_CALLS = "120,180,240,260,250,230,210,190,160,170,200,220,230,210,190,170,150,140,130,120,110,100,90,80"


class CallsField(forms.CharField):
    """Numbers separated by commas (“120, 180, 240”), at most a day's 48."""

    def clean(self, value: Any) -> list[float]:
        text = str(super().clean(value) or "").replace("，", ",").replace("\x00", "")
        parts = [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]
        try:
            numbers = [float(part) for part in parts]
        except ValueError:
            raise forms.ValidationError(_("请填写数字，各时段用逗号分隔。")) from None
        if not numbers:
            raise forms.ValidationError(_("必填项。"))
        if len(numbers) > 48:
            raise forms.ValidationError(_("一天最多 48 个半小时。"))
        return numbers


def _half_hours() -> list[tuple[str, str]]:
    return [(f"{h:02d}:{m:02d}", f"{time(h, m):%H:%M}") for h in range(24) for m in (0, 30)]


class DeskForm(forms.Form):
    first_slot = forms.ChoiceField(label=_("第一个时段开始"), choices=_half_hours, initial="08:00")
    calls = CallsField(
        label=_("每半小时来话量"),
        initial=EXAMPLE_CALLS,
        max_length=1200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("从第一个时段起每半小时一个数，用逗号分隔"),
    )
    aht_seconds = forms.FloatField(label=_("平均处理时长（秒）"), required=False, min_value=1, max_value=7200)
    patience_seconds = forms.FloatField(
        label=_("客户平均耐心（秒）"),
        required=False,
        min_value=1,
        max_value=3600,
        help_text=_("超过即挂机的平均等待时长"),
    )
    target_seconds = forms.FloatField(label=_("接通目标（秒）"), required=False, min_value=0, max_value=600)
    service_level_percent = forms.FloatField(
        label=_("目标时间内接通比例（%）"), required=False, min_value=1, max_value=99.9
    )
    max_abandonment_percent = forms.FloatField(label=_("放弃率上限（%）"), required=False, min_value=0.1, max_value=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        defaults = desk_settings()
        for name, key in (
            ("aht_seconds", "AHT_SECONDS"),
            ("patience_seconds", "PATIENCE_SECONDS"),
            ("target_seconds", "TARGET_SECONDS"),
            ("service_level_percent", "SERVICE_LEVEL_PERCENT"),
            ("max_abandonment_percent", "MAX_ABANDONMENT_PERCENT"),
        ):
            self.fields[name].widget.attrs["placeholder"] = f"{defaults[key]}"

    def ask(self) -> DeskAsk:
        data = self.cleaned_data
        return DeskAsk(
            first_slot=data["first_slot"],
            calls_per_half_hour=data["calls"],
            aht_seconds=data.get("aht_seconds"),
            patience_seconds=data.get("patience_seconds"),
            target_seconds=data.get("target_seconds"),
            service_level_percent=data.get("service_level_percent"),
            max_abandonment_percent=data.get("max_abandonment_percent"),
        )
