"""The staffing plan's forms (PLAN-1): a plan's hall, days and targets; a day's roster."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridcare.core.forms import Picker, named
from gridcare.org.access import Scope
from gridcare.planning.selectors import halls_for


def hall_choices(scope: Scope) -> list[tuple[str, str]]:
    return [(h.code, named(h.code, h.name)) for h in halls_for(scope)]


class PlanForm(forms.Form):
    hall = Picker(label=_("营业厅"), invalid=_("请从列表中选择营业厅。"))
    first_day = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    last_day = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}))
    wait_target_minutes = forms.IntegerField(label=_("平均等候目标（分钟）"), min_value=1, max_value=120)
    share_target_percent = forms.DecimalField(
        label=_("15分钟内办理比例目标（%）"), min_value=1, max_value=99.9, max_digits=5, decimal_places=2
    )
    diversion_percent = forms.DecimalField(
        label=_("自助分流比例（%，自助终端可办业务）"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hall"].offer(hall_choices(scope))  # type: ignore[attr-defined]


class RosterPickForm(forms.Form):
    hall = Picker(label=_("营业厅"), invalid=_("请从列表中选择营业厅。"))
    day = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hall"].offer(hall_choices(scope))  # type: ignore[attr-defined]


class RosterForm(forms.Form):
    """One number field per half hour the hall is open (empty: not entered)."""

    def __init__(self, *args: Any, slots: list[str], most: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for slot in slots:
            self.fields[f"slot_{slot.replace(':', '')}"] = forms.IntegerField(
                label=slot, required=False, min_value=0, max_value=most
            )
        self.slots = slots

    def counters(self) -> dict[str, int | None]:
        return {s: self.cleaned_data.get(f"slot_{s.replace(':', '')}") for s in self.slots}
