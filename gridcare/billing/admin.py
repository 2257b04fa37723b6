"""Billing in the admin. A tariff version may be added here (BILL-1), through
``tariff_create`` like 电价管理 (/billing/tariffs/): validated, and the previous version ends the
day before. A version is never changed or deleted. Bills, payments, runs and every other money
row are read-only: only the billing services write them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from gridcare.billing.forms import TARIFF_PRICE_FIELDS
from gridcare.billing.models import (
    AccountMove,
    Adjustment,
    AdjustmentEvent,
    Bill,
    BillCorrection,
    BillEvent,
    BillRun,
    BillRunEvent,
    CorrectionEvent,
    CutoffApproval,
    CutoffPlan,
    DebitAgreement,
    DebitBatch,
    DepositEntry,
    DepositEvent,
    DunningStep,
    Instalment,
    InstalmentPlan,
    InstalmentPlanEvent,
    MoveEvent,
    Payment,
    PaymentAllocation,
    PaymentEvent,
    PaymentOrder,
    PaymentOrderEvent,
    PaymentReversal,
    PenaltyWaiver,
    PrepaidBalance,
    PrepaidEntry,
    ProtectedAccount,
    Reading,
    ReadingException,
    ReadingImport,
    RebillBatch,
    Reconciliation,
    ReconciliationItem,
    Refund,
    RefundBatch,
    RefundBatchDownload,
    RefundEvent,
    Tariff,
    TouPeriod,
)
from gridcare.billing.services.tariffs import tariff_create, tariff_validate
from gridcare.core.admin import ReadOnlyAdmin
from gridcare.core.exceptions import DomainError


class TariffForm(forms.ModelForm):  # type: ignore[type-arg]  # django-stubs: the admin classes are generic in the stubs only (not subscriptable at runtime)
    class Meta:
        model = Tariff
        fields = ("code", "province", "name", "kind", "effective_from", *TARIFF_PRICE_FIELDS)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            tariff_validate(Tariff(**{k: v for k, v in data.items() if k in {f.name for f in Tariff._meta.fields}}))
        except DomainError as exc:
            for field, message in exc.errors.items():
                self.add_error(field if field in self.fields else None, str(message))
        return data


class TouPeriodInline(admin.TabularInline):  # type: ignore[type-arg]  # django-stubs: the admin classes are generic in the stubs only (not subscriptable at runtime)
    model = TouPeriod
    extra = 0


@admin.register(Tariff)
class TariffAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # django-stubs: the admin classes are generic in the stubs only (not subscriptable at runtime)
    form = TariffForm
    list_display = ("province", "code", "name", "kind", "effective_from", "effective_to", "price")
    list_filter = ("province", "kind")
    inlines = [TouPeriodInline]
    actions = None

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # bills were reckoned with it: a new version is added instead

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Tariff, form: Any, change: bool) -> None:
        created = tariff_create(**{name: getattr(obj, name) for name in TariffForm.Meta.fields})
        obj.pk, obj.effective_to = created.pk, created.effective_to
        obj._state.adding = False  # the periods of the inline are saved onto the created version


@admin.register(BillRun)
class BillRunAdmin(ReadOnlyAdmin):
    list_display = ("period", "scope_key", "status", "billed", "held", "missing", "amount", "started_at")
    edit_page = "/billing/runs/"


@admin.register(Bill)
class BillAdmin(ReadOnlyAdmin):
    list_display = ("account", "period", "amount", "paid", "status", "due_date")
    search_fields = ("account__account_no",)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("channel", "channel_txn_id", "account", "amount", "paid_at")
    search_fields = ("channel_txn_id", "account__account_no")


@admin.register(PaymentOrder)
class PaymentOrderAdmin(ReadOnlyAdmin):
    list_display = ("order_no", "account", "amount", "purpose", "provider", "status", "created_at", "paid_at")
    list_filter = ("status", "purpose", "provider")
    search_fields = ("order_no", "provider_txn_id", "account__account_no")


admin.site.register(
    [
        PaymentOrderEvent,
        ReadingImport,
        Reading,
        ReadingException,
        BillRunEvent,
        BillEvent,
        PaymentAllocation,
        PrepaidBalance,
        PrepaidEntry,
        PenaltyWaiver,
        DunningStep,
        Reconciliation,
        ReconciliationItem,
        DebitAgreement,
        DebitBatch,
    ],
    ReadOnlyAdmin,
)


# Issue 19's billing life cycle: every row written by its service (second-person decisions,
# re-bills, moves, deposits, refunds and their histories), read-only here.


@admin.register(BillCorrection)
class BillCorrectionAdmin(ReadOnlyAdmin):
    list_display = ("bill", "reason", "status", "old_amount", "preview_amount", "requested_at", "decided_at")
    list_filter = ("status", "reason")
    edit_page = "/billing/corrections/"


@admin.register(Adjustment)
class AdjustmentAdmin(ReadOnlyAdmin):
    list_display = ("account", "kind", "amount", "status", "requested_at", "decided_at")
    list_filter = ("status", "kind")
    search_fields = ("account__account_no",)
    edit_page = "/billing/corrections/"


@admin.register(RebillBatch)
class RebillBatchAdmin(ReadOnlyAdmin):
    list_display = ("period", "tariff_code", "status", "started_at", "finished_at")
    edit_page = "/billing/rebill/"


@admin.register(PaymentReversal)
class PaymentReversalAdmin(ReadOnlyAdmin):
    list_display = ("payment", "reason", "reference", "amount", "reversed_at")
    list_filter = ("reason",)
    search_fields = ("reference",)


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("account", "amount", "method", "status", "requested_at", "decided_at")
    list_filter = ("status", "method")
    search_fields = ("account__account_no",)
    masked = ("bank_account",)
    edit_page = "/billing/refunds/"


@admin.register(RefundBatch)
class RefundBatchAdmin(ReadOnlyAdmin):
    list_display = ("id", "lines", "total", "created_at", "paid_at")
    edit_page = "/billing/refunds/"


@admin.register(InstalmentPlan)
class InstalmentPlanAdmin(ReadOnlyAdmin):
    list_display = ("account", "total", "count", "status", "start_on", "requested_at", "decided_at")
    list_filter = ("status",)
    search_fields = ("account__account_no",)
    edit_page = "/billing/instalments/"


@admin.register(ProtectedAccount)
class ProtectedAccountAdmin(ReadOnlyAdmin):
    list_display = ("account", "reason", "review_on")
    search_fields = ("account__account_no",)
    edit_page = "/billing/protected/"


@admin.register(AccountMove)
class AccountMoveAdmin(ReadOnlyAdmin):
    list_display = ("account", "kind", "status", "move_on", "created_at")
    list_filter = ("kind", "status")
    search_fields = ("account__account_no",)


admin.site.register(
    [
        CorrectionEvent,
        AdjustmentEvent,
        PaymentEvent,
        RefundEvent,
        RefundBatchDownload,
        Instalment,
        InstalmentPlanEvent,
        CutoffApproval,
        CutoffPlan,
        MoveEvent,
        DepositEntry,
        DepositEvent,
    ],
    ReadOnlyAdmin,
)
