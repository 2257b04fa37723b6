"""Work orders in the admin: read-only. Every step of an order or application is a service with
its event row (the order page, /workorders/connections/, the API); the triage overrides are kept
here to export for retraining."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from gridcare.core.admin import ReadOnlyAdmin
from gridcare.workorders import selectors
from gridcare.workorders.models import (
    CallBack,
    ConnectionEvent,
    ConnectionStep,
    Deadline,
    Incident,
    NewConnection,
    OrderEvent,
    OrderRating,
    StaffFinding,
    TriageOverride,
    WorkOrder,
)


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyAdmin):
    list_display = ("number", "type", "complaint_class", "status", "received_at", "supply_unit", "owner")
    list_filter = ("type", "status", "channel")
    search_fields = ("number", "text")
    masked = ("phone",)
    edit_page = "/workorders/"


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = ("merge_key", "state", "opened_at", "restored_at", "report_count")
    list_filter = ("state",)


@admin.register(TriageOverride)
class TriageOverrideAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "suggested_type", "chosen_type", "suggested_class", "chosen_class", "confidence")
    list_filter = ("suggested_type", "chosen_type")
    search_fields = ("text",)


@admin.register(StaffFinding)
class StaffFindingAdmin(ReadOnlyAdmin):
    list_display = ("order", "staff", "consequence", "created_at")


@admin.register(NewConnection)
class NewConnectionAdmin(ReadOnlyAdmin):
    list_display = ("number", "applicant", "category", "stage", "due_at", "account_manager")
    list_filter = ("category", "stage")
    masked = ("phone",)
    exclude = ("capacity_kva",)
    readonly_fields = ("capacity",)
    edit_page = "/workorders/connections/"

    @admin.display(description=_("申请容量(kVA)"))
    def capacity(self, obj: NewConnection) -> str:
        return selectors.connection_capacity_text(obj)


admin.site.register([Deadline, OrderEvent, CallBack, OrderRating, ConnectionStep, ConnectionEvent], ReadOnlyAdmin)
