"""The hall queue in the admin. Terminals are registered here (HALL-7) through
``terminal_register``; their status, the business types, counters' set-up and the queue policy
are changed on the hall's pages, whose services check them, so the admin only shows them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from gridcare.core.admin import ReadOnlyAdmin
from gridcare.halls.models import (
    Appointment,
    AppointmentEvent,
    BusinessType,
    CounterSetup,
    Diversion,
    Evaluation,
    HallDevice,
    HallDeviceEvent,
    HallPolicy,
    MaintenanceTask,
    Terminal,
    TerminalEvent,
    Ticket,
    TicketEvent,
)
from gridcare.halls.services.terminals import terminal_register


class HallPageAdmin(ReadOnlyAdmin):
    """Changed on the hall's set-up page (``hall`` is the model's hall)."""

    edit_page = "/halls/"
    setup_page = "setup"

    def edit_url(self, obj: Model) -> str:
        hall = getattr(obj, "hall", None) or getattr(getattr(obj, "counter", None), "hall", None)
        return f"/halls/{hall.code}/{self.setup_page}/" if hall is not None else self.edit_page


@admin.register(Terminal)
class TerminalAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # django-stubs: the admin classes are generic in the stubs only (not subscriptable at runtime)
    list_display = ("code", "name", "kind", "hall", "status", "usage_count")
    list_filter = ("kind", "status", "hall")
    search_fields = ("code", "name")
    actions = None

    def get_readonly_fields(self, request: HttpRequest, obj: Terminal | None = None) -> Any:
        # The status moves on the terminals page (an event each); the code, kind and hall stay.
        fixed = ("status", "status_changed_at", "usage_count")
        return (*fixed, "code", "kind", "hall") if obj is not None else fixed

    def has_delete_permission(self, request: HttpRequest, obj: Terminal | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Terminal, form: Any, change: bool) -> None:
        if change:
            obj.save(update_fields=["name"])
            return
        registered = terminal_register(hall=obj.hall, code=obj.code, kind=obj.kind, name=obj.name)
        obj.pk = registered.pk


@admin.register(BusinessType)
class BusinessTypeAdmin(HallPageAdmin):
    list_display = ("hall", "prefix", "name", "kind", "expected_minutes", "active")
    list_filter = ("hall", "kind")


@admin.register(CounterSetup)
class CounterSetupAdmin(HallPageAdmin):
    list_display = ("counter", "status", "clerk")


@admin.register(HallPolicy)
class HallPolicyAdmin(HallPageAdmin):
    list_display = ("hall", "ageing_minutes", "max_recalls", "near_ahead")


@admin.register(HallDevice)
class HallDeviceAdmin(HallPageAdmin):
    list_display = ("hall", "kind", "name", "counter")
    exclude = ("credential_digest", "pairing_digest")
    setup_page = "devices"


@admin.register(MaintenanceTask)
class MaintenanceTaskAdmin(ReadOnlyAdmin):
    list_display = ("terminal", "description", "status", "created_at", "resolved_at")
    list_filter = ("status",)


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    list_display = ("reference", "hall", "business_type", "day", "starts_at", "status", "ticket")
    list_filter = ("status", "hall", "day")
    search_fields = ("reference",)
    masked = ("phone",)


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ("number", "hall", "day", "status", "priority")
    list_filter = ("status", "hall")
    masked = ("phone",)


admin.site.register(
    [TicketEvent, Evaluation, TerminalEvent, Diversion, AppointmentEvent, HallDeviceEvent], ReadOnlyAdmin
)
