"""Forms of the arrears pages (issue 19): an instalment plan, its decision, a protected customer,
the planned cut-off and a supervisor's approval of it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gridcare.billing.conf import arrears_int
from gridcare.billing.forms import valid_day
from gridcare.billing.models import ProtectedReason

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanForm(forms.Form):
    """``request_key`` is the form's own: the same form sent twice is one plan."""

    request_key = forms.UUIDField(widget=forms.HiddenInput)
    count = forms.TypedChoiceField(label=_("期数"), coerce=int, choices=())
    first_due = forms.DateField(label=_("首期应缴日期"), validators=[valid_day], widget=_DATE)
    reason = forms.CharField(label=_("分期原因"), max_length=200)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        low, high = arrears_int("INSTALMENT_MIN_COUNT"), arrears_int("INSTALMENT_MAX_COUNT")
        field = self.fields["count"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(n, _("%(n)s 期") % {"n": n}) for n in range(low, high + 1)]


class ProtectedForm(forms.Form):
    reason = forms.ChoiceField(label=_("保护原因"), choices=ProtectedReason.choices)
    evidence = forms.CharField(label=_("证明材料说明"), max_length=300)
    review_on = forms.DateField(label=_("复核日期"), validators=[valid_day], widget=_DATE)


class ProtectedEndForm(forms.Form):
    note = forms.CharField(label=_("解除原因"), max_length=200)


class CutoffPlanForm(forms.Form):
    planned_at = forms.DateTimeField(
        label=_("计划停电时间"),
        validators=[valid_day],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class CutoffApprovalForm(forms.Form):
    note = forms.CharField(label=_("审批意见"), max_length=200)
