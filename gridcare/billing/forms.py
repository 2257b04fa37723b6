from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from gridcare.billing.models import DunningStepKind, PaymentChannel, RefundMethod, ReversalReason, Tariff
from gridcare.billing.models.payments import PAYER_CHANNELS
from gridcare.billing.rules.bill_dates import day_error, period_error
from gridcare.billing.selectors import debit_bank_choices
from gridcare.billing.services.readings import size_error
from gridcare.billing.services.tariffs import TARIFF_NUMBERS
from gridcare.core.forms import Picker, offer
from gridcare.org.access import Scope
from gridcare.org.selectors import unit_choices


def upload_size(upload: UploadedFile) -> None:
    """Refuse a file over the configured size from its size alone, before anything reads it."""
    if error := size_error(upload.size or 0):
        raise ValidationError(error)


def valid_period(value: str) -> None:
    """A period in the accepted window (bill_dates.period_error: format and bounds)."""
    if error := period_error(value):
        raise ValidationError(error)


def valid_day(value: date | datetime) -> None:
    """A business date (or moment) in the accepted window: 0001-01-01 or 9999-12-31 refused."""
    if error := day_error(value):
        raise ValidationError(error)


def _period_field() -> forms.CharField:
    return forms.CharField(label=_("账期"), max_length=7, validators=[valid_period], help_text=_("如 2026-10"))


def _unit_picker() -> Picker:
    return Picker(label=_("供电单位"), blank=_("— 全部供电单位 —"))


class UnitScopedForm(forms.Form):
    """A billing-office form working on one supply unit: the units the caller's office works
    (billing.access.work_unit's rule), "all" only for whoever may bill the whole company."""

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = self.fields["unit"]
        assert isinstance(unit, Picker)
        unit.blank = unit.blank if scope.everything else None
        # Left empty, a unit clerk's action works on their unit; a company-level clerk names one.
        unit.required = not scope.everything and scope.unit_id is None
        unit.offer(unit_choices(scope))
        own = scope.staff.unit if scope.staff is not None and not scope.everything else None
        if own is not None:
            unit.initial = own.code
        # A unit not offered is refused with work_unit's words (the service's refusal).
        unit.error_messages["invalid_choice"] = (
            _("您只能办理本供电单位（%(unit)s）的业务。") % {"unit": own.code}
            if own is not None
            else _("供电单位不存在。")
        )


class RunForm(UnitScopedForm):
    period = _period_field()
    unit = _unit_picker()


class ReadingsUploadForm(forms.Form):
    file = forms.FileField(label=_("抄表文件（CSV 或 Excel）"), validators=[upload_size])
    interval = forms.BooleanField(label=_("负荷曲线（分时段电量）"), required=False)


class ResolveForm(forms.Form):
    action = forms.ChoiceField(label=_("处理"), choices=[("accepted", _("确认无误")), ("corrected", _("更正电量"))])
    kwh = forms.DecimalField(
        label=_("更正后电量"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(
            attrs={"placeholder": _("更正后电量（千瓦时）"), "aria-label": _("更正后电量（千瓦时）")}
        ),
    )


# One sentence for every way an amount can be wrong (not a number, zero or less, too many digits).
AMOUNT_WRONG = _("请输入正确的金额（大于零，最多两位小数）。")


class CounterPaymentForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("缴费方式"),
        choices=[(PaymentChannel.COUNTER_CASH, _("现金")), (PaymentChannel.COUNTER_CARD, _("刷卡"))],
    )
    amount = forms.DecimalField(
        label=_("金额（元）"),
        decimal_places=2,
        max_digits=12,
        min_value=Decimal("0.01"),
        error_messages={
            "required": _("请输入收费金额。"),
            **{
                code: AMOUNT_WRONG
                for code in ("invalid", "min_value", "max_digits", "max_decimal_places", "max_whole_digits")
            },
        },
        # Rendered inline beside the channel on the account page: the label is the box's own.
        widget=forms.NumberInput(
            attrs={"placeholder": _("收费金额（元）"), "aria-label": _("收费金额（元）"), "step": "0.01"}
        ),
    )
    # One key per rendered form: a double click or a resent form posts the same key, which is the
    # payment's channel serial, so the second post finds the first payment and records nothing.
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)


class WaiverForm(forms.Form):
    """A penalty waiver request: one of the account's open bills (``periods``), and why."""

    period = Picker(label=_("账期"), invalid=_("请选择一张待缴的账单。"))
    reason = forms.CharField(
        label=_("免收原因"), max_length=200, widget=forms.TextInput(attrs={"placeholder": _("违约金免收原因")})
    )

    def __init__(self, *args: Any, periods: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer(self, period=[(p, p) for p in periods])


class DunningStepForm(forms.Form):
    step = forms.ChoiceField(
        label=_("步骤"),
        choices=[
            (DunningStepKind.NOTICE, _("催费通知已送达")),
            (DunningStepKind.CUTOFF_NOTICE, _("停电通知已送达")),
            (DunningStepKind.CUTOFF, _("已停电")),
        ],
        widget=forms.HiddenInput,  # the row's stage says which step it records
    )
    on = forms.DateField(
        label=_("日期"), validators=[valid_day], widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class ReconnectionForm(forms.Form):
    at = forms.DateTimeField(
        label=_("复电时间"),
        validators=[valid_day],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class ReconciliationForm(UnitScopedForm):
    channel = forms.ChoiceField(label=_("缴费渠道"), choices=[(c.value, c.label) for c in PAYER_CHANNELS])
    business_date = forms.DateField(label=_("对账日期"), validators=[valid_day])
    statement = forms.FileField(label=_("渠道对账文件（CSV 或 Excel：流水号、户号、金额）"), validators=[upload_size])
    unit = _unit_picker()


class BankPicker(Picker):
    """A bank by name; its code as the service spells it (upper case)."""

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).strip().upper()


class DebitExportForm(UnitScopedForm):
    bank_code = BankPicker(label=_("银行"), initial="ICBC")
    period = _period_field()
    on = forms.DateField(label=_("扣款日期"), validators=[valid_day])
    unit = _unit_picker()

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, scope=scope, **kwargs)
        offer(self, bank_code=debit_bank_choices(scope))


class DebitResultForm(forms.Form):
    result = forms.FileField(label=_("银行回盘文件（流水号、户号、金额、结果）"), validators=[upload_size])


# A tariff's prices and their structure, the fields every tariff form edits: its numbers and
# the two choices that shape them, in the model's column order.
TARIFF_PRICE_FIELDS = tuple(
    f.name for f in Tariff._meta.get_fields() if f.name in {*TARIFF_NUMBERS, "tier_period", "basis"}
)


class TariffVersionForm(forms.ModelForm):  # type: ignore[type-arg]  # django-stubs: the admin classes are generic in the stubs only (not subscriptable at runtime)
    """A new version of a tariff; validated by ``services.tariffs.tariff_create`` (the same rules
    as the admin's form)."""

    class Meta:
        model = Tariff
        fields = ("code", "name", "kind", "effective_from", *TARIFF_PRICE_FIELDS)
        widgets = {"effective_from": forms.DateInput(attrs={"type": "date"})}


# --- money back and money returned (issue 19) ----------------------------------------------------


class ReversalForm(forms.Form):
    """A payment's reversal: why (a reason from the list) and the channel's or office's reference."""

    reason = forms.ChoiceField(label=_("冲正原因"), choices=[("", _("请选择")), *ReversalReason.choices])
    reference = forms.CharField(
        label=_("冲正凭证号"),
        max_length=64,
        help_text=_("银行退回号、渠道退款单号或营业差错单号；同一凭证号重复提交只冲正一次。"),
    )


class RefundForm(forms.Form):
    """A refund of the account's credit balance. ``request_key`` is the form's own: the same form
    sent twice is one refund."""

    request_key = forms.UUIDField(widget=forms.HiddenInput)
    amount = forms.DecimalField(
        label=_("退款金额（元）"),
        decimal_places=2,
        max_digits=12,
        min_value=Decimal("0.01"),
        error_messages={
            code: _("请输入正确的退款金额（大于 0，最多两位小数）。")
            for code in ("required", "invalid", "min_value", "max_digits", "max_decimal_places", "max_whole_digits")
        },
    )
    method = forms.ChoiceField(label=_("退款方式"), choices=RefundMethod.choices, initial=RefundMethod.BANK)
    payee_name = forms.CharField(label=_("户名"), max_length=60, required=False)
    bank_name = forms.CharField(label=_("开户行"), max_length=60, required=False)
    bank_account = forms.CharField(label=_("账号"), max_length=40, required=False)
    payment_id = Picker(label=_("原缴费记录（原路退回）"), blank=_("—"))
    reason = forms.CharField(label=_("退款原因"), max_length=200)

    def __init__(self, *args: Any, payments: Iterable[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer(self, payment_id=payments)


class ConfirmForm(forms.Form):
    """An action that takes no input but is asked first (an export, a batch marked paid): the
    service's refusal goes on it."""
