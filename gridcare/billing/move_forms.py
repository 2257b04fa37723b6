"""Forms of moving out and in, deposits and failed refund lines (issue 19)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gridcare.billing.forms import valid_day
from gridcare.billing.models import PaymentChannel, RefundMethod
from gridcare.billing.services.deposits import COUNTER_CHANNELS
from gridcare.core.forms import Picker, offer

_MONEY_ERRORS = ("required", "invalid", "min_value", "max_digits", "max_decimal_places", "max_whole_digits")


class MoveForm(forms.Form):
    """销户: the final reading on a day, and where a credit left by the settlement is refunded.
    ``request_key`` is the form's own: the same form sent twice is one closure."""

    request_key = forms.UUIDField(widget=forms.HiddenInput)
    move_on = forms.DateField(
        label=_("办理日期（终止抄表日）"), validators=[valid_day], widget=forms.DateInput(attrs={"type": "date"})
    )
    register = forms.DecimalField(
        label=_("终止示数"),
        decimal_places=2,
        max_digits=14,
        min_value=Decimal(0),
        error_messages={code: _("请输入正确的示数（不小于 0，最多两位小数）。") for code in _MONEY_ERRORS},
    )
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)
    refund_method = forms.ChoiceField(
        label=_("结余退款方式"),
        choices=[("", _("暂不退款（结余留在账户，可另行申请）")), *RefundMethod.choices],
        required=False,
    )
    payee_name = forms.CharField(label=_("收款户名"), max_length=60, required=False)
    bank_name = forms.CharField(label=_("开户行"), max_length=60, required=False)
    bank_account = forms.CharField(label=_("收款账号"), max_length=40, required=False)
    payment_id = Picker(label=_("原缴费记录（原路退回）"), blank=_("—"))

    def __init__(self, *args: Any, payments: Iterable[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer(self, payment_id=payments)


class TransferForm(MoveForm):
    """过户: the opening reading of the new holder on a day, the new holder, the old holder's refund."""

    new_name = forms.CharField(label=_("新户主名称"), max_length=100)
    new_id_number = forms.CharField(label=_("新户主身份证号码"), max_length=18)
    new_phone = forms.CharField(label=_("新户主手机号码"), max_length=20)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["move_on"].label = _("过户日期")
        self.fields["register"].label = _("过户示数（新户主起始示数）")
        self.fields["refund_method"].label = _("原户主结余退款方式")


class DepositForm(forms.Form):
    request_key = forms.UUIDField(widget=forms.HiddenInput)
    amount = forms.DecimalField(
        label=_("保证金金额（元）"),
        decimal_places=2,
        max_digits=12,
        min_value=Decimal("0.01"),
        error_messages={code: _("请输入正确的金额（大于 0，最多两位小数）。") for code in _MONEY_ERRORS},
    )
    channel = forms.ChoiceField(
        label=_("收款方式"), choices=[(c.value, PaymentChannel(c).label) for c in COUNTER_CHANNELS]
    )


class ReasonForm(forms.Form):
    """An action with a reason (a deposit applied on default, a refund line the bank returned)."""

    reason = forms.CharField(label=_("原因"), max_length=200, min_length=2)


def account_page_forms() -> dict[str, Any]:
    """The account page's deposit forms (a new key for each page)."""
    return {
        "deposit_form": DepositForm(initial={"request_key": uuid.uuid4()}, auto_id="id_deposit_%s"),
        "apply_form": ReasonForm(auto_id="id_apply_%s"),
    }
