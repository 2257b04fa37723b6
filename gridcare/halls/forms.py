from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridcare.halls.models import BusinessType, HallPolicy, Priority, Terminal, TerminalStatus
from gridcare.org.models import Hall

TERMINAL_STATUSES = TerminalStatus.choices


class GuideForm(forms.Form):
    """The guide's tablet: what the customer needs, and how urgent."""

    kind = forms.ChoiceField(label=_("办理业务"))
    # Appointment tickets come only from checking a booked appointment in (today's list below).
    priority = forms.ChoiceField(
        label=_("客户类别"),
        choices=[(value, label) for value, label in Priority.choices if value != Priority.APPOINTMENT],
        initial=Priority.NORMAL,
    )
    phone = forms.CharField(label=_("手机号（用于叫号提醒）"), required=False, max_length=20)
    account_no = forms.CharField(label=_("户号"), required=False, max_length=10)
    terminal = forms.ModelChoiceField(label=_("自助终端"), queryset=Terminal.objects.none(), required=False)

    def __init__(self, *args: Any, hall: Hall, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [
            (t.kind, f"{t.prefix} {t.name}")
            for t in BusinessType.objects.filter(hall=hall, active=True).order_by("prefix")
        ]
        terminal = self.fields["terminal"]
        assert isinstance(terminal, forms.ModelChoiceField)
        terminal.queryset = Terminal.objects.filter(hall=hall, status=TerminalStatus.IN_SERVICE)


class PolicyForm(forms.Form):
    opens_at = forms.TimeField(label=_("开门时间"))
    closes_at = forms.TimeField(label=_("关门时间"))
    ageing_minutes = forms.IntegerField(label=_("等候超过（分钟）即优先"), min_value=1, max_value=240)
    max_recalls = forms.IntegerField(label=_("最多重呼次数"), min_value=0, max_value=9)
    near_ahead = forms.IntegerField(label=_("前面剩几位时短信提醒"), min_value=0, max_value=20)

    def __init__(self, *args: Any, hall: Hall, policy: HallPolicy, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "opens_at": hall.opens_at,
                "closes_at": hall.closes_at,
                "ageing_minutes": policy.ageing_minutes,
                "max_recalls": policy.max_recalls,
                "near_ahead": policy.near_ahead,
            },
        )
        super().__init__(*args, **kwargs)
