"""Tariffs (BILL-1): tariff versions of a province and their TOU time bands."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TariffKind(models.TextChoices):
    TIERED = "tiered", _("居民阶梯电价")
    TOU = "tou", _("峰谷分时电价")
    FLAT = "flat", _("单一电价")
    TWO_PART = "two_part", _("两部制电价")


class TierPeriod(models.TextChoices):
    NONE = "", _("不分档")
    MONTHLY = "monthly", _("按月")
    YEARLY = "yearly", _("按年")


class DemandBasis(models.TextChoices):
    CAPACITY = "capacity", _("按容量")
    DEMAND = "demand", _("按最大需量")


class Tariff(models.Model):
    """One tariff version of a province; accounts name it by ``code`` (Account.tariff_code)."""

    code = models.CharField(_("电价代码"), max_length=30)
    province = models.CharField(_("省份"), max_length=10)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("电价类型"), max_length=10, choices=TariffKind.choices)
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    price = models.DecimalField(_("电度电价(一档/平段)"), max_digits=10, decimal_places=4)
    tier_period = models.CharField(_("阶梯周期"), max_length=10, choices=TierPeriod.choices, blank=True, default="")
    tier1_kwh = models.DecimalField(_("一档上限(kWh)"), max_digits=14, decimal_places=2, null=True, blank=True)
    tier2_kwh = models.DecimalField(_("二档上限(kWh)"), max_digits=14, decimal_places=2, null=True, blank=True)
    tier2_price = models.DecimalField(_("二档电价"), max_digits=10, decimal_places=4, null=True, blank=True)
    tier3_price = models.DecimalField(_("三档电价"), max_digits=10, decimal_places=4, null=True, blank=True)
    peak_price = models.DecimalField(_("峰段电价"), max_digits=10, decimal_places=4, null=True, blank=True)
    valley_price = models.DecimalField(_("谷段电价"), max_digits=10, decimal_places=4, null=True, blank=True)
    basis = models.CharField(_("基本电费计收方式"), max_length=10, choices=DemandBasis.choices, blank=True)
    capacity_price = models.DecimalField(
        _("容量电价(元/kVA·月)"), max_digits=10, decimal_places=4, null=True, blank=True
    )
    demand_price = models.DecimalField(_("需量电价(元/kW·月)"), max_digits=10, decimal_places=4, null=True, blank=True)
    pf_standard = models.DecimalField(_("功率因数考核标准"), max_digits=3, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("电价")
        verbose_name_plural = _("电价")
        ordering = ["province", "code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "province", "effective_from"], name="tariff_version_unique"),
            models.CheckConstraint(condition=Q(price__gt=0), name="tariff_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.province} {self.code} {self.effective_from}"


class TouPeriodKind(models.TextChoices):
    PEAK = "peak", _("峰")
    FLAT = "flat", _("平")
    VALLEY = "valley", _("谷")


class TouPeriod(models.Model):
    """A daily time band of a TOU tariff; interval data are summed into bands by these."""

    tariff = models.ForeignKey(Tariff, on_delete=models.CASCADE, related_name="tou_periods")
    kind = models.CharField(_("时段"), max_length=10, choices=TouPeriodKind.choices)
    starts = models.TimeField(_("开始"))
    ends = models.TimeField(_("结束"))

    class Meta:
        verbose_name = _("分时时段")
        verbose_name_plural = _("分时时段")
        ordering = ["tariff_id", "starts"]

    def __str__(self) -> str:
        return f"{self.kind} {self.starts}-{self.ends}"
