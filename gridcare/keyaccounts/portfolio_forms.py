"""The staff forms of the key-account portfolio, visits and plans (KEY-1/2): pickers for units,
grades, industries, managers, accounts, 台区 and follow-up owners, and the visit's and plan's
facts as a fixed set of rows (blank rows are left out); the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridcare.core.forms import Choice, Picker, TypeaheadPicker
from gridcare.keyaccounts.models import ImpactGrade, Industry, NeedCategory, NeedStatus, VisitSatisfaction
from gridcare.keyaccounts.rules.facts import GENERATION_TYPES, LOAD_USES
from gridcare.keyaccounts.rules.plans import BACKUP_TYPES

STEP_ROWS = 4
GENERATION_ROWS = 3
FOLLOW_UP_ROWS = 3
LOAD_ROWS = 5
BACKUP_ROWS = 3
CONTACT_ROWS = 3


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _offer(form: forms.Form, **choices: list[Choice]) -> None:
    for name, offered in choices.items():
        field = form.fields[name]
        assert isinstance(field, Picker)
        field.offer(offered)


class PortfolioFilterForm(forms.Form):
    q = forms.CharField(label=_("户号或客户名称"), required=False, max_length=40)
    unit = Picker(label=_("供电单位"), blank=_("全部"))
    grade = Picker(label=_("重要等级"), blank=_("全部"))
    industry = Picker(label=_("行业门类"), blank=_("全部"))
    manager = Picker(label=_("大客户经理"), blank=_("全部"))

    def __init__(
        self,
        *args: Any,
        units: list[Choice],
        grades: list[Choice],
        industries: list[Choice],
        managers: list[Choice] | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, unit=units, grade=grades, industry=industries, manager=managers or [])
        if managers is None:
            del self.fields["manager"]

    def clean_q(self) -> str:
        return str(self.cleaned_data["q"]).replace("\x00", "").strip()


class AccountAssignForm(forms.Form):
    account_no = Picker(label=_("用电户"), invalid=_("请从列表中选择本供电所的用电户。"))
    staff = Picker(label=_("大客户经理"), blank=_("（不再指定）"), invalid=_("请选择本供电所在岗的大客户经理。"))
    reason = forms.CharField(label=_("分配原因"), max_length=200)

    def __init__(self, *args: Any, accounts: list[Choice], managers: list[Choice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, account_no=accounts, staff=managers)


class AreaAssignForm(forms.Form):
    area = TypeaheadPicker(label=_("台区"), invalid=_("请选择本供电所的台区。"))
    staff = Picker(label=_("台区经理"), blank=_("（不再指定）"), invalid=_("请选择本供电所在岗的台区经理。"))
    reason = forms.CharField(label=_("分配原因"), max_length=200)

    def __init__(self, *args: Any, areas: list[Choice], managers: list[Choice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, area=areas, staff=managers)
        self.fields["area"].widget.attrs["id"] = "id_area_area"
        self.fields["staff"].widget.attrs["id"] = "id_area_staff"
        self.fields["reason"].widget.attrs["id"] = "id_area_reason"


class ProfileForm(forms.Form):
    industry = forms.ChoiceField(
        label=_("行业门类（GB/T 4754）"), required=False, choices=[("", _("未填")), *Industry.choices]
    )
    industry_note = forms.CharField(label=_("行业说明"), required=False, max_length=100)
    impact_grade = forms.ChoiceField(
        label=_("用电影响度"), required=False, choices=[("", _("未评定")), *ImpactGrade.choices]
    )


class VisitPlanForm(forms.Form):
    day = forms.DateField(label=_("走访日期"), widget=_date())
    purpose = forms.CharField(label=_("走访目的"), max_length=200)
    manager = Picker(label=_("走访人（大客户经理）"), invalid=_("请选择走访的大客户经理。"))

    def __init__(self, *args: Any, managers: list[Choice] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if managers is None:  # a 大客户经理 visits themself
            del self.fields["manager"]
        else:
            _offer(self, manager=managers)


class VisitRecordForm(forms.Form):
    """The visit's facts as rows: one share per use, a few steps, sources and follow-ups, and one
    text per need category (blank: not named)."""

    summary = forms.CharField(label=_("走访记录"), required=False, max_length=2000, widget=forms.Textarea({"rows": 3}))
    impact_grade = forms.ChoiceField(label=_("用电影响度"), choices=[("", _("请选择")), *ImpactGrade.choices])
    satisfaction = forms.ChoiceField(label=_("客户满意度"), choices=[("", _("请选择")), *VisitSatisfaction.choices])

    def __init__(self, *args: Any, owners: list[Choice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for use, label in LOAD_USES.items():
            self.fields[f"share_{use}"] = forms.CharField(
                label=_("负荷占比（%%）：%(use)s") % {"use": label}, required=False, max_length=8
            )
        for n in range(1, STEP_ROWS + 1):
            self.fields[f"step_{n}_name"] = forms.CharField(
                label=_("关键生产环节%(n)d") % {"n": n}, required=False, max_length=100
            )
            self.fields[f"step_{n}_minutes"] = forms.CharField(
                label=_("可承受停电（分钟）"), required=False, max_length=8
            )
        for n in range(1, GENERATION_ROWS + 1):
            self.fields[f"gen_{n}_type"] = forms.ChoiceField(
                label=_("自备电源%(n)d") % {"n": n}, required=False, choices=[("", "—"), *GENERATION_TYPES.items()]
            )
            self.fields[f"gen_{n}_kw"] = forms.CharField(label=_("容量（kW）"), required=False, max_length=12)
        for category, label in NeedCategory.choices:
            self.fields[f"need_{category}"] = forms.CharField(
                label=_("需求：%(category)s") % {"category": label}, required=False, max_length=500
            )
        for n in range(1, FOLLOW_UP_ROWS + 1):
            self.fields[f"follow_{n}_text"] = forms.CharField(
                label=_("跟进事项%(n)d") % {"n": n}, required=False, max_length=300
            )
            self.fields[f"follow_{n}_owner"] = Picker(
                label=_("负责人"), blank="—", invalid=_("请选择本单位在岗的负责人。")
            )
            self.fields[f"follow_{n}_due"] = forms.DateField(label=_("完成期限"), required=False, widget=_date())
            _offer(self, **{f"follow_{n}_owner": owners})

    # Where a refusal of one list is shown (the service names the list, the form has its rows).
    PLACES = {
        "load_composition": "share_production",
        "critical_steps": "step_1_name",
        "own_generation": "gen_1_type",
        "needs": f"need_{NeedCategory.RELIABILITY}",
        "follow_ups": "follow_1_text",
    }

    def facts(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "summary": d["summary"],
            "impact_grade": d["impact_grade"],
            "satisfaction": d["satisfaction"],
            "load_composition": [
                {"use": use, "percent": d[f"share_{use}"]} for use in LOAD_USES if str(d[f"share_{use}"]).strip()
            ],
            "critical_steps": [
                {"name": d[f"step_{n}_name"], "tolerance_minutes": d[f"step_{n}_minutes"]}
                for n in range(1, STEP_ROWS + 1)
                if str(d[f"step_{n}_name"]).strip() or str(d[f"step_{n}_minutes"]).strip()
            ],
            "own_generation": [
                {"type": d[f"gen_{n}_type"], "kw": d[f"gen_{n}_kw"]}
                for n in range(1, GENERATION_ROWS + 1)
                if d[f"gen_{n}_type"] or str(d[f"gen_{n}_kw"]).strip()
            ],
            "needs": [
                {"category": c, "text": d[f"need_{c}"]} for c in NeedCategory.values if str(d[f"need_{c}"]).strip()
            ],
            "follow_ups": [
                {"text": d[f"follow_{n}_text"], "owner": d[f"follow_{n}_owner"], "due_on": d[f"follow_{n}_due"]}
                for n in range(1, FOLLOW_UP_ROWS + 1)
                if str(d[f"follow_{n}_text"]).strip() or d[f"follow_{n}_owner"] or d[f"follow_{n}_due"]
            ],
        }


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200)


class NeedStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("办理状态"), choices=NeedStatus.choices)
    note = forms.CharField(label=_("说明"), required=False, max_length=200)


class FollowUpDoneForm(forms.Form):
    note = forms.CharField(label=_("备注"), required=False, max_length=300)


class PlanForm(forms.Form):
    """A plan version as rows (the form of a new version starts from the current one)."""

    switching_steps = forms.CharField(
        label=_("倒闸操作步骤（每行一步）"), required=False, max_length=10000, widget=forms.Textarea({"rows": 5})
    )
    last_drill_on = forms.DateField(label=_("最近演练"), required=False, widget=_date())
    review_due_on = forms.DateField(label=_("复核期限（不填则按规定月数）"), required=False, widget=_date())
    note = forms.CharField(label=_("说明"), required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, LOAD_ROWS + 1):
            self.fields[f"load_{n}_name"] = forms.CharField(
                label=_("重要负荷%(n)d") % {"n": n}, required=False, max_length=100
            )
            self.fields[f"load_{n}_kw"] = forms.CharField(label=_("容量（kW）"), required=False, max_length=12)
            self.fields[f"load_{n}_minutes"] = forms.CharField(
                label=_("允许停电（分钟）"), required=False, max_length=8
            )
        for n in range(1, BACKUP_ROWS + 1):
            self.fields[f"backup_{n}_type"] = forms.ChoiceField(
                label=_("备用电源%(n)d") % {"n": n}, required=False, choices=[("", "—"), *BACKUP_TYPES.items()]
            )
            self.fields[f"backup_{n}_kw"] = forms.CharField(label=_("容量（kW）"), required=False, max_length=12)
            self.fields[f"backup_{n}_minutes"] = forms.CharField(
                label=_("启动时间（分钟）"), required=False, max_length=8
            )
        for n in range(1, CONTACT_ROWS + 1):
            self.fields[f"contact_{n}_name"] = forms.CharField(
                label=_("联系人%(n)d") % {"n": n}, required=False, max_length=50
            )
            self.fields[f"contact_{n}_role"] = forms.CharField(label=_("职务"), required=False, max_length=50)
            self.fields[f"contact_{n}_phone"] = forms.CharField(label=_("电话"), required=False, max_length=20)

    PLACES = {
        "critical_loads": "load_1_name",
        "backup_sources": "backup_1_type",
        "contacts": "contact_1_name",
        "switching_steps": "switching_steps",
    }

    def contents(self) -> dict[str, Any]:
        d = self.cleaned_data

        def filled(*names: str) -> bool:
            return any(str(d[n] or "").strip() for n in names)

        return {
            "critical_loads": [
                {"name": d[f"load_{n}_name"], "kw": d[f"load_{n}_kw"], "tolerance_minutes": d[f"load_{n}_minutes"]}
                for n in range(1, LOAD_ROWS + 1)
                if filled(f"load_{n}_name", f"load_{n}_kw", f"load_{n}_minutes")
            ],
            "backup_sources": [
                {"type": d[f"backup_{n}_type"], "kw": d[f"backup_{n}_kw"], "start_minutes": d[f"backup_{n}_minutes"]}
                for n in range(1, BACKUP_ROWS + 1)
                if filled(f"backup_{n}_type", f"backup_{n}_kw", f"backup_{n}_minutes")
            ],
            "contacts": [
                {"name": d[f"contact_{n}_name"], "role": d[f"contact_{n}_role"], "phone": d[f"contact_{n}_phone"]}
                for n in range(1, CONTACT_ROWS + 1)
                if filled(f"contact_{n}_name", f"contact_{n}_role", f"contact_{n}_phone")
            ],
            "switching_steps": str(d["switching_steps"] or ""),
            "last_drill_on": d["last_drill_on"],
            "review_due_on": d["review_due_on"],
            "note": d["note"],
        }


def plan_initial(plan: Any) -> dict[str, Any]:
    """A new version's form filled with ``plan`` (the current one)."""
    initial: dict[str, Any] = {
        "switching_steps": "\n".join(plan.switching_steps),
        "last_drill_on": plan.last_drill_on,
        "note": plan.note,
    }
    for n, row in enumerate(plan.critical_loads[:LOAD_ROWS], start=1):
        initial |= {
            f"load_{n}_name": row["name"],
            f"load_{n}_kw": row["kw"],
            f"load_{n}_minutes": row["tolerance_minutes"],
        }
    for n, row in enumerate(plan.backup_sources[:BACKUP_ROWS], start=1):
        initial |= {
            f"backup_{n}_type": row["type"],
            f"backup_{n}_kw": row["kw"],
            f"backup_{n}_minutes": row["start_minutes"],
        }
    for n, row in enumerate(plan.contacts[:CONTACT_ROWS], start=1):
        initial |= {
            f"contact_{n}_name": row["name"],
            f"contact_{n}_role": row["role"],
            f"contact_{n}_phone": row["phone"],
        }
    return initial
