"""Paid value-added services (有偿增值服务, WO-10; issue 15): the catalogue administrators keep
(an item and its price versions, each from a date), and the service orders made only from it —
by a customer in the portal or a clerk at the hall — paid like a bill through a ``PaymentOrder``
of purpose ``service``.

An order keeps the name, unit and price of each line as they were when it was made: a later price
version, a renamed or withdrawn item never changes what an order costs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridcare.core.models import Event


class ServiceCategory(models.TextChoices):
    MAINTENANCE = "maintenance", _("设备维护")
    TESTING = "testing", _("检测试验")
    EV_CHARGER = "ev_charger", _("充电桩安装")
    OTHER = "other", _("其他服务")


class ServiceItem(models.Model):
    """One service of the published catalogue. Its price is the version in force (``ServicePrice``)."""

    code = models.CharField(_("服务编码"), max_length=20, unique=True)
    name = models.CharField(_("服务名称"), max_length=60)
    category = models.CharField(_("服务类别"), max_length=20, choices=ServiceCategory.choices)
    description = models.TextField(_("服务内容"), max_length=1000, blank=True, default="")
    unit = models.CharField(_("计价单位"), max_length=10)
    tax_note = models.CharField(_("税费说明"), max_length=100, blank=True, default="")
    active = models.BooleanField(_("在售"), default=True)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("增值服务项目")
        verbose_name_plural = _("增值服务项目")
        ordering = ["category", "code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class ServicePrice(models.Model):
    """A price version of an item, in force from ``valid_from`` until the next version's date."""

    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="prices")
    price = models.DecimalField(_("单价（元）"), max_digits=10, decimal_places=2)
    valid_from = models.DateField(_("执行日期"))
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["item_id", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["item", "valid_from"], name="service_price_once_per_day"),
            models.CheckConstraint(condition=Q(price__gt=0), name="service_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.price} {self.valid_from}"


class ServiceItemEvent(Event):
    class Type(models.TextChoices):
        CREATED = "created", _("新增服务项目")
        CHANGED = "changed", _("修改服务项目")
        PRICED = "priced", _("调整价格")
        DEACTIVATED = "deactivated", _("停售")
        ACTIVATED = "activated", _("恢复在售")

    type = models.CharField(max_length=30, choices=Type.choices)
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="events")

    def __str__(self) -> str:
        return f"{self.item_id} {self.type}"


class ServiceOrderStatus(models.TextChoices):
    ORDERED = "ordered", _("待支付")
    PAID = "paid", _("已支付")
    SCHEDULED = "scheduled", _("已预约上门")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class ServiceOrderSource(models.TextChoices):
    PORTAL = "portal", _("网上营业厅")
    HALL = "hall", _("营业厅")


class ServiceOrder(models.Model):
    order_no = models.CharField(_("服务订单号"), max_length=32, unique=True)
    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="service_orders")
    status = models.CharField(
        _("状态"), max_length=10, choices=ServiceOrderStatus.choices, default=ServiceOrderStatus.ORDERED
    )
    amount = models.DecimalField(_("金额"), max_digits=12, decimal_places=2)
    source = models.CharField(_("下单渠道"), max_length=10, choices=ServiceOrderSource.choices)
    # The portal's customer who ordered ("portal:17", as billing's payment orders name them), or "".
    customer_ref = models.CharField(max_length=40, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    idempotency_key = models.CharField(max_length=64, blank=True, default="")
    note = models.CharField(_("备注"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(_("下单时间"))
    paid_at = models.DateTimeField(_("支付时间"), null=True, blank=True)
    payment = models.ForeignKey(
        "billing.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="service_orders"
    )
    scheduled_for = models.DateTimeField(_("上门时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("增值服务订单")
        verbose_name_plural = _("增值服务订单")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="service_order_amount_positive"),
            models.UniqueConstraint(
                fields=["account", "customer_ref", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="service_order_once_per_key",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["ordered", "cancelled"]) | Q(payment__isnull=False),
                name="service_order_paid_has_payment",
            ),
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="service_order_status_idx")]

    def __str__(self) -> str:
        return self.order_no


class ServiceOrderLine(models.Model):
    """A line as the catalogue priced it when the order was made."""

    order = models.ForeignKey(ServiceOrder, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="+")
    price = models.ForeignKey(ServicePrice, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("服务名称"), max_length=60)
    unit = models.CharField(_("计价单位"), max_length=10)
    unit_price = models.DecimalField(_("单价"), max_digits=10, decimal_places=2)
    quantity = models.PositiveSmallIntegerField(_("数量"))
    amount = models.DecimalField(_("金额"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["order_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="service_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.name} ×{self.quantity}"


class ServiceOrderEvent(Event):
    class Type(models.TextChoices):
        ORDERED = "ordered", _("下单")
        PAID = "paid", _("支付")
        SCHEDULED = "scheduled", _("预约上门")
        DONE = "done", _("完成")
        CANCELLED = "cancelled", _("取消")
        PAID_AGAIN = "paid_again", _("重复支付")

    type = models.CharField(max_length=30, choices=Type.choices)
    order = models.ForeignKey(ServiceOrder, on_delete=models.PROTECT, related_name="events")

    def __str__(self) -> str:
        return f"{self.order_id} {self.type}"
