from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridcare.billing.services.tariffs import tariff_choices
from gridcare.customers.models import AccountStatus, CustomerClass, ImportanceGrade
from gridcare.org.access import Scope
from gridcare.org.models import Hall, SupplyUnit


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
    supply_unit = forms.ChoiceField(label=_("供电单位"))
    hall = forms.ChoiceField(label=_("营业厅"), required=False)
    feeder = forms.CharField(label=_("线路编码"), max_length=30, required=False)
    transformer_area = forms.CharField(label=_("台区编码"), max_length=30, required=False)
    tariff_code = TariffPicker(label=_("电价"), required=False)
    contract_capacity_kva = forms.DecimalField(
        label=_("合同容量(kVA)"), max_digits=10, decimal_places=1, min_value=0, initial=0
    )
    importance_grade = forms.ChoiceField(label=_("重要等级"), choices=ImportanceGrade.choices, required=False)
    meter_no = forms.CharField(label=_("表号"), max_length=30, required=False)

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _refresh_tariffs(self)
        units = SupplyUnit.objects.order_by("code")
        halls = Hall.objects.select_related("unit").order_by("code")
        if not scope.everything:
            units = units.filter(company_id=scope.company_id or 0)
            halls = halls.filter(unit__company_id=scope.company_id or 0)
        unit_field, hall_field = self.fields["supply_unit"], self.fields["hall"]
        assert isinstance(unit_field, forms.ChoiceField) and isinstance(hall_field, forms.ChoiceField)
        unit_field.choices = [(u.code, f"{u.name}（{u.code}）") for u in units]
        hall_field.choices = [("", "—")] + [(h.code, f"{h.name}（{h.code}）") for h in halls]
        if scope.staff is not None and scope.staff.unit is not None:
            self.fields["supply_unit"].initial = scope.staff.unit.code
        if scope.staff is not None and scope.staff.hall is not None:
            self.fields["hall"].initial = scope.staff.hall.code


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
