"""The staff forms of home service (上门服务) and the mobile service rounds (流动服务车): pickers
for the account, the day, the slot, the hall's clerks, the unit and its 台区; the services decide."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridcare.core.calendar import is_working_day
from gridcare.core.forms import Choice, Picker, TypeaheadPicker
from gridcare.core.timezone import business_date
from gridcare.halls.home_rules import HOME_PURPOSES, NOTE_MAX, PLACE_MAX, VILLAGE_MAX
from gridcare.halls.models import HomeVisitReason, HomeVisitStatus, Kind
from gridcare.halls.rules import appointment_rules, clock_text, slot_starts
from gridcare.org.models import Hall


def purposes() -> list[Choice]:
    """The businesses a home visit may be for, in the request's language (read when shown)."""
    return [(k, str(Kind(k).label)) for k in HOME_PURPOSES]


def visit_days(today: date | None = None) -> list[date]:
    """The days a visit may be put on: the hall's appointment days (working days from tomorrow)."""
    today = today or business_date()
    days = (today + timedelta(days=n) for n in range(1, appointment_rules().days_ahead + 1))
    return [d for d in days if is_working_day(d)]


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class HomeFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *HomeVisitStatus.choices])
    date = forms.DateField(label=_("日期"), required=False, widget=_date_widget())


class HomeRequestForm(forms.Form):
    """A staff member asks for a visit: the account picked from a search, the business, the reason."""

    account_no = Picker(label=_("用电户"), invalid=_("请从查询结果中选择用电户。"))
    purpose = forms.ChoiceField(label=_("办理业务"), choices=purposes)
    reason = forms.ChoiceField(label=_("不能到厅的原因"), choices=HomeVisitReason.choices)
    note = forms.CharField(label=_("说明"), max_length=NOTE_MAX, required=False, widget=forms.Textarea({"rows": 2}))
    phone = forms.CharField(label=_("联系电话"), max_length=20)

    def __init__(self, *args: Any, accounts: list[Choice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["account_no"]
        assert isinstance(field, Picker)
        field.offer(accounts)


class ScheduleForm(forms.Form):
    """The hall manager's choice: a day, a half-hour slot within the hall's hours, a clerk."""

    date = Picker(label=_("上门日期"))
    start = Picker(label=_("时段"))
    clerk = Picker(label=_("上门人员"), invalid=_("请选择本营业厅的上门人员。"))

    def __init__(self, *args: Any, hall: Hall, clerks: list[Choice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, offered in {
            "date": [(d.isoformat(), f"{d.isoformat()}") for d in visit_days()],
            "start": [(clock_text(s), clock_text(s)) for s in slot_starts(hall.opens_at, hall.closes_at)],
            "clerk": clerks,
        }.items():
            field = self.fields[name]
            assert isinstance(field, Picker)
            field.offer(offered)


class OutcomeForm(forms.Form):
    note = forms.CharField(label=_("办理情况"), max_length=NOTE_MAX, required=False, widget=forms.Textarea({"rows": 2}))


class HomeCancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=NOTE_MAX)


class StopForm(forms.Form):
    unit = Picker(label=_("供电所"), invalid=_("请选择您所在的供电所。"))
    area = TypeaheadPicker(label=_("服务台区"), invalid=_("请选择该供电所的台区。"))
    village = forms.CharField(label=_("村（社区）"), max_length=VILLAGE_MAX)
    day = forms.DateField(label=_("日期"), widget=_date_widget())
    start = forms.TimeField(label=_("开始时间"), widget=forms.TimeInput({"type": "time"}, format="%H:%M"))
    end = forms.TimeField(label=_("结束时间"), widget=forms.TimeInput({"type": "time"}, format="%H:%M"))
    place = forms.CharField(label=_("停靠地点"), max_length=PLACE_MAX)
    publish = forms.BooleanField(label=_("立即发布"), required=False)

    def __init__(self, *args: Any, units: list[Choice], areas: list[Choice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, offered in {"unit": units, "area": areas}.items():
            field = self.fields[name]
            assert isinstance(field, Picker)
            field.offer(offered)
