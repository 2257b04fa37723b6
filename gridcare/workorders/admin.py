"""Read-mostly admin: orders and their history, and the triage overrides to export for retraining."""

from django.contrib import admin

from gridcare.workorders.models import Incident, NewConnection, StaffFinding, TriageOverride, WorkOrder


@admin.register(WorkOrder)
class WorkOrderAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("number", "type", "complaint_class", "status", "received_at", "supply_unit", "owner")
    list_filter = ("type", "status", "channel")
    search_fields = ("number", "text")
    raw_id_fields = ("account", "owner", "incident", "created_by")


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("merge_key", "state", "opened_at", "restored_at", "report_count")
    list_filter = ("state",)


@admin.register(TriageOverride)
class TriageOverrideAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("created_at", "suggested_type", "chosen_type", "suggested_class", "chosen_class", "confidence")
    list_filter = ("suggested_type", "chosen_type")
    search_fields = ("text",)


@admin.register(StaffFinding)
class StaffFindingAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("order", "staff", "consequence", "created_at")
    raw_id_fields = ("order", "staff", "recorded_by")


@admin.register(NewConnection)
class NewConnectionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("number", "applicant", "category", "stage", "due_at", "account_manager")
    list_filter = ("category", "stage")
