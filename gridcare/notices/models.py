"""The notice outbox (NOTE-3): every message to a customer is a row here first, written in the
same transaction as the business change that caused it; senders deliver it later."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    SMS = "sms", _("短信")
    PUSH = "push", _("APP推送")
    EMAIL = "email", _("电子邮件")
    WECHAT = "wechat", _("微信消息")


class Category(models.TextChoices):
    """What a message is about; decides quiet hours and opt-out (outages are never held)."""

    OUTAGE = "outage", _("停电通知")
    BILL = "bill", _("电费账单")
    PAYMENT = "payment", _("缴费成功")
    ARREARS = "arrears", _("欠费提醒")
    BALANCE = "balance", _("余额不足")
    QUEUE = "queue", _("排队叫号")
    PEAK_SHIFT = "peak_shift", _("错峰安排")
    WORK_ORDER = "work_order", _("工单进度")
    SERVICE = "service", _("服务通知")


class NoticeStatus(models.TextChoices):
    QUEUED = "queued", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    DELIVERED = "delivered", _("已送达")
    FAILED = "failed", _("失败")
    SUPPRESSED = "suppressed", _("未发送（已退订）")


class NoticeTemplate(models.Model):
    code = models.CharField(_("模板编码"), max_length=50)
    version = models.PositiveIntegerField(_("版本"), default=1)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices, default=Channel.SMS)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    text = models.TextField(_("内容"), help_text=_("变量写作 {name}"))
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("消息模板")
        verbose_name_plural = _("消息模板")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="template_code_version_unique"),
            models.UniqueConstraint(fields=["code"], condition=Q(active=True), name="one_active_template_version"),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class Notice(models.Model):
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.SMS)
    category = models.CharField(max_length=20, choices=Category.choices)
    recipient = models.CharField(_("接收号码/地址"), max_length=200)
    account = models.ForeignKey(
        "customers.Account", on_delete=models.SET_NULL, null=True, blank=True, related_name="notices"
    )
    template_code = models.CharField(max_length=50)
    template_version = models.PositiveIntegerField(default=1)
    variables = models.JSONField(default=dict)
    body = models.TextField()
    # A business key that makes enqueueing idempotent (e.g. "arrears:<bill id>:reminder").
    dedupe_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    status = models.CharField(max_length=12, choices=NoticeStatus.choices, default=NoticeStatus.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    not_before = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    gateway = models.CharField(max_length=50, blank=True)
    gateway_message_id = models.CharField(max_length=100, blank=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        indexes = [models.Index(fields=["status", "not_before"], name="notice_ready_idx")]

    def __str__(self) -> str:
        return f"{self.template_code} → {self.recipient}"
