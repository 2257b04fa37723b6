from django.contrib import admin

from gridcare.org.models import Company, Counter, Hall, Staff, SupplyUnit

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
