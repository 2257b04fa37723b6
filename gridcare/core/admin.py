"""What the Django admin may do (docs/ARCHITECTURE.md, "What the admin may change").

Money rows, runs, histories, audits and every row whose changes go through a service are shown
read-only (``ReadOnlyAdmin``, ``ReadOnlyInline``): no add, change or delete, no bulk delete, so
nothing typed into the admin skips a service's checks, event rows or outbox. Administrators may
still look. The few models the admin edits are listed in ``EDITABLE`` with the reason; the test
gridcare/core/tests/test_admin_read_only.py fails when a registered model is in neither.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gridcare.core.models import CalendarChange, CalendarYear
from gridcare.customers.rules import mask_phone

# Model label → why the admin may change it and what keeps the rules (a service it calls, or
# the fields left read-only because a page's service owns them).
EDITABLE: dict[str, str] = {
    "auth.User": "people and passwords; deactivating revokes the API tokens (org.services)",
    "auth.Group": "Django's permission groups; no domain rule",
    "org.Company": "organisation reference data; no service",
    "org.SupplyUnit": "organisation reference data; no service",
    "org.Hall": "name, code and unit; the opening hours are the hall set-up page's (read-only here)",
    "org.Staff": "posts; taking one off duty revokes the API tokens (org.services)",
    "customers.Feeder": "grid reference data; no service",
    "customers.TransformerArea": "grid reference data; no service",
    "billing.Tariff": "added through billing tariff_create (validated, ends the previous version); never changed or deleted",
    "halls.Terminal": "registered through halls.services.terminal_register; the status is the terminals page's",
}


class _NoWrites:
    """No add, change or delete for anybody; viewing stays with Django's view permission."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(_NoWrites, admin.ModelAdmin):  # type: ignore[type-arg]  # django-stubs: the admin classes are generic in the stubs only (not subscriptable at runtime)
    """A model the admin shows and never writes. ``edit_page`` names the page whose service
    changes it (shown on the list and on each row); the fields in ``masked`` (phones) are shown
    masked, as everywhere else (CUST-4)."""

    edit_page: str = ""
    masked: tuple[str, ...] = ()
    show_full_result_count = False  # histories grow to millions of rows

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_exclude(self, request: HttpRequest, obj: Model | None = None) -> Any:
        return (*(super().get_exclude(request, obj) or ()), *self.masked)

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        link = ("where_to_change",) if self.edit_page else ()
        shown = ("masked_values",) if self.masked else ()
        return (*link, *super().get_readonly_fields(request, obj), *shown)

    def edit_url(self, obj: Model) -> str:
        """The page that changes ``obj`` (``edit_page`` unless a model's admin knows better)."""
        return self.edit_page

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        context = dict(extra_context or {})
        if self.edit_page:
            context.setdefault("subtitle", gettext("只读。修改请到：%(page)s") % {"page": self.edit_page})
        return super().changelist_view(request, extra_context=context)

    @admin.display(description=_("修改请到"))
    def where_to_change(self, obj: Model) -> SafeString:
        url = self.edit_url(obj)
        return format_html('<a href="{}">{}</a>', url, url)

    @admin.display(description=_("联系方式（已隐藏）"))
    def masked_values(self, obj: Model) -> str:
        return " / ".join(mask_phone(str(getattr(obj, name) or "")) for name in self.masked)


class ReadOnlyInline(_NoWrites, admin.TabularInline):  # type: ignore[type-arg]  # django-stubs: the admin classes are generic in the stubs only (not subscriptable at runtime)
    """Rows shown inside a read-only parent."""

    extra = 0
    can_delete = False


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    """Saving a year recomputes the provisional deadlines: it is edited at /calendar/ only."""

    list_display = ("year", "source")
    edit_page = "/calendar/"


admin.site.register(CalendarChange, ReadOnlyAdmin)
