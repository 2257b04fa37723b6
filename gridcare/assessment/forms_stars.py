"""The forms of 星级评定 and 星级标准: the ratings' filters (a month, a level, a unit or hall in
reach, all by name) and a new version of a post's standards (a figure picker by label, rows left
empty are skipped). The service checks every value and says what is wrong on its field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridcare.assessment.models import Comparison, StarPost
from gridcare.assessment.rules.stars import RATED_LEVELS, figure_choices
from gridcare.assessment.selectors_stars import LEVEL_LABELS
from gridcare.assessment.services.stars import NewSet, NewStandard
from gridcare.core.forms import Picker, offer
from gridcare.org.access import Reach, Scope
from gridcare.org.selectors import place_choices

ROWS = 12  # standard rows on the form (the service takes up to rules.stars.STANDARDS_MAX)


def _month() -> forms.TextInput:
    return forms.TextInput(attrs={"type": "month", "placeholder": "2026-11"})


class RatingFilterForm(forms.Form):
    month = forms.RegexField(
        label=_("月份"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        widget=_month(),
        error_messages={"invalid": _("月份格式应为 2026-11。")},
    )
    level = Picker(label=_("层级"), blank=_("全部"), invalid=_("请选择层级。"))
    unit = Picker(label=_("供电单位"), blank=_("全部"), invalid=_("请选择您管辖范围内的单位。"))
    hall = Picker(label=_("营业厅"), blank=_("全部"), invalid=_("请选择您管辖范围内的营业厅。"))

    def __init__(self, *args: Any, scope: Scope, others: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not others:  # one's own rating only: nothing to filter but the month
            for name in ("level", "unit", "hall"):
                del self.fields[name]
            return
        units = place_choices(scope, Reach.ASSESSMENT, "unit")
        offer(
            self,
            level=[(level, str(LEVEL_LABELS[level])) for level in RATED_LEVELS],
            unit=units,
            hall=place_choices(scope, Reach.ASSESSMENT, "hall"),
        )
        if not units:  # a hall's post reaches no unit as a whole
            del self.fields["unit"]


class StandardSetForm(forms.Form):
    post = Picker(label=_("适用岗位"), choices=StarPost.choices, invalid=_("请选择适用岗位。"))
    valid_from = forms.CharField(label=_("生效月份"), required=False, widget=_month())
    note = forms.CharField(label=_("说明"), required=False, widget=forms.TextInput(attrs={"size": 60}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        figures = figure_choices()
        for i in range(1, ROWS + 1):
            figure = Picker(label=_("指标"), blank="—", invalid=_("请选择考核指标。"))
            figure.offer(figures)
            comparison = Picker(label=_("比较"), blank="—", invalid=_("请选择不低于或不高于。"))
            comparison.offer([(v, str(label)) for v, label in Comparison.choices])
            self.fields[f"figure_{i}"], self.fields[f"comparison_{i}"] = figure, comparison
            self.fields[f"threshold_{i}"] = forms.CharField(
                label=_("标准值"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8})
            )
            self.fields[f"weight_{i}"] = forms.CharField(
                label=_("权重"), required=False, widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4})
            )

    def rows(self) -> list[list[forms.BoundField]]:
        """The standard rows, each its four fields, for the template's table."""
        return [
            [self[f"{name}_{i}"] for name in ("figure", "comparison", "threshold", "weight")]
            for i in range(1, ROWS + 1)
        ]

    def head(self) -> list[forms.BoundField]:
        return [self["post"], self["valid_from"], self["note"]]

    def new_set(self) -> tuple[NewSet, list[int]]:
        """What was typed as the service's input, and the form row of each standard passed on
        (rows without a figure, threshold or weight are left out)."""
        data = self.cleaned_data
        standards, rows = [], []
        for i in range(1, ROWS + 1):
            figure = data.get(f"figure_{i}") or ""
            threshold, weight = data.get(f"threshold_{i}") or "", data.get(f"weight_{i}") or ""
            if not (figure or threshold.strip() or weight.strip()):
                continue
            standards.append(NewStandard(figure, data.get(f"comparison_{i}") or "", threshold, weight))
            rows.append(i)
        new = NewSet(
            post=data.get("post") or "",
            valid_from=data.get("valid_from") or "",
            note=data.get("note") or "",
            standards=standards,
        )
        return new, rows
