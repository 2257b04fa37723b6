"""Online payment orders (BILL-4, BILL-5; issue 15): what a customer asked to pay in the portal or
the app, before and after the provider (WeChat Pay, Alipay, the simulated one) says it was paid.
An order becomes at most one ``Payment``, posted through ``payment_post`` when the provider's
signed notification arrives.

Who made it is ``customer_ref``, an opaque reference of the caller ("portal:17" for the portal's
customer 17): billing keeps no foreign key to the portal, so it stays independent of it, and only
ever compares the reference (the portal shows a customer their own orders by it)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridcare.billing.models.payments import Payment, PaymentChannel
from gridcare.core.models import Event


class PaymentOrderStatus(models.TextChoices):
    CREATED = "created", _("待支付")
    PAID = "paid", _("已支付")
    FAILED = "failed", _("支付失败")
    EXPIRED = "expired", _("已过期")
    CANCELLED = "cancelled", _("已取消")


class PaymentPurpose(models.TextChoices):
    BILL = "bill", _("缴纳电费")
    TOPUP = "topup", _("预存电费")
    SERVICE = "service", _("有偿增值服务")  # a service order (WO-10): never settles bills


class PaymentOrder(models.Model):
    order_no = models.CharField(_("订单号"), max_length=32, unique=True)
    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="payment_orders")
    amount = models.DecimalField(_("金额"), max_digits=14, decimal_places=2)
    purpose = models.CharField(_("用途"), max_length=10, choices=PaymentPurpose.choices)
    provider = models.CharField(_("支付方式"), max_length=20)
    channel = models.CharField(_("缴费渠道"), max_length=20, choices=PaymentChannel.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=PaymentOrderStatus.choices, default=PaymentOrderStatus.CREATED
    )
    created_at = models.DateTimeField(_("下单时间"))
    expires_at = models.DateTimeField(_("支付截止"))
    paid_at = models.DateTimeField(_("支付时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)  # failed, expired or cancelled
    provider_txn_id = models.CharField(_("支付流水号"), max_length=64, blank=True, default="")
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="order")
    customer_ref = models.CharField(max_length=40, blank=True, default="")
    idempotency_key = models.CharField(max_length=64, blank=True, default="")
    # What a payment order of purpose "service" pays (WO-10); empty for the other purposes.
    service_order = models.ForeignKey(
        "billing.ServiceOrder", on_delete=models.PROTECT, null=True, blank=True, related_name="payment_orders"
    )

    class Meta:
        verbose_name = _("支付订单")
        verbose_name_plural = _("支付订单")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_order_amount_positive"),
            models.UniqueConstraint(
                fields=["customer_ref", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="payment_order_once_per_key",
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(payment__isnull=False), name="payment_order_paid_has_payment"
            ),
            models.CheckConstraint(
                condition=Q(purpose="service", service_order__isnull=False)
                | (~Q(purpose="service") & Q(service_order__isnull=True)),
                name="payment_order_service_has_its_order",
            ),
        ]
        indexes = [
            models.Index(fields=["customer_ref", "-created_at"], name="payment_order_customer_idx"),
            models.Index(fields=["status", "expires_at"], name="payment_order_open_idx"),
        ]

    def __str__(self) -> str:
        return self.order_no


class PaymentOrderEvent(Event):
    """The history of an order: created, paid, failed, expired, cancelled, and every notification
    refused after its signature was right (an amount that differs from the order's)."""

    order = models.ForeignKey(PaymentOrder, on_delete=models.PROTECT, related_name="events")

    def __str__(self) -> str:
        return f"{self.order_id} {self.type}"
