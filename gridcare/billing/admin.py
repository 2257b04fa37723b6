"""Tariff administration (BILL-1) for administrators, through Django's admin: every save goes
through the same validation as ``services.tariffs.tariff_create``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from gridcare.billing.forms import TARIFF_PRICE_FIELDS
from gridcare.billing.models import Bill, BillRun, Payment, Tariff, TouPeriod
from gridcare.billing.services.tariffs import tariff_validate
from gridcare.core.exceptions import DomainError


class TariffForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Tariff
        fields = ("code", "province", "name", "kind", "effective_from", "effective_to", *TARIFF_PRICE_FIELDS)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            tariff_validate(Tariff(**{k: v for k, v in data.items() if k in {f.name for f in Tariff._meta.fields}}))
        except DomainError as exc:
            for field, message in exc.errors.items():
                self.add_error(field if field in self.fields else None, str(message))
        return data


class TouPeriodInline(admin.TabularInline):  # type: ignore[type-arg]
    model = TouPeriod
    extra = 0


@admin.register(Tariff)
class TariffAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = TariffForm
    list_display = ("province", "code", "name", "kind", "effective_from", "effective_to", "price")
    list_filter = ("province", "kind")
    inlines = [TouPeriodInline]


@admin.register(BillRun)
class BillRunAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("period", "scope_key", "status", "billed", "held", "missing", "amount", "started_at")
    readonly_fields = [f.name for f in BillRun._meta.fields]


@admin.register(Bill)
class BillAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("account", "period", "amount", "paid", "status", "due_date")
    search_fields = ("account__account_no",)
    readonly_fields = [f.name for f in Bill._meta.fields]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("channel", "channel_txn_id", "account", "amount", "paid_at")
    search_fields = ("channel_txn_id", "account__account_no")
    readonly_fields = [f.name for f in Payment._meta.fields]
