from typing import Any

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.http import HttpRequest

from gridcare.core.admin import ReadOnlyAdmin
from gridcare.org import services
from gridcare.org.models import AuthEvent, Company, Counter, Hall, Staff, SupplyUnit

admin.site.site_header = "供电客户服务平台 管理后台"
admin.site.site_title = "gridcare"


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # django-stubs: the admin classes are generic in the stubs only (not subscriptable at runtime)
    list_display = ("code", "name")


@admin.register(SupplyUnit)
class SupplyUnitAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # django-stubs: the admin classes are generic in the stubs only (not subscriptable at runtime)
    list_display = ("code", "name", "company", "area_type")
    list_filter = ("company", "area_type")


class CounterInline(admin.TabularInline):  # type: ignore[type-arg]  # django-stubs: the admin classes are generic in the stubs only (not subscriptable at runtime)
    model = Counter
    extra = 0


@admin.register(Hall)
class HallAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # django-stubs: the admin classes are generic in the stubs only (not subscriptable at runtime)
    list_display = ("code", "name", "unit", "opens_at", "closes_at")
    list_filter = ("unit",)
    inlines = [CounterInline]
    # Opening hours are set on the hall's set-up page, whose service checks them (HALL-1).
    readonly_fields = ("opens_at", "closes_at")


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # django-stubs: the admin classes are generic in the stubs only (not subscriptable at runtime)
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


class GridcareUserAdmin(UserAdmin):  # type: ignore[type-arg]  # django-stubs: the admin classes are generic in the stubs only (not subscriptable at runtime)
    """Django's user admin; deactivating a user revokes their API tokens (SEC-1)."""

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        was_active = change and User.objects.filter(pk=obj.pk, is_active=True).exists()
        super().save_model(request, obj, form, change)
        _revoke_if_deactivated(request, obj, was_active, obj.is_active)


admin.site.unregister(User)
admin.site.register(User, GridcareUserAdmin)


@admin.register(AuthEvent)
class AuthEventAdmin(ReadOnlyAdmin):
    """The security audit is append-only; it is also at /security/events/."""

    list_display = ("created_at", "type", "username", "ip_address", "actor")
    list_filter = ("type",)
    search_fields = ("username", "ip_address")
    edit_page = "/security/events/"


# axes' own admin deletes attempts, which unlocks an account without the audited unlock of
# 账号安全 (/security/): its sign-in records are shown read-only instead.
class AccessAttemptAdmin(ReadOnlyAdmin, axes_admin.AccessAttemptAdmin):
    actions = ()
    edit_page = "/security/"


class AccessLogAdmin(ReadOnlyAdmin, axes_admin.AccessLogAdmin):
    pass


class AccessFailureLogAdmin(ReadOnlyAdmin, axes_admin.AccessFailureLogAdmin):
    pass


for _model, _admin in (
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin)
