"""The forms of 改进措施 (issue 14, ASSESS-5). They pick the owner, the subject and the figure by
name from what the caller's scope offers; the service checks every value again and says what
is wrong on its field (so the page and the API refuse alike)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridcare.assessment.actions_access import SUBJECT_LEVELS
from gridcare.assessment.models import ActionResult
from gridcare.assessment.rules.actions import figure_choices
from gridcare.assessment.selectors import people_choices
from gridcare.assessment.selectors_actions import LEVEL_LABELS, STATUS_LABELS
from gridcare.core.forms import Choice, Picker, offer
from gridcare.org.access import Level, Reach, Scope
from gridcare.org.selectors import place_choices


def subject_levels(scope: Scope) -> list[Choice]:
    """The levels ``scope`` may aim an action at: a hall post reaches no unit as a whole."""
    hall_only = scope.level(Reach.ASSESSMENT) == Level.HALL
    return [(v, str(LEVEL_LABELS[v])) for v in SUBJECT_LEVELS if not (hall_only and v == "unit")]


def subject_choices(scope: Scope) -> list[tuple[str, list[Choice]]]:
    """The subjects in reach, grouped by level; a value is ``level:code`` (工号, ``H1/3``, a
    hall's or unit's code), shown by name."""
    groups: list[tuple[str, list[Choice]]] = []
    for level, label in subject_levels(scope):
        found = people_choices(scope) if level == "person" else place_choices(scope, Reach.ASSESSMENT, level)
        if found:
            groups.append((label, [(f"{level}:{code}", name) for code, name in found]))
    return groups


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"})


class ActionForm(forms.Form):
    title = forms.CharField(label=_("措施名称"), required=False, max_length=200)
    description = forms.CharField(label=_("措施内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    owner = Picker(label=_("责任人"), invalid=_("请选择您管辖范围内的责任人。"))
    level = Picker(label=_("对象层级"), invalid=_("请选择考核对象的层级。"))
    subject = Picker(label=_("考核对象"), invalid=_("请选择您管辖范围内的考核对象。"))
    figure = Picker(label=_("要改进的指标"), invalid=_("请选择要改进的指标。"))
    expected_change = forms.CharField(
        label=_("预期变化"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "+5"}),
        help_text=_("比率填百分点（+5 即提高 5 个百分点），时长填分钟（-3 即缩短 3 分钟），件数填每天的件数。"),
    )
    started_on = forms.CharField(label=_("开始日期"), required=False, widget=_date())
    due_on = forms.CharField(label=_("完成期限"), required=False, widget=_date())
    window_days = forms.CharField(
        label=_("对比天数"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text=_("比较开始日期之前与完成期限之后各多少天的数据。"),
    )

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer(self, owner=people_choices(scope), level=subject_levels(scope), figure=figure_choices())
        subject = self.fields["subject"]
        assert isinstance(subject, Picker)
        subject.choices = [("", _("请选择")), *subject_choices(scope)]  # grouped by level

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        level, subject = data.get("level"), data.get("subject") or ""
        if level and subject and not subject.startswith(f"{level}:"):
            self.add_error("subject", _("请选择所选层级的考核对象。"))
        return data

    def subject_code(self) -> str:
        """The chosen subject's code without its level."""
        return str(self.cleaned_data.get("subject") or "").partition(":")[2]


class ActionFilterForm(forms.Form):
    """The list's filters (GET): a status, a result, an owner; an empty one filters nothing."""

    status = Picker(label=_("状态"), blank=_("全部"), invalid=_("请选择状态。"))
    result = Picker(label=_("效果"), blank=_("全部"), invalid=_("请选择效果。"))
    owner = Picker(label=_("责任人"), blank=_("全部"), invalid=_("请选择您管辖范围内的责任人。"))

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        results = [("pending", str(ActionResult.PENDING.label))] + [
            (v, str(label)) for v, label in ActionResult.choices if v
        ]
        offer(
            self,
            status=[(k, str(v)) for k, v in STATUS_LABELS.items()],
            result=results,
            owner=people_choices(scope),
        )
