from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.http import HttpRequest

from gridcare.org import services
from gridcare.org.models import AuthEvent, Company, Counter, Hall, Staff, SupplyUnit

admin.site.site_header = "供电客户服务平台 管理后台"
admin.site.site_title = "gridcare"


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name")


@admin.register(SupplyUnit)
class SupplyUnitAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "company", "area_type")
    list_filter = ("company", "area_type")


class CounterInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Counter
    extra = 0


@admin.register(Hall)
class HallAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "unit", "opens_at", "closes_at")
    list_filter = ("unit",)
    inlines = [CounterInline]


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("employee_no", "name", "role", "company", "unit", "hall", "active")
    list_filter = ("role", "unit", "active")
    search_fields = ("employee_no", "name", "user__username")
    raw_id_fields = ("user",)

    def save_model(self, request: HttpRequest, obj: Staff, form: Any, change: bool) -> None:
        """Taking a post off duty revokes the person's API tokens."""
        was_active = change and Staff.objects.filter(pk=obj.pk, active=True).exists()
        super().save_model(request, obj, form, change)
        _revoke_if_deactivated(request, obj.user, was_active, obj.active)


def _revoke_if_deactivated(request: HttpRequest, user: User, was_active: bool, now_active: bool) -> None:
    if was_active and not now_active:
        services.tokens_revoke_for_user(user=user, actor=request.user, reason="deactivated")


class GridcareUserAdmin(UserAdmin):  # type: ignore[type-arg]
    """Django's user admin; deactivating a user revokes their API tokens (SEC-1)."""

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        was_active = change and User.objects.filter(pk=obj.pk, is_active=True).exists()
        super().save_model(request, obj, form, change)
        _revoke_if_deactivated(request, obj, was_active, obj.is_active)


admin.site.unregister(User)
admin.site.register(User, GridcareUserAdmin)


@admin.register(AuthEvent)
class AuthEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: the audit is append-only."""

    list_display = ("created_at", "type", "username", "ip_address", "actor")
    list_filter = ("type",)
    search_fields = ("username", "ip_address")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
