"""The service-hall queue (HALL-1 … HALL-8): business types, counters' set-up, tickets and their
history, evaluations, self-service terminals."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gridcare.core.models import Event
from gridcare.org.models import Counter, Hall


class Kind(models.TextChoices):
    """The business a customer comes for (HALL-1)."""

    PAYMENT = "payment", _("缴费")
    NEW_CONNECTION = "new_connection", _("新装增容")
    ACCOUNT_CHANGE = "account_change", _("变更用电")
    CONSULTATION = "consultation", _("业务咨询")
    INVOICE = "invoice", _("发票票据")
    METER_TEST = "meter_test", _("校表申请")
    COMPLAINT = "complaint", _("投诉意见")
    KEY_ACCOUNT = "key_account", _("大客户服务")


class BusinessType(models.Model):
    hall = models.ForeignKey(Hall, on_delete=models.PROTECT, related_name="business_types")
    kind = models.CharField(_("业务"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=30)
    prefix = models.CharField(_("号码前缀"), max_length=2)
    expected_minutes = models.PositiveSmallIntegerField(_("预计办理时长（分钟）"))
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("业务类型")
        verbose_name_plural = _("业务类型")
        ordering = ["hall_id", "prefix"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "kind"], name="business_type_kind_unique_in_hall"),
            models.UniqueConstraint(fields=["hall", "prefix"], name="business_type_prefix_unique_in_hall"),
            models.CheckConstraint(condition=Q(expected_minutes__gte=1), name="business_type_expected_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix} {self.name}"


class HallPolicy(models.Model):
    """The hall's queue settings; a hall without a row uses the defaults below."""

    hall = models.OneToOneField(Hall, on_delete=models.CASCADE, related_name="queue_policy", primary_key=True)
    ageing_minutes = models.PositiveSmallIntegerField(_("超时优先（分钟）"), default=20)
    max_recalls = models.PositiveSmallIntegerField(_("最多重呼次数"), default=2)
    near_ahead = models.PositiveSmallIntegerField(_("临近提醒（前面人数）"), default=3)

    class Meta:
        verbose_name = _("排队规则")
        verbose_name_plural = _("排队规则")

    def __str__(self) -> str:
        return str(self.hall)


class CounterStatus(models.TextChoices):
    OPEN = "open", _("服务中")
    PAUSED = "paused", _("暂停")
    CLOSED = "closed", _("未开放")


class CounterSetup(models.Model):
    """What a counter serves and whether it is open now (HALL-1, HALL-3)."""

    counter = models.OneToOneField(Counter, on_delete=models.CASCADE, related_name="hall_setup", primary_key=True)
    business_types = models.ManyToManyField(BusinessType, related_name="counters", blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=CounterStatus.choices, default=CounterStatus.CLOSED)
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("窗口设置")
        verbose_name_plural = _("窗口设置")

    def __str__(self) -> str:
        return str(self.counter)


class Priority(models.TextChoices):
    VIP = "vip", _("大客户")
    ELDERLY = "elderly", _("绿色通道")
    APPOINTMENT = "appointment", _("预约")
    NORMAL = "normal", _("普通")


class Source(models.TextChoices):
    KIOSK = "kiosk", _("取号机")
    GUIDE = "guide", _("引导台")
    REMOTE = "remote", _("线上取号")
    APPOINTMENT = "appointment", _("预约签到")


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("等候中")
    CALLED = "called", _("已叫号")
    FINISHED = "finished", _("已办结")
    NO_SHOW = "no_show", _("过号")
    CANCELLED = "cancelled", _("已取消")  # by its holder, before it was called (a remote ticket)


class Ticket(models.Model):
    hall = models.ForeignKey(Hall, on_delete=models.PROTECT, related_name="tickets")
    business_type = models.ForeignKey(BusinessType, on_delete=models.PROTECT, related_name="tickets")
    day = models.DateField(_("日期"))
    number = models.CharField(_("号码"), max_length=8)
    priority = models.CharField(_("优先级"), max_length=12, choices=Priority.choices, default=Priority.NORMAL)
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices)
    status = models.CharField(_("状态"), max_length=10, choices=TicketStatus.choices, default=TicketStatus.WAITING)
    phone = models.CharField(_("手机号"), max_length=11, blank=True)
    account = models.ForeignKey(
        "customers.Account", on_delete=models.PROTECT, null=True, blank=True, related_name="hall_tickets"
    )
    appointment_ref = models.CharField(_("预约号"), max_length=30, blank=True)
    issued_at = models.DateTimeField(_("取号时间"))
    # A ticket transferred to one counter waits for that counter only.
    target_counter = models.ForeignKey(Counter, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    counter = models.ForeignKey(Counter, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets")
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    first_called_at = models.DateTimeField(_("首次叫号时间"), null=True, blank=True)
    called_at = models.DateTimeField(_("叫号时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    recalls = models.PositiveSmallIntegerField(_("重呼次数"), default=0)
    outcome = models.CharField(_("办理结果"), max_length=200, blank=True)
    near_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("排队号")
        verbose_name_plural = _("排队号")
        constraints = [
            models.UniqueConstraint(fields=["hall", "day", "number"], name="ticket_number_unique_per_hall_day"),
        ]
        indexes = [
            models.Index(fields=["hall", "day", "status"], name="ticket_hall_day_status"),
            models.Index(fields=["counter", "status"], name="ticket_counter_status"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.number}"


class TicketSequence(models.Model):
    """The last number given today for one business type; numbers restart every day."""

    business_type = models.ForeignKey(BusinessType, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["business_type", "day"], name="ticket_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.business_type_id} {self.day} {self.last}"


class TicketEvent(Event):
    """Append-only history of a ticket: every call, recall, transfer and end."""

    class Type(models.TextChoices):
        ISSUED = "issued", _("取号")
        CALLED = "called", _("叫号")
        RECALLED = "recalled", _("重呼")
        TRANSFERRED = "transferred", _("转移")
        FINISHED = "finished", _("办结")
        NO_SHOW = "no_show", _("过号")
        NEAR_NOTIFIED = "near_notified", _("临近提醒")
        CANCELLED = "cancelled", _("取消")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=20, choices=Type.choices)
    counter = models.ForeignKey(Counter, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-id"]
        verbose_name = _("排队记录")
        verbose_name_plural = _("排队记录")

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.type}"


class Rating(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("非常满意")
    SATISFIED = "satisfied", _("满意")
    BASICALLY_SATISFIED = "basically_satisfied", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class EvaluationSource(models.TextChoices):
    PAD = "pad", _("评价器")
    PORTAL = "portal", _("网上营业厅")


class Evaluation(models.Model):
    """One customer rating per finished ticket (HALL-6): on the counter's pad, or afterwards by the
    ticket's holder in the portal (whichever comes first; the other is refused)."""

    ticket = models.OneToOneField(Ticket, on_delete=models.PROTECT, related_name="evaluation")
    rating = models.CharField(_("评价"), max_length=20, choices=Rating.choices)
    # A database default too: the demo history writes ratings in bulk (gridcare.core.bulk).
    source = models.CharField(
        _("评价渠道"),
        max_length=10,
        choices=EvaluationSource.choices,
        default=EvaluationSource.PAD,
        db_default=EvaluationSource.PAD,
    )
    reasons = models.JSONField(_("原因"), default=list)
    hall = models.ForeignKey(Hall, on_delete=models.PROTECT, related_name="+")
    counter = models.ForeignKey(Counter, on_delete=models.PROTECT, related_name="+")
    business_type = models.ForeignKey(BusinessType, on_delete=models.PROTECT, related_name="+")
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("服务评价")
        verbose_name_plural = _("服务评价")

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.rating}"


class TerminalKind(models.TextChoices):
    PAYMENT = "payment", _("自助缴费机")
    ALL_IN_ONE = "all_in_one", _("自助服务一体机")
    INVOICE = "invoice", _("发票打印机")


class TerminalStatus(models.TextChoices):
    IN_SERVICE = "in_service", _("正常")
    FAULT = "fault", _("故障")
    PAPER_OUT = "paper_out", _("缺纸")
    OFF = "off", _("停用")


class Terminal(models.Model):
    """A self-service machine in a hall (HALL-7)."""

    hall = models.ForeignKey(Hall, on_delete=models.PROTECT, related_name="terminals")
    code = models.CharField(_("编号"), max_length=20, unique=True)
    kind = models.CharField(_("类型"), max_length=12, choices=TerminalKind.choices)
    name = models.CharField(_("名称"), max_length=50)
    status = models.CharField(
        _("状态"), max_length=12, choices=TerminalStatus.choices, default=TerminalStatus.IN_SERVICE
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    usage_count = models.PositiveIntegerField(_("累计使用次数"), default=0)

    class Meta:
        verbose_name = _("自助终端")
        verbose_name_plural = _("自助终端")
        ordering = ["hall_id", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class TerminalEvent(Event):
    """Append-only: status changes and usage of a terminal."""

    class Type(models.TextChoices):
        STATUS = "status", _("状态变更")
        USED = "used", _("使用")
        DIVERSION = "diversion", _("分流")

    terminal = models.ForeignKey(Terminal, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=12, choices=Type.choices)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.terminal_id} {self.type}"


class MaintenanceTask(models.Model):
    """A fault report on a terminal, worked until fixed."""

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        DONE = "done", _("已修复")

    terminal = models.ForeignKey(Terminal, on_delete=models.PROTECT, related_name="tasks")
    description = models.CharField(_("故障描述"), max_length=200)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.OPEN)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("终端维修任务")
        verbose_name_plural = _("终端维修任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.terminal_id} {self.description}"


class Diversion(models.Model):
    """A customer the guide sent to a self-service machine instead of a counter (HALL-2, HALL-7)."""

    hall = models.ForeignKey(Hall, on_delete=models.PROTECT, related_name="+")
    business_type = models.ForeignKey(BusinessType, on_delete=models.PROTECT, related_name="+")
    terminal = models.ForeignKey(Terminal, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    guide = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    day = models.DateField()
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("自助分流")
        verbose_name_plural = _("自助分流")
        indexes = [models.Index(fields=["hall", "day"], name="diversion_hall_day")]

    def __str__(self) -> str:
        return f"{self.hall_id} {self.day}"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("已预约")
    CHECKED_IN = "checked_in", _("已签到")
    CANCELLED = "cancelled", _("已取消")
    MISSED = "missed", _("已爽约")


class Appointment(models.Model):
    """A booked half-hour slot for one business type (HALL-2, 预约办电). Checking it in on the
    day issues an appointment ticket; one not checked in by the end of its window is missed."""

    hall = models.ForeignKey(Hall, on_delete=models.PROTECT, related_name="appointments")
    business_type = models.ForeignKey(BusinessType, on_delete=models.PROTECT, related_name="appointments")
    day = models.DateField(_("预约日期"))
    starts_at = models.TimeField(_("开始时间"))
    ends_at = models.TimeField(_("结束时间"))
    phone = models.CharField(_("手机号"), max_length=11)
    account = models.ForeignKey(
        "customers.Account", on_delete=models.PROTECT, null=True, blank=True, related_name="hall_appointments"
    )
    reference = models.CharField(_("预约号"), max_length=12, unique=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    ticket = models.OneToOneField(Ticket, on_delete=models.PROTECT, null=True, blank=True, related_name="appointment")
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("预约时间"))
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("预约")
        verbose_name_plural = _("预约")
        ordering = ["day", "starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="appointment_ends_after_start"),
            models.CheckConstraint(
                condition=~Q(status="checked_in") | Q(ticket__isnull=False, checked_in_at__isnull=False),
                name="appointment_checked_in_has_ticket",
            ),
        ]
        indexes = [
            models.Index(fields=["hall", "day", "status"], name="appointment_hall_day_status"),
            models.Index(fields=["business_type", "day", "starts_at"], name="appointment_type_slot"),
            models.Index(fields=["phone", "day"], name="appointment_phone_day"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.day} {self.starts_at:%H:%M}"


class AppointmentEvent(Event):
    """Append-only history of an appointment: booked, cancelled, checked in, missed."""

    class Type(models.TextChoices):
        BOOKED = "booked", _("预约")
        CANCELLED = "cancelled", _("取消预约")
        CHECKED_IN = "checked_in", _("预约签到")
        MISSED = "missed", _("爽约")

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=12, choices=Type.choices)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("预约记录")
        verbose_name_plural = _("预约记录")

    def __str__(self) -> str:
        return f"{self.appointment_id} {self.type}"


class DeviceKind(models.TextChoices):
    """The hall's own screens, each a registered device with a credential of its own (SEC-3)."""

    KIOSK = "kiosk", _("取号机")
    BOARD = "board", _("叫号屏")
    PAD = "pad", _("评价器")


class HallDevice(models.Model):
    """A kiosk, display board or evaluation pad of a hall. It is no staff session: its credential
    (a random secret, kept as its SHA-256 digest like API tokens) reaches only its own screen and
    endpoints. The hall manager registers it and hands out a one-time pairing code; pairing a
    browser (or a device calling the API) exchanges the code for the credential."""

    hall = models.ForeignKey(Hall, on_delete=models.PROTECT, related_name="devices")
    kind = models.CharField(_("类型"), max_length=8, choices=DeviceKind.choices)
    # The counter whose customers a pad asks for their rating (pads only).
    counter = models.ForeignKey(Counter, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    name = models.CharField(_("名称"), max_length=50)
    credential_digest = models.CharField(max_length=64, unique=True, null=True, blank=True)
    pairing_digest = models.CharField(max_length=64, unique=True, null=True, blank=True)
    pairing_expires_at = models.DateTimeField(null=True, blank=True)
    paired_at = models.DateTimeField(_("配对时间"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registered_at = models.DateTimeField(_("登记时间"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_seen_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("厅内设备")
        verbose_name_plural = _("厅内设备")
        ordering = ["hall_id", "kind", "counter_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="pad") & Q(counter__isnull=False)) | (~Q(kind="pad") & Q(counter__isnull=True)),
                name="hall_device_pad_has_counter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hall_id} {self.name}"


class HallDeviceEvent(Event):
    """Append-only audit of a device: registered, pairing code issued, paired, revoked."""

    class Type(models.TextChoices):
        REGISTERED = "registered", _("登记设备")
        PAIRING_ISSUED = "pairing_issued", _("生成配对码")
        PAIRED = "paired", _("完成配对")
        REVOKED = "revoked", _("吊销设备")

    device = models.ForeignKey(HallDevice, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(max_length=20, choices=Type.choices)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("设备记录")
        verbose_name_plural = _("设备记录")

    def __str__(self) -> str:
        return f"{self.device_id} {self.type}"


# --- home service (上门服务) and mobile service rounds (流动服务车), WO-9 ----------------------------


class HomeVisitReason(models.TextChoices):
    """Why the customer cannot come to the hall."""

    ELDERLY = "elderly", _("高龄行动不便")
    DISABLED = "disabled", _("残障")
    ILL = "ill", _("患病卧床")
    OTHER = "other", _("其他原因")


class HomeVisitChannel(models.TextChoices):
    """Where the request was taken."""

    PORTAL = "portal", _("网上营业厅")
    AGENT = "agent", _("95598热线")
    HALL = "hall", _("营业厅")


class HomeVisitStatus(models.TextChoices):
    REQUESTED = "requested", _("待安排")
    SCHEDULED = "scheduled", _("已安排")
    DONE = "done", _("已办结")
    FAILED = "failed", _("未办成")
    CANCELLED = "cancelled", _("已取消")


HOME_VISIT_OPEN = (HomeVisitStatus.REQUESTED, HomeVisitStatus.SCHEDULED)


class HomeVisit(models.Model):
    """A customer who cannot come to a hall asks for a clerk to come to them (上门服务, WO-9). The
    account's hall owns it: its manager picks a day, a half-hour slot and one of the hall's clerks.
    One open request per account and purpose (the business, as the hall names it)."""

    hall = models.ForeignKey(Hall, on_delete=models.PROTECT, related_name="home_visits")
    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="home_visits")
    purpose = models.CharField(_("办理业务"), max_length=20, choices=Kind.choices)
    reason = models.CharField(_("不能到厅的原因"), max_length=12, choices=HomeVisitReason.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    address = models.CharField(_("上门地址"), max_length=200)
    phone = models.CharField(_("联系电话"), max_length=11)
    channel = models.CharField(_("受理渠道"), max_length=10, choices=HomeVisitChannel.choices)
    status = models.CharField(
        _("状态"), max_length=12, choices=HomeVisitStatus.choices, default=HomeVisitStatus.REQUESTED
    )
    day = models.DateField(_("上门日期"), null=True, blank=True)
    starts_at = models.TimeField(_("开始时间"), null=True, blank=True)
    ends_at = models.TimeField(_("结束时间"), null=True, blank=True)
    clerk = models.ForeignKey("org.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="home_visits")
    outcome_note = models.CharField(_("办理情况"), max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("申请时间"))
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("上门服务")
        verbose_name_plural = _("上门服务")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "purpose"],
                condition=Q(status__in=["requested", "scheduled"]),
                name="home_visit_one_open_per_account_purpose",
            ),
            models.CheckConstraint(
                condition=~Q(status="scheduled") | Q(day__isnull=False, starts_at__isnull=False, clerk__isnull=False),
                name="home_visit_scheduled_has_slot_and_clerk",
            ),
        ]
        indexes = [
            models.Index(fields=["hall", "status"], name="home_visit_hall_status"),
            models.Index(fields=["clerk", "day"], name="home_visit_clerk_day"),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.account_id} {self.status}"


class HomeVisitEvent(Event):
    """Append-only history of a home visit: requested, scheduled, reassigned, done, failed, cancelled."""

    class Type(models.TextChoices):
        REQUESTED = "requested", _("申请上门服务")
        SCHEDULED = "scheduled", _("安排上门")
        REASSIGNED = "reassigned", _("改派")
        DONE = "done", _("上门办结")
        FAILED = "failed", _("上门未办成")
        CANCELLED = "cancelled", _("取消")

    home_visit = models.ForeignKey(HomeVisit, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=12, choices=Type.choices)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("上门服务记录")
        verbose_name_plural = _("上门服务记录")

    def __str__(self) -> str:
        return f"{self.home_visit_id} {self.type}"


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    CANCELLED = "cancelled", _("已取消")


class MobileRoundStop(models.Model):
    """One stop of a supply unit's mobile service vehicle (流动服务车, WO-9): a village, the 台区
    whose customers it serves, a day, a time and a place. Customers see the published ones."""

    unit = models.ForeignKey("org.SupplyUnit", on_delete=models.PROTECT, related_name="mobile_round_stops")
    village = models.CharField(_("村（社区）"), max_length=50)
    area = models.ForeignKey("customers.TransformerArea", on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("日期"))
    starts_at = models.TimeField(_("开始时间"))
    ends_at = models.TimeField(_("结束时间"))
    place = models.CharField(_("停靠地点"), max_length=100)
    status = models.CharField(_("状态"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("流动服务车站点")
        verbose_name_plural = _("流动服务车站点")
        ordering = ["day", "starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="mobile_round_ends_after_start"),
        ]
        indexes = [
            models.Index(fields=["unit", "day"], name="mobile_round_unit_day"),
            models.Index(fields=["area", "day", "status"], name="mobile_round_area_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.village}"


class HallLive(models.Model):
    """The version of a hall's live state (who waits for what, the calls, the counters, the day's
    figures): raised in the transaction of every change a board, floor view or console shows, so
    each screen is rendered once per change and answered from the cache until the next one
    (issue 20). ``changed_at`` makes the version unique to this database (a restored backup does
    not meet the cache of the later state)."""

    hall = models.OneToOneField("org.Hall", primary_key=True, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("营业厅实时状态版本")
        verbose_name_plural = _("营业厅实时状态版本")

    def __str__(self) -> str:
        return f"{self.hall_id} v{self.version}"
