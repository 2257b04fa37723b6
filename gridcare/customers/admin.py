"""The archive in the admin: feeders and 台区 are edited here; accounts and their history are
read-only (the account page's services keep the history, CUST-2)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model

from gridcare.core.admin import ReadOnlyAdmin
from gridcare.customers.models import Account, AccountEvent, Feeder, MeterExchange, TransformerArea


@admin.register(Feeder)
class FeederAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # django-stubs: the admin classes are generic in the stubs only (not subscriptable at runtime)
    list_display = ("code", "name", "unit")
    list_filter = ("unit",)


@admin.register(TransformerArea)
class TransformerAreaAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # django-stubs: the admin classes are generic in the stubs only (not subscriptable at runtime)
    list_display = ("code", "name", "feeder", "community_manager")
    search_fields = ("code", "name")
    raw_id_fields = ("community_manager",)


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ("account_no", "customer_class", "supply_unit", "status")
    list_filter = ("customer_class", "status", "supply_unit")
    search_fields = ("account_no",)
    # The holder's name is personal data: the account page shows it masked and unmasks with a reason.
    exclude = ("customer",)
    edit_page = "/customers/"

    def edit_url(self, obj: Model) -> str:
        return f"/customers/{getattr(obj, 'account_no', '')}/"


@admin.register(AccountEvent)
class AccountEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "account", "type", "actor")
    list_filter = ("type",)


@admin.register(MeterExchange)
class MeterExchangeAdmin(ReadOnlyAdmin):
    """换表 (issue 19): written by ``meter_exchange`` on the account's meter-exchange page."""

    list_display = ("account", "exchanged_on", "old_meter", "new_meter")
    search_fields = ("account__account_no",)
    edit_page = "/customers/"
