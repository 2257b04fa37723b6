from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridcare.billing.services.tariffs import tariff_choices
from gridcare.core.exceptions import InvalidInput
from gridcare.core.forms import Picker, TypeaheadPicker, offer
from gridcare.customers.models import (
    UNMASK_REASON_MAX_CHARS,
    AccountStatus,
    CustomerClass,
    ImportanceGrade,
    UnmaskOutcome,
    UnmaskReason,
)
from gridcare.customers.rules import normalise_capacity_kva
from gridcare.customers.selectors import area_choices, feeder_choices
from gridcare.org.access import Reach, Scope
from gridcare.org.selectors import hall_choices, unit_choices


class TariffPicker(forms.ChoiceField):
    """The tariffs in force grouped by customer class, by name. Whether the chosen one fits the
    account's class is the service's check (customers.services), with its Chinese message."""

    def refresh(self) -> None:
        """The tariffs in force now (each form calls it, not the import of this module)."""
        self.choices = [("", _("— 暂不指定 —")), *tariff_choices()]

    def valid_value(self, value: Any) -> bool:
        return True


def _refresh_tariffs(form: forms.Form) -> None:
    picker = form.fields["tariff_code"]
    assert isinstance(picker, TariffPicker)
    picker.refresh()


class CustomerForm(forms.Form):
    name = forms.CharField(label=_("客户名称"), max_length=100)
    customer_class = forms.ChoiceField(label=_("用电类别"), choices=CustomerClass.choices)
    id_number = forms.CharField(label=_("身份证号码"), max_length=18, required=False)
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    address = forms.CharField(label=_("用电地址"), max_length=200)
    supply_unit = Picker(label=_("供电单位"))
    hall = Picker(label=_("营业厅"), blank="—")
    feeder = TypeaheadPicker(label=_("线路"), blank="", invalid=_("线路不存在或不在您的管辖范围：%(value)s。"))
    transformer_area = TypeaheadPicker(
        label=_("台区"), blank="", invalid=_("台区不存在或不在您的管辖范围：%(value)s。")
    )
    tariff_code = TariffPicker(label=_("电价"), required=False)
    # Text checked by the service's own rule (customers.rules), so the page, the API and the
    # service refuse "1e300", NaN, negatives and a second decimal place with the same message.
    contract_capacity_kva = forms.CharField(
        label=_("合同容量(kVA)"),
        initial="0",
        required=False,
        max_length=20,
        widget=forms.NumberInput(attrs={"min": "0", "max": "999999", "step": "0.1"}),
    )
    importance_grade = forms.ChoiceField(label=_("重要等级"), choices=ImportanceGrade.choices, required=False)
    meter_no = forms.CharField(label=_("表号"), max_length=30, required=False)

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _refresh_tariffs(self)
        # Only the units where the caller may open accounts (those whose accounts they may read),
        # their halls, feeders and 台区; whether a 台区 lies on the chosen unit and feeder is the
        # service's check.
        offer(
            self,
            supply_unit=unit_choices(scope, Reach.ACCOUNTS),
            hall=hall_choices(scope, Reach.ACCOUNTS),
            feeder=feeder_choices(scope.account_filter("unit")),
            transformer_area=area_choices(scope.account_filter("feeder__unit")),
        )
        if scope.staff is not None and scope.staff.unit is not None:
            self.fields["supply_unit"].initial = scope.staff.unit.code
        if scope.staff is not None and scope.staff.hall is not None:
            self.fields["hall"].initial = scope.staff.hall.code

    def clean_contract_capacity_kva(self) -> Decimal:
        try:
            return normalise_capacity_kva(self.cleaned_data.get("contract_capacity_kva"))
        except InvalidInput as exc:
            raise forms.ValidationError(str(exc.message)) from None


class TransferForm(forms.Form):
    new_name = forms.CharField(label=_("新户主名称"), max_length=100)
    new_id_number = forms.CharField(label=_("新户主身份证号码"), max_length=18)
    new_phone = forms.CharField(label=_("新户主手机号码"), max_length=20)


class RenameForm(forms.Form):
    new_name = forms.CharField(label=_("新名称"), max_length=100)


class TariffForm(forms.Form):
    customer_class = forms.ChoiceField(label=_("用电类别"), choices=CustomerClass.choices)
    tariff_code = TariffPicker(label=_("电价"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _refresh_tariffs(self)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("新状态"), choices=AccountStatus.choices)
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)


class PhoneForm(forms.Form):
    phone = forms.CharField(label=_("新手机号码"), max_length=20)


class UnmaskForm(forms.Form):
    """Why the full phone and ID number are needed: a reason from the list and its words. The
    service checks both again (customers.rules.clean_unmask_reason)."""

    reason_code = forms.ChoiceField(
        label=_("查看原因"), choices=[("", _("— 请选择 —")), *UnmaskReason.choices], required=False
    )
    reason_text = forms.CharField(
        label=_("原因说明"),
        max_length=UNMASK_REASON_MAX_CHARS,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("如：客户张先生来电查询电费，核实身份")}),
    )


class UnmaskAuditFilterForm(forms.Form):
    person = forms.CharField(label=_("经办人"), max_length=150, required=False)
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.ChoiceField(label=_("查看原因"), choices=[("", _("全部")), *UnmaskReason.choices], required=False)
    account_no = forms.CharField(label=_("户号"), max_length=10, required=False)
    outcome = forms.ChoiceField(label=_("结果"), choices=[("", _("全部")), *UnmaskOutcome.choices], required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        for name, day in (("date_from", start), ("date_to", end)):
            if day and not 2000 <= day.year <= 2999:
                self.add_error(name, _("日期应在2000年至2999年之间。"))
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("截止日期不能早于起始日期。"))
        return data
