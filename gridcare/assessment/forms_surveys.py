"""The forms of questionnaires, samples, sending and social supervisors (issue 14, ASSESS-4/5).
They pick units, questionnaires, kinds and constructs by name; the services check every value
again and say what is wrong on its field (so the pages and the API refuse alike)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridcare.assessment.models import Construct, QuestionKind, SamplePurpose, SocialSupervisor
from gridcare.assessment.selectors_surveys import published_choices
from gridcare.core.forms import Choice, Picker, offer
from gridcare.org.access import Level, Reach, Scope
from gridcare.org.selectors import place_choices

METHOD_LABELS = {"proportional": _("按比例分配"), "neyman": _("奈曼分配（按满意度差异）")}


class QuestionnaireForm(forms.Form):
    title = forms.CharField(label=_("问卷标题"), required=False, max_length=400)
    intro = forms.CharField(
        label=_("开头语"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class QuestionForm(forms.Form):
    kind = Picker(label=_("题型"), invalid=_("请选择题型。"))
    text = forms.CharField(label=_("题目"), required=False, max_length=600)
    choices = forms.CharField(
        label=_("选项"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("单选题填写，每行一个选项。"),
    )
    construct = Picker(label=_("测量变量"), blank=_("不计入"), invalid=_("请选择测量变量。"))
    required = forms.BooleanField(label=_("必答"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer(
            self,
            kind=[(v, str(label)) for v, label in QuestionKind.choices],
            construct=[(v, str(label)) for v, label in Construct.choices],
        )


def sample_unit_choices(scope: Scope) -> list[Choice]:
    """The units a sample may be drawn from, and the whole company for company posts."""
    units = place_choices(scope, Reach.ASSESSMENT, "unit")
    if scope.level(Reach.ASSESSMENT) in (Level.ALL, Level.COMPANY) and scope.company_id is not None:
        return [("", str(_("全公司"))), *units]
    return units


class SampleForm(forms.Form):
    purpose = Picker(label=_("用途"), invalid=_("请选择抽样用途。"))
    unit = Picker(label=_("抽样范围"), required=False, invalid=_("请选择您管辖范围内的供电单位。"))
    size = forms.CharField(
        label=_("样本量（户）"), required=False, max_length=12, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    method = Picker(label=_("分配方法"), invalid=_("请选择分配方法。"))
    seed = forms.CharField(
        label=_("随机种子"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text=_("留空则自动生成；同样的条件和种子抽出同样的样本。"),
    )
    questionnaire = Picker(label=_("问卷"), blank=_("发送时再选"), invalid=_("请选择一份已发布的问卷。"))
    name = forms.CharField(label=_("名称"), required=False, max_length=400, help_text=_("留空则按范围和日期命名。"))

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer(
            self,
            purpose=[(v, str(label)) for v, label in SamplePurpose.choices],
            unit=sample_unit_choices(scope),
            method=[(k, str(v)) for k, v in METHOD_LABELS.items()],
            questionnaire=published_choices(),
        )


class SendForm(forms.Form):
    questionnaire = Picker(label=_("问卷"), invalid=_("请选择一份已发布的问卷。"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer(self, questionnaire=published_choices())


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"})


class SupervisorStateForm(forms.Form):
    state = Picker(label=_("新状态"), invalid=_("请选择新的状态。"))
    term_start = forms.CharField(label=_("聘期开始"), required=False, max_length=20, widget=_date())
    term_end = forms.CharField(label=_("聘期结束"), required=False, max_length=20, widget=_date())
    note = forms.CharField(label=_("备注"), required=False, max_length=1000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        S = SocialSupervisor.State
        offer(self, state=[(s.value, str(s.label)) for s in (S.ACTIVE, S.DECLINED, S.ENDED)])
