"""The notice outbox (NOTE-3): every message to a customer is a row here first, written in the
same transaction as the business change that caused it; senders deliver it later."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridcare.core.models import Event


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
    VERIFICATION = "verification", _("验证码")  # a sign-in code: sent at once, day or night, never opted out
    # A required notice of the supply's disconnection for arrears (the written cut-off notice and
    # the warning 30 minutes before): never opted out; it goes the way chosen for 欠费提醒.
    DISCONNECTION = "disconnection", _("欠费停电通知")


class NoticeStatus(models.TextChoices):
    QUEUED = "queued", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    DELIVERED = "delivered", _("已送达")
    FAILED = "failed", _("失败")
    SUPPRESSED = "suppressed", _("未发送（已退订）")
    WITHDRAWN = "withdrawn", _("未发送（已撤回）")


# The one transition table of an outbox row. QUEUED → SENDING is a claim by a sender; SENDING →
# SENDING is a claim taken over after the first sender's lease ran out (it died mid-batch);
# SENDING → QUEUED is a temporary failure put back with a back-off. A receipt may arrive before
# the sender has recorded the gateway's answer, hence SENDING → DELIVERED/FAILED. DELIVERED,
# FAILED, SUPPRESSED and WITHDRAWN are final: a second or late receipt changes nothing. WITHDRAWN
# is a message whose cause went away before it left (an outage cancelled while its notices were
# still queued).
NOTICE_TRANSITIONS: dict[str, frozenset[str]] = {
    NoticeStatus.QUEUED: frozenset({NoticeStatus.SENDING, NoticeStatus.SUPPRESSED, NoticeStatus.WITHDRAWN}),
    NoticeStatus.SENDING: frozenset(
        {
            NoticeStatus.SENDING,
            NoticeStatus.QUEUED,
            NoticeStatus.SENT,
            NoticeStatus.DELIVERED,
            NoticeStatus.FAILED,
            NoticeStatus.SUPPRESSED,
        }
    ),
    NoticeStatus.SENT: frozenset({NoticeStatus.DELIVERED, NoticeStatus.FAILED}),
    NoticeStatus.DELIVERED: frozenset(),
    NoticeStatus.FAILED: frozenset(),
    NoticeStatus.SUPPRESSED: frozenset(),
    NoticeStatus.WITHDRAWN: frozenset(),
}


# Rows a sender may still claim; the partial claim index holds these and no others.
PENDING_STATUSES = ["queued", "sending"]


def statuses_before(target: str) -> list[str]:
    """The statuses a row may be in for a move to ``target`` (used in conditional UPDATEs)."""
    return sorted(source for source, targets in NOTICE_TRANSITIONS.items() if target in targets)


class NoticeTemplate(models.Model):
    code = models.CharField(_("模板编码"), max_length=50)
    version = models.PositiveIntegerField(_("版本"), default=1)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices, default=Channel.SMS)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    text = models.TextField(_("内容"), help_text=_("变量写作 {name}"))
    active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("修改说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
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


class NoticeText(models.Model):
    """A text many messages share: an outage's notice to one 台区 is rendered once, and each of the
    (up to a million) messages behind it points here instead of carrying its own copy of the body
    and variables, which keeps the fan-out's rows narrow."""

    template_code = models.CharField(max_length=50)
    template_version = models.PositiveIntegerField(default=1)
    variables = models.JSONField(default=dict)
    body = models.TextField()
    segments = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.template_code} v{self.template_version}"


class Notice(models.Model):
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.SMS)
    category = models.CharField(max_length=20, choices=Category.choices)
    recipient = models.CharField(_("接收号码/地址"), max_length=200)
    # A WeChat message's phone: where the message goes by SMS if WeChat refuses it for good.
    fallback_phone = models.CharField(max_length=20, blank=True, default="", db_default="")
    # No plain index: a fan-out inserts accounts in phone order, and keeping a random-order index
    # up to date was a fifth of its time. The account card's messages use the partial index
    # below, which leaves the fan-out's rows (those with an outage) out (accounts are closed,
    # never deleted).
    account = models.ForeignKey(
        "customers.Account",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notices",
        db_index=False,
    )
    template_code = models.CharField(max_length=50)
    template_version = models.PositiveIntegerField(default=1)
    variables = models.JSONField(default=dict)
    # Empty when the message uses a shared ``text`` (outage fan-out); ``content`` is what is sent.
    body = models.TextField()
    text = models.ForeignKey(
        NoticeText,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        db_index=False,
        db_constraint=False,
        related_name="+",
    )
    # A business key that makes enqueueing idempotent (e.g. "arrears:<bill id>:reminder"); unique
    # where given. Outage fan-out leaves it empty: the outage's own transitions make it happen once.
    dedupe_key = models.CharField(max_length=120, null=True, blank=True)
    status = models.CharField(max_length=12, choices=NoticeStatus.choices, default=NoticeStatus.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    not_before = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    gateway = models.CharField(max_length=50, blank=True)
    gateway_message_id = models.CharField(max_length=100, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    # SMS segments the body takes (70 characters alone, 67 each when split); 1 for other channels.
    segments = models.PositiveSmallIntegerField(default=1)
    # A sender's claim: its token and how long it holds the row. A row still SENDING after its
    # lease belonged to a sender that died; another sender takes it over.
    claim_token = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    # Lower goes first (rules.priority_of): a "your turn is near" message must not wait behind a
    # million outage notices.
    priority = models.PositiveSmallIntegerField(default=3)
    # The outage a fan-out message belongs to; a plain column (no index, no constraint) so a
    # million-row fan-out pays nothing for it.
    outage = models.ForeignKey(
        "Outage",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        db_index=False,
        db_constraint=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"], condition=Q(dedupe_key__isnull=False), name="notice_dedupe_key_unique"
            ),
        ]
        indexes = [
            # The senders' claim: only rows still to be sent (queued, or claimed by a sender that
            # may have died) are in it, so it stays small however long the history grows, and a
            # message leaves it when it is sent instead of being re-indexed under a new status.
            models.Index(
                fields=["status", "channel", "priority", "id"],
                condition=Q(status__in=PENDING_STATUSES),
                name="notice_pending_claim_idx",
            ),
            # The account card's latest messages. A fan-out's rows (an outage's) are not in it: the
            # card finds those through the outage (notices.selectors.outages_of_account).
            models.Index(fields=["account", "-id"], condition=Q(outage__isnull=True), name="notice_account_recent_idx"),
            # Receipts look messages up by the gateway's id; unsent rows stay out of the index.
            models.Index(
                fields=["gateway_message_id"], condition=~Q(gateway_message_id=""), name="notice_gateway_id_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template_code} → {self.recipient}"

    @property
    def content(self) -> str:
        """The text as sent: the message's own body, or the shared text it points to."""
        return self.text.body if self.text_id is not None and self.text is not None else self.body

    @property
    def content_variables(self) -> dict[str, str]:
        return dict(self.text.variables if self.text_id is not None and self.text is not None else self.variables)


class WeChatBinding(models.Model):
    """A customer contact who follows the company's WeChat official account: messages to that
    phone go by WeChat first (openid), and by SMS if WeChat refuses them for good."""

    contact = models.OneToOneField("customers.Contact", on_delete=models.CASCADE, related_name="wechat")
    openid = models.CharField(_("微信OpenID"), max_length=64, unique=True)
    # Cleared when WeChat says the follower cannot be reached (unfollowed, unknown openid).
    active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("微信绑定")
        verbose_name_plural = _("微信绑定")

    def __str__(self) -> str:
        return self.openid


class OutageKind(models.TextChoices):
    PLANNED = "planned", _("计划停电")
    TEMPORARY = "temporary", _("临时检修停电")
    EMERGENCY = "emergency", _("紧急停电")
    FAULT = "fault", _("故障停电")


class OutageStatus(models.TextChoices):
    ANNOUNCED = "announced", _("已公告")
    ONGOING = "ongoing", _("停电中")
    RESTORED = "restored", _("已恢复送电")
    CANCELLED = "cancelled", _("已取消")


OUTAGE_TRANSITIONS: dict[str, frozenset[str]] = {
    OutageStatus.ANNOUNCED: frozenset({OutageStatus.RESTORED, OutageStatus.CANCELLED}),
    OutageStatus.ONGOING: frozenset({OutageStatus.RESTORED}),
    OutageStatus.RESTORED: frozenset(),
    OutageStatus.CANCELLED: frozenset(),
}


class Outage(models.Model):
    """A planned or fault outage of feeders/台区, kept for reliability figures (PLAN-4)."""

    company = models.ForeignKey("org.Company", on_delete=models.PROTECT, related_name="outages")
    kind = models.CharField(_("停电类型"), max_length=12, choices=OutageKind.choices)
    status = models.CharField(_("状态"), max_length=12, choices=OutageStatus.choices)
    reason = models.CharField(_("停电原因"), max_length=200)
    feeders = models.ManyToManyField("customers.Feeder", blank=True, related_name="outages")
    areas = models.ManyToManyField("customers.TransformerArea", blank=True, related_name="outages")
    starts_at = models.DateTimeField(_("停电开始"))
    ends_at = models.DateTimeField(_("预计恢复"))
    restored_at = models.DateTimeField(_("实际恢复"), null=True, blank=True)
    affected_accounts = models.PositiveIntegerField(_("影响户数"), default=0)
    notices_queued = models.PositiveIntegerField(_("通知条数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("停电")
        verbose_name_plural = _("停电")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="outage_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"


class OutageAccount(models.Model):
    """One account cut off by an outage: the customers affected, for SAIFI/SAIDI."""

    # Written only by outage_register in one INSERT … SELECT from the accounts table itself, so
    # the ids are right by construction; without database FK checks a million rows cost less.
    # One index, (outage, account), instead of one per column: the rows of one outage are written
    # in account order, so it only ever grows at its end, and it makes a second row for the same
    # account and outage impossible.
    outage = models.ForeignKey(
        Outage, on_delete=models.CASCADE, related_name="accounts", db_constraint=False, db_index=False
    )
    account = models.ForeignKey(
        "customers.Account", on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )

    class Meta:
        verbose_name = _("停电影响用户")
        verbose_name_plural = _("停电影响用户")
        constraints = [models.UniqueConstraint(fields=["outage", "account"], name="outage_account_unique")]

    def __str__(self) -> str:
        return f"{self.outage_id}:{self.account_id}"


class OutageEvent(Event):
    """Append-only history of an outage (registered, notices sent, restored, cancelled)."""

    class Type(models.TextChoices):
        REGISTERED = "registered", _("登记")
        RESTORED = "restored", _("恢复送电")
        CANCELLED = "cancelled", _("取消")

    outage = models.ForeignKey(Outage, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=20, choices=Type.choices)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.outage_id} {self.type}"


class PublicationKind(models.TextChoices):
    TARIFF = "tariff", _("电价调整")
    HALL_HOURS = "hall_hours", _("营业时间")
    OUTAGE = "outage", _("停电信息")
    CAMPAIGN = "campaign", _("服务活动")


class PublicationArea(models.TextChoices):
    """Who a publication is for: every customer, a company's, or one supply unit's."""

    ALL = "all", _("全部地区")
    COMPANY = "company", _("本公司")
    UNIT = "unit", _("供电单位")


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


# A draft is published (at once, or at a time ahead); a published one may be withdrawn; a withdrawn
# one stays withdrawn (a corrected text is a new publication).
PUBLICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    PublicationStatus.DRAFT: frozenset({PublicationStatus.PUBLISHED}),
    PublicationStatus.PUBLISHED: frozenset({PublicationStatus.WITHDRAWN}),
    PublicationStatus.WITHDRAWN: frozenset(),
}


class Publication(models.Model):
    """A public notice or service publicity (SELF-3): tariff changes, hall hours, outages,
    campaigns; shown in the customer portal to the customers of its area from ``published_at``
    until it is withdrawn, and exported as an article for the company's WeChat official account."""

    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("正文"))
    kind = models.CharField(_("类别"), max_length=12, choices=PublicationKind.choices)
    area = models.CharField(_("发布范围"), max_length=10, choices=PublicationArea.choices)
    company = models.ForeignKey("org.Company", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    unit = models.ForeignKey("org.SupplyUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(
        _("状态"), max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("公告")
        verbose_name_plural = _("公告")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(area="all", company__isnull=True, unit__isnull=True))
                | Q(area="company", company__isnull=False, unit__isnull=True)
                | Q(area="unit", company__isnull=False, unit__isnull=False),
                name="publication_area_fits",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False), name="publication_published_at"
            ),
        ]
        indexes = [models.Index(fields=["status", "-published_at"], name="publication_live_idx")]

    def __str__(self) -> str:
        return self.title


class PublicationEvent(Event):
    """Append-only history of a publication (written, edited, published, withdrawn)."""

    class Type(models.TextChoices):
        CREATED = "created", _("撰写")
        EDITED = "edited", _("修改")
        PUBLISHED = "published", _("发布")
        WITHDRAWN = "withdrawn", _("撤回")

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=20, choices=Type.choices)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.publication_id} {self.type}"


class PeakShiftOrder(models.Model):
    """A peak-shift order (错峰, 有序用电): the key accounts behind its feeders keep their load
    under ``limit_kw`` on ``day`` from ``start`` to ``end``. Written with its messages in one
    transaction by ``campaigns.peak_shift_issue``; the same order again (same feeders, day, window
    and limit: ``fingerprint``) is no second order."""

    company = models.ForeignKey("org.Company", on_delete=models.PROTECT, related_name="+")
    feeders = models.ManyToManyField("customers.Feeder", related_name="peak_shift_orders")
    day = models.DateField(_("错峰日期"))
    start = models.TimeField(_("开始时间"))
    end = models.TimeField(_("结束时间"))
    limit_kw = models.PositiveIntegerField(_("负荷上限(kW)"))
    fingerprint = models.CharField(max_length=64, unique=True)
    key_accounts = models.PositiveIntegerField(_("涉及大客户户数"), default=0)
    notices_queued = models.PositiveIntegerField(_("通知条数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("发布时间"))

    class Meta:
        verbose_name = _("错峰通知")
        verbose_name_plural = _("错峰通知")
        ordering = ["-day", "-start", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="peak_shift_ends_after_start")
        ]
        indexes = [models.Index(fields=["day", "end"], name="peak_shift_day_idx")]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.start:%H:%M}-{self.end:%H:%M} {self.limit_kw} kW"
