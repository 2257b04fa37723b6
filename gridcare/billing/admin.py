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
    Bill,
    BillEvent,
    BillRun,
    BillRunEvent,
    DebitAgreement,
    DebitBatch,
    DunningStep,
    Payment,
    PaymentAllocation,
    PaymentOrder,
    PaymentOrderEvent,
    PenaltyWaiver,
    PrepaidBalance,
    PrepaidEntry,
    Reading,
    ReadingException,
    ReadingImport,
    Reconciliation,
    ReconciliationItem,
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
