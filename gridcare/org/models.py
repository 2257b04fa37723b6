"""The organisation tree (CUST-1): company → supply unit → service hall → counter, and staff."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridcare.core.models import Event


class AreaType(models.TextChoices):
    URBAN = "urban", _("城市")
    RURAL = "rural", _("农村")
    REMOTE = "remote", _("边远")


class Company(models.Model):
    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)

    class Meta:
        verbose_name = _("供电公司")
        verbose_name_plural = _("供电公司")

    def __str__(self) -> str:
        return self.name


class SupplyUnit(models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="units")
    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    area_type = models.CharField(_("区域类型"), max_length=10, choices=AreaType.choices, default=AreaType.URBAN)

    class Meta:
        verbose_name = _("供电单位")
        verbose_name_plural = _("供电单位")

    def __str__(self) -> str:
        return self.name


class Hall(models.Model):
    unit = models.ForeignKey(SupplyUnit, on_delete=models.PROTECT, related_name="halls")
    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    opens_at = models.TimeField(_("开门时间"), default=time(8, 30))
    closes_at = models.TimeField(_("关门时间"), default=time(17, 30))
    # Where the hall is (WGS-84 degrees), for the outlet-network studies (PLAN-3); None: not placed yet.
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        verbose_name = _("营业厅")
        verbose_name_plural = _("营业厅")

    def __str__(self) -> str:
        return self.name


class Counter(models.Model):
    hall = models.ForeignKey(Hall, on_delete=models.PROTECT, related_name="counters")
    number = models.PositiveSmallIntegerField(_("窗口号"))
    name = models.CharField(_("名称"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("窗口")
        verbose_name_plural = _("窗口")
        constraints = [models.UniqueConstraint(fields=["hall", "number"], name="counter_number_unique_in_hall")]
        ordering = ["hall_id", "number"]

    def __str__(self) -> str:
        return f"{self.hall.name} {self.number}号窗口"


class Role(models.TextChoices):
    COUNTER_CLERK = "counter_clerk", _("营业员")
    HALL_GUIDE = "hall_guide", _("引领员")
    HALL_MANAGER = "hall_manager", _("营业厅经理")
    AGENT_95598 = "agent_95598", _("95598坐席")
    KEY_ACCOUNT_MANAGER = "key_account_manager", _("大客户经理")
    COMMUNITY_MANAGER = "community_manager", _("社区经理")
    SUPERVISOR = "supervisor", _("监察考核员")
    PLANNER = "planner", _("规划员")
    BILLING_CLERK = "billing_clerk", _("电费核算员")
    ADMINISTRATOR = "administrator", _("系统管理员")


HALL_ROLES = frozenset({Role.COUNTER_CLERK, Role.HALL_GUIDE, Role.HALL_MANAGER})


class Staff(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff")
    employee_no = models.CharField(_("工号"), max_length=20, unique=True)
    name = models.CharField(_("姓名"), max_length=50)
    role = models.CharField(_("岗位"), max_length=30, choices=Role.choices)
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="staff")
    # Empty unit: the person works for the whole company (e.g. the 95598 centre).
    unit = models.ForeignKey(SupplyUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="staff")
    hall = models.ForeignKey(Hall, on_delete=models.PROTECT, null=True, blank=True, related_name="staff")
    active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        verbose_name = _("员工")
        verbose_name_plural = _("员工")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=sorted(r.value for r in HALL_ROLES)) | Q(hall__isnull=False),
                name="hall_roles_have_a_hall",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_role_display()}）"


class AuthEvent(Event):
    """Append-only audit of sign-in security (SEC-1), kept GRIDCARE_AUTH["AUDIT_KEEP_DAYS"].
    Sign-ins and failed sign-ins themselves are axes' AccessLog and AccessFailureLog."""

    class Type(models.TextChoices):
        ACCOUNT_LOCKED = "account_locked", _("账号锁定")
        ADDRESS_THROTTLED = "address_throttled", _("地址暂停登录")
        UNLOCKED = "unlocked", _("解除锁定")
        TOKEN_REVOKED = "token_revoked", _("吊销接口令牌")
        PASSWORD_CHANGED = "password_changed", _("设置密码")
        SIGNED_OUT_IDLE = "signed_out_idle", _("空闲超时退出")

    type = models.CharField(_("类型"), max_length=30, choices=Type.choices)
    # Whom it concerns, by name too: the row outlives a deleted user.
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Unlike the other histories, the security audit outlives the people it names.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ip_address = models.GenericIPAddressField(_("地址"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("账号安全记录")
        verbose_name_plural = _("账号安全记录")

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.username} {self.created_at:%Y-%m-%d %H:%M}"


class PasswordAge(models.Model):
    """When a user's password was last set (staff must change it every
    GRIDCARE_AUTH["PASSWORD_MAX_AGE_DAYS"] days)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="password_age"
    )
    set_at = models.DateTimeField(_("设置时间"))

    class Meta:
        verbose_name = _("密码设置时间")
        verbose_name_plural = _("密码设置时间")

    def __str__(self) -> str:
        return f"{self.user} {self.set_at:%Y-%m-%d}"


CREW_NAME_MAX = 50
CREW_LEADER_MAX = 50


class Crew(models.Model):
    """A repair crew (抢修班组) of a supply unit: a work order is dispatched to one of the target
    unit's active crews, by name (the order keeps the name). Maintained on 抢修班组 (/crews/) through
    ``org.services``; a crew is never deleted, only taken off the list (``active``)."""

    unit = models.ForeignKey(SupplyUnit, on_delete=models.PROTECT, related_name="crews", verbose_name=_("供电单位"))
    name = models.CharField(_("班组名称"), max_length=CREW_NAME_MAX)
    leader = models.CharField(_("班组长"), max_length=CREW_LEADER_MAX, blank=True)
    active = models.BooleanField(_("在用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("抢修班组")
        verbose_name_plural = _("抢修班组")
        ordering = ["unit__code", "name"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="crew_name_unique_in_unit")]

    def __str__(self) -> str:
        return f"{self.unit.name} · {self.name}"


class CrewEvent(Event):
    """The history of a crew: created, renamed (or its leader changed), deactivated, reactivated."""

    class Type(models.TextChoices):
        CREATED = "created", _("新建班组")
        RENAMED = "renamed", _("修改班组")
        DEACTIVATED = "deactivated", _("停用班组")
        REACTIVATED = "reactivated", _("恢复班组")

    type = models.CharField(_("类型"), max_length=30, choices=Type.choices)
    crew = models.ForeignKey(Crew, on_delete=models.PROTECT, related_name="events")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("班组变更记录")
        verbose_name_plural = _("班组变更记录")

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.crew_id} {self.created_at:%Y-%m-%d %H:%M}"
