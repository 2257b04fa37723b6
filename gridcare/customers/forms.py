from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gridcare.customers.models import AccountStatus, CustomerClass, ImportanceGrade


class CustomerForm(forms.Form):
    name = forms.CharField(label=_("客户名称"), max_length=100)
    customer_class = forms.ChoiceField(label=_("用电类别"), choices=CustomerClass.choices)
    id_number = forms.CharField(label=_("身份证号码"), max_length=18, required=False)
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    address = forms.CharField(label=_("用电地址"), max_length=200)
    supply_unit = forms.CharField(label=_("供电单位编码"), max_length=20)
    hall = forms.CharField(label=_("营业厅编码"), max_length=20, required=False)
    feeder = forms.CharField(label=_("线路编码"), max_length=30, required=False)
    transformer_area = forms.CharField(label=_("台区编码"), max_length=30, required=False)
    tariff_code = forms.CharField(label=_("电价代码"), max_length=30, required=False)
    contract_capacity_kva = forms.DecimalField(
        label=_("合同容量(kVA)"), max_digits=10, decimal_places=1, min_value=0, initial=0
    )
    importance_grade = forms.ChoiceField(label=_("重要等级"), choices=ImportanceGrade.choices, required=False)
    meter_no = forms.CharField(label=_("表号"), max_length=30, required=False)


class TransferForm(forms.Form):
    new_name = forms.CharField(label=_("新户主名称"), max_length=100)
    new_id_number = forms.CharField(label=_("新户主身份证号码"), max_length=18)
    new_phone = forms.CharField(label=_("新户主手机号码"), max_length=20)


class RenameForm(forms.Form):
    new_name = forms.CharField(label=_("新名称"), max_length=100)


class TariffForm(forms.Form):
    customer_class = forms.ChoiceField(label=_("用电类别"), choices=CustomerClass.choices)
    tariff_code = forms.CharField(label=_("电价代码"), max_length=30, required=False)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("新状态"), choices=AccountStatus.choices)
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)


class PhoneForm(forms.Form):
    phone = forms.CharField(label=_("新手机号码"), max_length=20)
