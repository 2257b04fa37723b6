"""Meter readings (BILL-2): monthly readings, their imports and exceptions, interval data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SplitSource(models.TextChoices):
    """Where a reading's peak/flat/valley split came from."""

    NONE = "", _("未分时")
    METER = "meter", _("电能表分时示数")
    INTERVAL = "interval", _("负荷曲线汇总")


class ReadingStatus(models.TextChoices):
    VALID = "valid", _("正常")
    HELD = "held", _("异常待处理")


class ReadingImport(models.Model):
    file_name = models.CharField(_("文件名"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10, default="monthly")
    rows = models.PositiveIntegerField(_("行数"), default=0)
    exceptions = models.PositiveIntegerField(_("异常数"), default=0)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Not stored: the import's late actual readings of billed estimated months, each raising a
    # correction request (services.late_readings), for the page's message.
    late_corrections: int = 0

    class Meta:
        verbose_name = _("抄表数据导入")
        verbose_name_plural = _("抄表数据导入")

    def __str__(self) -> str:
        return self.file_name


class Reading(models.Model):
    """A month's meter reading of an account, with the consumption worked out at import."""

    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="readings")
    period = models.CharField(_("账期"), max_length=7)
    read_on = models.DateField(_("抄表日期"))
    register = models.DecimalField(_("示数"), max_digits=14, decimal_places=2)
    kwh = models.DecimalField(_("电量(kWh)"), max_digits=14, decimal_places=2)
    kwh_peak = models.DecimalField(_("峰电量"), max_digits=14, decimal_places=2, default=0)
    kwh_flat = models.DecimalField(_("平电量"), max_digits=14, decimal_places=2, default=0)
    kwh_valley = models.DecimalField(_("谷电量"), max_digits=14, decimal_places=2, default=0)
    kvarh = models.DecimalField(_("无功电量(kvarh)"), max_digits=14, decimal_places=2, default=0)
    max_demand_kw = models.DecimalField(_("最大需量(kW)"), max_digits=14, decimal_places=2, default=0)
    status = models.CharField(_("状态"), max_length=10, choices=ReadingStatus.choices, default=ReadingStatus.VALID)
    batch = models.ForeignKey(ReadingImport, on_delete=models.PROTECT, null=True, related_name="readings")
    # A database default: the bill run's and the benchmark's bulk inserts do not name it.
    split_source = models.CharField(
        _("分时电量来源"), max_length=10, choices=SplitSource.choices, blank=True, default="", db_default=""
    )
    # 估抄: an estimated reading (no reading came in at the bill run), trued up by the account's
    # next actual reading (``trued_up_by``). That reading's ``kwh`` is its usage since the last
    # actual reading less the estimates it trues up (``true_up_kwh``), so it may be negative.
    estimated = models.BooleanField(_("估抄"), default=False, db_default=False)
    trued_up_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="trues_up", db_index=False
    )
    true_up_kwh = models.DecimalField(_("冲减估抄电量"), max_digits=14, decimal_places=2, default=0, db_default=0)
    # The meter exchange this reading bills across (换表电量: the old meter's part of ``kwh``).
    exchange = models.ForeignKey(
        "customers.MeterExchange", on_delete=models.PROTECT, null=True, blank=True, related_name="readings"
    )

    class Meta:
        verbose_name = _("抄表记录")
        verbose_name_plural = _("抄表记录")
        constraints = [
            models.UniqueConstraint(fields=["account", "period"], name="one_reading_per_account_period"),
            models.CheckConstraint(condition=Q(kwh__gte=0) | Q(true_up_kwh__gt=0), name="reading_kwh_not_negative"),
        ]
        indexes = [models.Index(fields=["period", "account"], name="reading_period_idx")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.period}"


class ExceptionKind(models.TextChoices):
    NEGATIVE = "negative", _("电量为负")
    ROLLOVER = "rollover", _("电能表翻转")
    SPIKE = "spike", _("电量突增")
    # Found when interval data are summed into the month's peak/flat/valley.
    GAP = "gap", _("负荷曲线缺数")
    OVERLAP = "overlap", _("负荷曲线时段重复")
    SPLIT = "split", _("峰谷电量超过总电量")


class ExceptionStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    ACCEPTED = "accepted", _("已确认")
    CORRECTED = "corrected", _("已更正")


class ReadingException(models.Model):
    reading = models.ForeignKey(Reading, on_delete=models.CASCADE, related_name="exceptions")
    kind = models.CharField(_("异常类型"), max_length=10, choices=ExceptionKind.choices)
    detail = models.JSONField(default=dict)
    status = models.CharField(_("状态"), max_length=10, choices=ExceptionStatus.choices, default=ExceptionStatus.OPEN)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("抄表异常")
        verbose_name_plural = _("抄表异常")

    def __str__(self) -> str:
        return f"{self.reading_id} {self.kind}"

    @property
    def problem(self) -> str:
        """The problem as a sentence (billing.rules.reading_problems)."""
        from gridcare.billing.rules.reading_problems import problem_text

        return problem_text(self.kind, self.detail or {}, str(self.get_kind_display()))


class IntervalReading(models.Model):
    """Interval (load-curve) data: kWh in the interval starting at ``starts_at``."""

    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="intervals")
    starts_at = models.DateTimeField(_("开始时间"))
    kwh = models.DecimalField(_("电量(kWh)"), max_digits=14, decimal_places=2)
    batch = models.ForeignKey(ReadingImport, on_delete=models.PROTECT, related_name="intervals")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "starts_at"], name="one_interval_per_start")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.starts_at}"
