"""The forms of 岗位管理 and 奖惩台账. They take what was typed and pick people by name; the
services check every value and say what is wrong on its field (so the page and the API refuse
alike)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridcare.assessment.models import LedgerKind, LedgerSource, LedgerStatus, PostStatus
from gridcare.assessment.selectors import people_choices
from gridcare.core.forms import Picker, TypeaheadPicker, offer
from gridcare.org.access import Scope


def _month() -> forms.TextInput:
    return forms.TextInput(attrs={"type": "month", "placeholder": "2026-11"})


class PostChangeForm(forms.Form):
    state = Picker(label=_("改为"), choices=PostStatus.choices, invalid=_("请选择岗位状态。"))
    reason = forms.CharField(label=_("原因"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    retraining = forms.CharField(
        label=_("复训情况"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("恢复待岗人员上岗时必填：复训内容、学时与考核结果。"),
    )


class LedgerForm(forms.Form):
    staff = TypeaheadPicker(label=_("员工"), invalid=_("请选择您管辖范围内的员工。"))
    kind = Picker(label=_("类别"), choices=LedgerKind.choices, invalid=_("请选择奖励或处罚。"))
    points = forms.IntegerField(
        label=_("分值"),
        required=False,
        help_text=_("填绝对值，处罚自动记为负分。"),
        error_messages={"invalid": _("分值应为整数。")},
    )
    amount = forms.CharField(
        label=_("金额（元）"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    period = forms.CharField(label=_("考核月份"), required=False, widget=_month())
    source_kind = Picker(label=_("来源"), choices=LedgerSource.choices, invalid=_("请选择来源。"))
    source_ref = forms.CharField(label=_("来源编号"), required=False, help_text=_("如工单编号"))
    reason = forms.CharField(label=_("事由"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer(self, staff=people_choices(scope))


class LedgerFilterForm(forms.Form):
    """The ledger's filters (GET): a person, a month, a status; an empty one filters nothing."""

    staff = Picker(label=_("员工"), blank=_("全部"), invalid=_("请选择您管辖范围内的员工。"))
    period = forms.RegexField(
        label=_("考核月份"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        widget=_month(),
        error_messages={"invalid": _("考核月份格式应为 2026-11。")},
    )
    status = Picker(label=_("状态"), blank=_("全部"), invalid=_("请选择状态。"))

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer(self, staff=people_choices(scope), status=[(v, str(label)) for v, label in LedgerStatus.choices])


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("意见"), required=False, widget=forms.TextInput())
