"""Back-office registry of the hall queue: terminals are registered here (HALL-7)."""

from __future__ import annotations

from django.contrib import admin

from gridcare.halls.models import Appointment, BusinessType, CounterSetup, HallPolicy, MaintenanceTask, Terminal


@admin.register(Terminal)
class TerminalAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "kind", "hall", "status", "usage_count")
    list_filter = ("kind", "status", "hall")
    search_fields = ("code", "name")
    readonly_fields = ("usage_count", "status_changed_at")


@admin.register(BusinessType)
class BusinessTypeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("hall", "prefix", "name", "kind", "expected_minutes", "active")
    list_filter = ("hall", "kind")


@admin.register(CounterSetup)
class CounterSetupAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("counter", "status", "clerk")
    filter_horizontal = ("business_types",)


admin.site.register(HallPolicy)


@admin.register(MaintenanceTask)
class MaintenanceTaskAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("terminal", "description", "status", "created_at", "resolved_at")
    list_filter = ("status",)


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("reference", "hall", "business_type", "day", "starts_at", "status", "ticket")
    list_filter = ("status", "hall", "day")
    search_fields = ("reference",)
    readonly_fields = ("reference", "ticket", "created_at", "checked_in_at")
