from django.contrib import admin

from gridcare.customers.models import Account, AccountEvent, Feeder, TransformerArea


@admin.register(Feeder)
class FeederAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "unit")
    list_filter = ("unit",)


@admin.register(TransformerArea)
class TransformerAreaAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "feeder", "community_manager")
    search_fields = ("code", "name")
    raw_id_fields = ("community_manager",)


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-mostly: account changes go through the counter pages so they keep their history."""

    list_display = ("account_no", "customer", "customer_class", "supply_unit", "status")
    list_filter = ("customer_class", "status", "supply_unit")
    search_fields = ("account_no",)
    show_full_result_count = False
    raw_id_fields = ("customer", "transformer_area", "key_account_manager", "hall")
    readonly_fields = ("account_no", "customer", "status")


@admin.register(AccountEvent)
class AccountEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("created_at", "account", "type", "actor")
    list_filter = ("type",)
    raw_id_fields = ("account", "actor")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
