"""The staff forms of load data, diagnosis and findings (KEY-3/4): the upload (file, interval,
the importer's confirmation), the diagnosis period and the share to shift, the worklist's filters
and a finding's status; the services decide, their refusals land on these fields."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridcare.core.exceptions import InvalidInput
from gridcare.core.forms import Choice, Picker
from gridcare.keyaccounts.loads_api import period, shift_field
from gridcare.keyaccounts.models import FindingKind, FindingStatus

INTERVALS = [("", _("自动识别")), ("15", _("15 分钟")), ("30", _("30 分钟")), ("60", _("60 分钟"))]


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("负荷数据文件"),
        help_text=_("计量系统导出的 CSV 或 Excel（.xlsx）：户号、时间、有功功率(kW)，可含无功功率(kvar)。"),
        error_messages={"required": _("请选择要导入的文件。"), "empty": _("文件是空的。")},
    )
    interval_minutes = forms.ChoiceField(
        label=_("数据间隔"),
        choices=INTERVALS,
        required=False,
        error_messages={"invalid_choice": _("数据间隔只能是 15、30 或 60 分钟。")},
    )
    understood = forms.BooleanField(
        label=_("我已了解：文件中各户所涉月份的负荷数据将被本文件替换；有任何阻止导入的问题时整份文件不导入。"),
        error_messages={"required": _("请确认您已了解导入的后果。")},
    )

    def clean_interval_minutes(self) -> int | None:
        value = self.cleaned_data["interval_minutes"]
        return int(value) if value else None


class PeriodForm(forms.Form):
    """The days of a diagnosis (default: the 30 days up to yesterday, as the API's) and the share
    of the peak energy to move to the valley."""

    start = forms.CharField(label=_("开始日期"), required=False, widget=_date())
    end = forms.CharField(label=_("结束日期"), required=False, widget=_date())
    shift = shift_field()  # the API checks its ``shift`` with the same field

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start = str(data.get("start") or "").replace("\x00", "")
        end = str(data.get("end") or "").replace("\x00", "")
        try:
            data["first"], data["last"] = period(start, end)
        except InvalidInput as exc:
            for name, message in exc.errors.items():
                self.add_error(name, str(message))
        return data


class FindingFilterForm(forms.Form):
    status = Picker(label=_("状态"), blank=_("全部"))
    kind = Picker(label=_("发现"), blank=_("全部"))
    account_no = Picker(label=_("客户"), blank=_("全部"))

    def __init__(self, *args: Any, accounts: list[Choice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].offer(FindingStatus.choices)  # type: ignore[attr-defined]
        self.fields["kind"].offer(FindingKind.choices)  # type: ignore[attr-defined]
        self.fields["account_no"].offer(accounts)  # type: ignore[attr-defined]


STATUS_CHOICES = [
    (FindingStatus.CONTACTED.value, FindingStatus.CONTACTED.label),
    (FindingStatus.RESOLVED.value, FindingStatus.RESOLVED.label),
    (FindingStatus.FALSE_ALARM.value, FindingStatus.FALSE_ALARM.label),
]


class FindingStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("处理结果"),
        choices=STATUS_CHOICES,
        error_messages={"required": _("请选择处理结果。"), "invalid_choice": _("请选择处理结果。")},
    )
    note = forms.CharField(
        label=_("处理说明"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_note(self) -> str:
        return str(self.cleaned_data["note"]).replace("\x00", "").strip()


def default_dates(first: date, last: date) -> dict[str, str]:
    return {"start": first.isoformat(), "end": last.isoformat()}
