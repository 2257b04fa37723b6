"""E-invoices in the admin: read-only. The worker issues and red-letters them, titles are set on
the account's title page (``title_set``: the tax number checked, a failed invoice queued again)."""

from __future__ import annotations

from django.contrib import admin

from gridcare.core.admin import ReadOnlyAdmin
from gridcare.invoicing.models import Invoice, InvoiceEvent, InvoiceTitle, TitleEvent


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ("number", "kind", "source", "account", "gross", "status", "issued_at")
    list_filter = ("kind", "status", "source")
    search_fields = ("number", "account__account_no")
    exclude = ("email",)  # personal data: the invoice page shows it masked
    edit_page = "/invoices/"


@admin.register(InvoiceTitle)
class InvoiceTitleAdmin(ReadOnlyAdmin):
    list_display = ("account", "kind", "name", "bill_invoices", "updated_at")
    search_fields = ("account__account_no",)
    exclude = ("email",)
    edit_page = "/invoices/"


admin.site.register([InvoiceEvent, TitleEvent], ReadOnlyAdmin)
