"""Notices in the admin: read-only. Messages are written with their cause and sent by the sender;
templates are saved as new versions at /notices/templates/ (checked there); outages are
registered, restored and called off at /notices/outages/ (each tells the customers)."""

from __future__ import annotations

from django.contrib import admin

from gridcare.core.admin import ReadOnlyAdmin
from gridcare.notices.models import Notice, NoticeTemplate, NoticeText, Outage, OutageEvent


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ("id", "template_code", "channel", "category", "status", "created_at", "sent_at")
    list_filter = ("status", "channel", "category")
    # Who it went to and what it said are the customer's: shown masked, or not at all.
    exclude = ("body", "variables", "text", "account")
    masked = ("recipient", "fallback_phone")


@admin.register(NoticeTemplate)
class NoticeTemplateAdmin(ReadOnlyAdmin):
    list_display = ("code", "version", "channel", "category", "active", "created_at")
    list_filter = ("active", "channel", "category")
    edit_page = "/notices/templates/"


@admin.register(Outage)
class OutageAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "status", "starts_at", "ends_at", "restored_at", "affected_accounts")
    list_filter = ("kind", "status")
    edit_page = "/notices/outages/"


admin.site.register([NoticeText, OutageEvent], ReadOnlyAdmin)
