"""Customer archive (CUST-2): customers, accounts (户号), meters, contacts, grid position."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridcare.core.models import Event
from gridcare.org.models import SupplyUnit


class CustomerClass(models.TextChoices):
    RESIDENTIAL = "residential", _("居民")
    COMMERCIAL = "commercial", _("一般工商业")
    LARGE_INDUSTRIAL = "large_industrial", _("大工业")
    AGRICULTURAL = "agricultural", _("农业")


class ImportanceGrade(models.TextChoices):
    NONE = "", _("普通")
    SPECIAL = "special", _("特级重要")
    FIRST = "first", _("一级重要")
    SECOND = "second", _("二级重要")
    TEMPORARY = "temporary", _("临时重要")


class AccountStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    SUSPENDED = "suspended", pgettext_lazy("account status", "暂停")  # supply suspended (暂停用电)
    # A closure whose final bill left debt (issue 19): no longer billed, closed once settled.
    SETTLING = "settling", _("待结清")
    CLOSED = "closed", _("销户")


class Feeder(models.Model):
    """线路: a medium-voltage feeder of a supply unit."""

    unit = models.ForeignKey(SupplyUnit, on_delete=models.PROTECT, related_name="feeders")
    code = models.CharField(_("线路编码"), max_length=30, unique=True)
    name = models.CharField(_("线路名称"), max_length=100)

    class Meta:
        verbose_name = _("线路")
        verbose_name_plural = _("线路")

    def __str__(self) -> str:
        return self.name


class TransformerArea(models.Model):
    """台区: the low-voltage area behind one distribution transformer."""

    feeder = models.ForeignKey(Feeder, on_delete=models.PROTECT, related_name="areas")
    code = models.CharField(_("台区编码"), max_length=30, unique=True)
    name = models.CharField(_("台区名称"), max_length=100)
    community_manager = models.ForeignKey(
        "org.Staff", on_delete=models.SET_NULL, null=True, blank=True, related_name="areas"
    )
    # Where the 台区 is (its transformer, WGS-84 degrees), for the outlet-network studies (PLAN-3).
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        verbose_name = _("台区")
        verbose_name_plural = _("台区")

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    name = models.CharField(_("客户名称"), max_length=100, db_index=True)
    id_number = models.CharField(_("证件号码"), max_length=18, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("客户")
        verbose_name_plural = _("客户")

    def __str__(self) -> str:
        return self.name


class Account(models.Model):
    account_no = models.CharField(_("户号"), max_length=10, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="accounts")
    customer_class = models.CharField(_("用电类别"), max_length=20, choices=CustomerClass.choices)
    address = models.CharField(_("用电地址"), max_length=200)
    supply_unit = models.ForeignKey(SupplyUnit, on_delete=models.PROTECT, related_name="accounts")
    hall = models.ForeignKey("org.Hall", on_delete=models.SET_NULL, null=True, blank=True, related_name="accounts")
    transformer_area = models.ForeignKey(
        TransformerArea, on_delete=models.PROTECT, null=True, blank=True, related_name="accounts"
    )
    tariff_code = models.CharField(_("电价代码"), max_length=30, blank=True)
    contract_capacity_kva = models.DecimalField(_("合同容量(kVA)"), max_digits=10, decimal_places=1, default=0)
    importance_grade = models.CharField(
        _("重要等级"), max_length=10, choices=ImportanceGrade.choices, blank=True, default=""
    )
    key_account_manager = models.ForeignKey(
        "org.Staff", on_delete=models.SET_NULL, null=True, blank=True, related_name="key_accounts"
    )
    status = models.CharField(_("状态"), max_length=10, choices=AccountStatus.choices, default=AccountStatus.ACTIVE)
    opened_on = models.DateField(_("立户日期"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("用电户")
        verbose_name_plural = _("用电户")
        constraints = [
            models.CheckConstraint(condition=Q(contract_capacity_kva__gte=0), name="capacity_not_negative"),
        ]
        indexes = [models.Index(fields=["supply_unit", "status"])]

    def __str__(self) -> str:
        return self.account_no


class Meter(models.Model):
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="meters")
    meter_no = models.CharField(_("表号"), max_length=30, unique=True)
    multiplier = models.PositiveIntegerField(_("倍率"), default=1)
    phases = models.PositiveSmallIntegerField(_("相数"), default=1)
    time_of_use = models.BooleanField(_("分时计量"), default=False)
    installed_on = models.DateField(_("装表日期"))
    removed_on = models.DateField(_("拆表日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("电能表")
        verbose_name_plural = _("电能表")

    def __str__(self) -> str:
        return self.meter_no


class MeterExchange(models.Model):
    """换表: the old meter's removal reading and the new one's installation reading on one day.
    The next actual reading bills (removal − last reading) × old multiplier + (current −
    installation) × new multiplier (billing.rules.meter_exchange); ``old_kwh`` is the first part."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="meter_exchanges")
    old_meter = models.ForeignKey(Meter, on_delete=models.PROTECT, related_name="+")
    new_meter = models.ForeignKey(Meter, on_delete=models.PROTECT, related_name="+")
    exchanged_on = models.DateField(_("换表日期"))
    last_register = models.DecimalField(_("上次抄表示数"), max_digits=14, decimal_places=2)
    removal_register = models.DecimalField(_("拆表示数"), max_digits=14, decimal_places=2)
    old_multiplier = models.PositiveIntegerField(_("旧表倍率"))
    installation_register = models.DecimalField(_("装表示数"), max_digits=14, decimal_places=2)
    new_multiplier = models.PositiveIntegerField(_("新表倍率"))
    # The old meter's usage since the last reading (kWh, multiplied), its peak and valley shares
    # for a time-of-use meter.
    old_kwh = models.DecimalField(_("旧表电量"), max_digits=14, decimal_places=2)
    old_kwh_peak = models.DecimalField(_("旧表峰电量"), max_digits=14, decimal_places=2, default=0)
    old_kwh_valley = models.DecimalField(_("旧表谷电量"), max_digits=14, decimal_places=2, default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("换表记录")
        verbose_name_plural = _("换表记录")
        ordering = ["-exchanged_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "exchanged_on"], name="one_meter_exchange_per_account_day"),
            models.CheckConstraint(condition=Q(old_kwh__gte=0), name="meter_exchange_old_kwh_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.exchanged_on}"


class ContactStatus(models.TextChoices):
    VALID = "valid", _("有效")
    FAILED = "failed", _("发送失败")


class Contact(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, db_index=True)
    is_primary = models.BooleanField(_("主联系人"), default=True)
    status = models.CharField(_("号码状态"), max_length=10, choices=ContactStatus.choices, default=ContactStatus.VALID)
    delivery_failures = models.PositiveIntegerField(_("连续发送失败次数"), default=0)
    opted_out = models.BooleanField(_("退订提醒类消息"), default=False)
    # The customer's own choices (the portal's 消息设置, SELF-2): the channel of each kind of
    # message that may be opted out of ({category: "sms" | "wechat" | "email"}; a kind not named
    # goes the house's way), and the e-mail address for e-invoices (and messages chosen by e-mail).
    # Database defaults too: the demo city's and the benchmarks' bulk inserts do not name them.
    channels = models.JSONField(_("消息接收渠道"), default=dict, blank=True, db_default={})
    invoice_email = models.CharField(_("电子发票邮箱"), max_length=254, blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("联系方式")
        verbose_name_plural = _("联系方式")

    def __str__(self) -> str:
        return self.name or self.phone


class AccountEvent(Event):
    """Append-only history of an account: changes, and every unmasking of personal data."""

    class Type(models.TextChoices):
        OPENED = "opened", _("立户")
        TRANSFERRED = "transferred", _("过户")
        RENAMED = "renamed", _("更名")
        TARIFF_CHANGED = "tariff_changed", _("改类")
        SUSPENDED = "suspended", pgettext_lazy("account status", "暂停")
        RESUMED = "resumed", _("恢复")
        CLOSED = "closed", _("销户")
        SETTLING = "settling", _("销户待结清")
        CONTACT_CHANGED = "contact_changed", _("联系方式变更")
        UNMASKED = "unmasked", _("查看完整个人信息")
        EXPORTED = "exported", _("导出")
        # The customer's own message settings (the portal, an SMS reply TD).
        MESSAGE_CHANNEL = "message_channel", _("消息接收渠道变更")
        OPTED_OUT = "opted_out", _("退订提醒类消息")
        OPTED_IN = "opted_in", _("恢复接收提醒类消息")
        INVOICE_EMAIL = "invoice_email", _("电子发票邮箱变更")
        # Who manages the account (大客户经理), changed on 客户经理分配 (gridcare.keyaccounts).
        MANAGER_CHANGED = "manager_changed", _("客户经理变更")
        METER_EXCHANGED = "meter_exchanged", _("换表")

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(max_length=30, choices=Type.choices)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("户务记录")
        verbose_name_plural = _("户务记录")

    def __str__(self) -> str:
        return f"{self.account_id} {self.type}"


class UnmaskReason(models.TextChoices):
    """Why a full phone or ID number is looked at (CUST-4); the free text says more."""

    IDENTITY_CHECK = "identity_check", _("办理业务核实身份")
    CALLER_CHECK = "caller_check", _("客户来电核实")
    ARREARS_CONTACT = "arrears_contact", _("欠费催缴联系")
    OUTAGE_CONTACT = "outage_contact", _("停电通知联系")
    WORK_ORDER_CALLBACK = "work_order_callback", _("工单回访")
    OTHER = "other", _("其他")


class UnmaskOutcome(models.TextChoices):
    SHOWN = "shown", _("已显示")
    REFUSED = "refused", _("已拒绝")


UNMASK_REASON_MAX_CHARS = 200


class UnmaskAudit(models.Model):
    """Every attempt to see an account holder's full phone and ID number: shown, or refused over
    the limits (the refusal is audited too). The limits count the ``shown`` rows of one person.

    ``actor_unit`` is the person's supply unit when they looked (empty for company-wide posts),
    ``account_unit`` the account's: a supervisor sees the rows of either kind for their unit."""

    class Refusal(models.TextChoices):
        HOUR = "hour", _("超出每小时次数")
        DAY = "day", _("超出每日次数")

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    post = models.CharField(_("岗位"), max_length=30, blank=True)
    actor_unit = models.ForeignKey(
        SupplyUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("经办人单位")
    )
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="unmask_audits")
    account_unit = models.ForeignKey(
        SupplyUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("户号所属单位")
    )
    reason_code = models.CharField(_("查看原因"), max_length=30, choices=UnmaskReason.choices)
    reason_text = models.CharField(_("原因说明"), max_length=UNMASK_REASON_MAX_CHARS)
    outcome = models.CharField(_("结果"), max_length=10, choices=UnmaskOutcome.choices)
    refusal = models.CharField(_("拒绝原因"), max_length=10, choices=Refusal.choices, blank=True, default="")
    # A default rather than auto_now_add, so a test can write rows of earlier hours.
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("查看完整信息记录")
        verbose_name_plural = _("查看完整信息记录")
        indexes = [
            models.Index(fields=["actor", "outcome", "created_at"], name="unmask_actor_limits_idx"),
            models.Index(fields=["account_unit", "created_at"], name="unmask_account_unit_idx"),
            models.Index(fields=["actor_unit", "created_at"], name="unmask_actor_unit_idx"),
            models.Index(fields=["created_at"], name="unmask_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.account_id} {self.outcome}"


class UnmaskAlert(models.Model):
    """A burst of unmaskings by one person, for their unit's supervisors (shown on the audit page
    and as a badge on its home tile). One row per burst: while the burst goes on, the same row
    counts on."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The person's unit; for a company-wide post (95598 agent) the unit of the account that
    # completed the burst.
    unit = models.ForeignKey(SupplyUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("单位"))
    first_at = models.DateTimeField(_("首次查看"))
    last_at = models.DateTimeField(_("最近查看"))
    count = models.PositiveIntegerField(_("次数"))
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("频繁查看提醒")
        verbose_name_plural = _("频繁查看提醒")
        indexes = [
            models.Index(fields=["unit", "acknowledged_at"], name="unmask_alert_unit_idx"),
            models.Index(fields=["actor", "last_at"], name="unmask_alert_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} ×{self.count}"


class Sequence(models.Model):
    """Named counters handed out under a row lock (account serials)."""

    name = models.CharField(max_length=50, unique=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class ArchiveIssue(models.Model):
    """A worklist row from the archive-quality check (CUST-3)."""

    class Kind(models.TextChoices):
        MISSING_PHONE = "missing_phone", _("缺少手机号码")
        INVALID_PHONE = "invalid_phone", _("手机号码格式错误")
        FAILED_PHONE = "failed_phone", _("手机号码多次发送失败")
        INVALID_ID = "invalid_id", _("身份证号码无效")
        MISSING_ID = "missing_id", _("缺少证件号码")
        MISSING_GRID = "missing_grid", _("缺少台区信息")
        MISSING_ADDRESS = "missing_address", _("用电地址不完整")

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="archive_issues")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    found_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "kind"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_issue_per_kind",
            )
        ]
        verbose_name = _("档案问题")
        verbose_name_plural = _("档案问题")

    def __str__(self) -> str:
        return f"{self.account_id} {self.kind}"
