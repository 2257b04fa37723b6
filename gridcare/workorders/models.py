"""95598 work orders (WO-1..8): orders, their deadlines and history, fault incidents, call-backs,
verified complaints against staff, and new-connection applications."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridcare.core.models import Event
from gridcare.org.models import AreaType


class Channel(models.TextChoices):
    PHONE_95598 = "phone_95598", _("95598电话")
    WEB = "web", _("网站")
    APP = "app", _("手机应用")
    WECHAT = "wechat", _("微信")
    COUNTER = "counter", _("营业厅柜台")
    OPINION_CARD = "opinion_card", _("意见卡")
    LETTER = "letter", _("信函")
    VISIT = "visit", _("来访")
    HOTLINE_12345 = "hotline_12345", _("12345政务热线")
    HOTLINE_12398 = "hotline_12398", _("12398能源监管热线")


class OrderType(models.TextChoices):
    FAULT = "fault", _("故障报修")
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    OPINION = "opinion", _("意见")
    SUGGESTION = "suggestion", _("建议")
    PRAISE = "praise", _("表扬")
    INQUIRY = "inquiry", _("咨询")
    SERVICE_REQUEST = "service_request", _("服务申请")
    URGING = "urging", _("催办")


class ComplaintClass(models.TextChoices):
    SERVICE = "service", _("服务投诉")
    BUSINESS = "business", _("营业投诉")
    OUTAGE = "outage", _("停送电投诉")
    SUPPLY_QUALITY = "supply_quality", _("供电质量投诉")
    GRID_CONSTRUCTION = "grid_construction", _("电网建设投诉")


class ComplaintCause(models.Model):
    """A cause a complaint is put down to (投诉原因), inside its complaint class: the taxonomy
    administrators keep on 投诉原因 (``COMPLAINT_CAUSE_EDIT``). A cause orders were put down to is
    never deleted, only deactivated (no longer offered, still counted)."""

    code = models.CharField(_("编码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    complaint_class = models.CharField(_("投诉分类"), max_length=20, choices=ComplaintClass.choices)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("投诉原因")
        verbose_name_plural = _("投诉原因")
        ordering = ["complaint_class", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["complaint_class", "name"], name="complaint_cause_name_once_a_class")
        ]

    def __str__(self) -> str:
        return self.name


class CauseEvent(Event):
    """Append-only history of the cause taxonomy: who added, renamed, moved or deactivated what."""

    class Type(models.TextChoices):
        CREATED = "created", _("新增")
        CHANGED = "changed", _("修改")
        DEACTIVATED = "deactivated", _("停用")
        ACTIVATED = "activated", _("启用")
        DELETED = "deleted", _("删除")

    # Kept when the cause is deleted (an unused one): the history says what it was.
    cause = models.ForeignKey(ComplaintCause, on_delete=models.SET_NULL, null=True, blank=True, related_name="events")
    type = models.CharField(max_length=20, choices=Type.choices)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("投诉原因记录")
        verbose_name_plural = _("投诉原因记录")

    def __str__(self) -> str:
        return f"{self.cause_id} {self.type}"


class Urgency(models.TextChoices):
    HIGH = "high", _("紧急")
    NORMAL = "normal", _("一般")
    LOW = "low", _("较低")


class Status(models.TextChoices):
    RECEIVED = "received", _("已受理")
    ACCEPTED = "accepted", _("已接单")
    DISPATCHED = "dispatched", _("已派单")
    ARRIVED = "arrived", _("已到达现场")
    RESTORED = "restored", _("已恢复送电")
    REPLIED = "replied", _("已答复")
    CLOSED = "closed", _("已办结")
    CALLED_BACK = "called_back", _("已回访")
    # A duplicate merged into another order (issue 18): closed, its history shown on the kept one.
    MERGED = "merged", _("已合并")


OPEN_STATUSES = (
    Status.RECEIVED,
    Status.ACCEPTED,
    Status.DISPATCHED,
    Status.ARRIVED,
    Status.RESTORED,
    Status.REPLIED,
)


class Incident(models.Model):
    """One outage that many fault reports describe (WO-4). One open incident per 台区/feeder key."""

    class State(models.TextChoices):
        OPEN = "open", _("处理中")
        RESTORED = "restored", _("已恢复")
        LAPSED = "lapsed", _("已超出合并窗口")

    company = models.ForeignKey("org.Company", on_delete=models.PROTECT, related_name="+")
    supply_unit = models.ForeignKey("org.SupplyUnit", on_delete=models.PROTECT, related_name="+")
    merge_key = models.CharField(_("合并键"), max_length=50)
    feeder = models.ForeignKey("customers.Feeder", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    transformer_area = models.ForeignKey(
        "customers.TransformerArea", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    opened_at = models.DateTimeField(_("首次报修"))
    last_report_at = models.DateTimeField(_("最近报修"))
    restored_at = models.DateTimeField(_("恢复送电"), null=True, blank=True)
    report_count = models.PositiveIntegerField(_("报修数"), default=1)
    # The outage record (notices) this incident is: counted in SAIFI/SAIDI, and the one that
    # tells the customers behind it that power is back (WO-4, NOTE-2).
    outage = models.ForeignKey("notices.Outage", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("故障事件")
        verbose_name_plural = _("故障事件")
        constraints = [
            models.UniqueConstraint(fields=["merge_key"], condition=Q(state="open"), name="one_open_incident_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.merge_key} {self.opened_at:%Y-%m-%d %H:%M}"


class WorkOrder(models.Model):
    number = models.CharField(_("工单编号"), max_length=30, unique=True)
    company = models.ForeignKey("org.Company", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("受理渠道"), max_length=20, choices=Channel.choices)
    type = models.CharField(_("工单类型"), max_length=20, choices=OrderType.choices)
    complaint_class = models.CharField(
        _("投诉分类"), max_length=20, choices=ComplaintClass.choices, blank=True, default=""
    )
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    # What triage suggested at intake (WO-6), beside the agent's final type, class and urgency
    # above: the agreement between the two is a figure. Empty on orders taken before it was kept.
    suggested_type = models.CharField(_("建议类型"), max_length=20, blank=True, default="")
    suggested_class = models.CharField(_("建议投诉分类"), max_length=20, blank=True, default="")
    suggested_urgency = models.CharField(_("建议紧急程度"), max_length=10, blank=True, default="")
    suggestion_confidence = models.FloatField(_("建议置信度"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    text = models.TextField(_("客户诉求"))
    location = models.CharField(_("地点"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    account = models.ForeignKey(
        "customers.Account", on_delete=models.PROTECT, null=True, blank=True, related_name="work_orders"
    )
    area_type = models.CharField(_("区域类型"), max_length=10, choices=AreaType.choices, default=AreaType.URBAN)
    feeder = models.ForeignKey("customers.Feeder", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    transformer_area = models.ForeignKey(
        "customers.TransformerArea", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Where it is handled: the responsible unit, and the hall or crew it was dispatched to.
    supply_unit = models.ForeignKey(
        "org.SupplyUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="work_orders"
    )
    hall = models.ForeignKey("org.Hall", on_delete=models.PROTECT, null=True, blank=True, related_name="work_orders")
    crew = models.CharField(_("抢修班组"), max_length=100, blank=True)
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, null=True, blank=True, related_name="orders")
    # First-ask responsibility (WO-2): the owner until it closes or is handed over.
    owner = models.ForeignKey("org.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="work_orders")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(_("受理时间"), db_index=True)
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("到达现场时间"), null=True, blank=True)
    restored_at = models.DateTimeField(_("恢复送电时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    paused_at = models.DateTimeField(_("等待客户起始"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("重新处理次数"), default=0)
    verified = models.BooleanField(_("投诉查实"), default=False)
    # Chosen at intake or, at the latest, when the complaint is closed (ASSESS-6).
    complaint_cause = models.ForeignKey(
        ComplaintCause,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("投诉原因"),
    )

    # Urging (催办, issue 18): an urging order names the order it urges; the urged order counts them.
    urges = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="urgings", verbose_name=_("催办工单")
    )
    urge_count = models.PositiveSmallIntegerField(_("催办次数"), default=0)
    # A duplicate merged into this order (status MERGED): its history and attachments show there.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged", verbose_name=_("并入工单")
    )

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        constraints = [
            models.CheckConstraint(
                condition=Q(type="complaint") | Q(complaint_class=""), name="only_complaints_have_a_class"
            ),
            models.CheckConstraint(
                condition=Q(type="complaint") | Q(complaint_cause__isnull=True), name="only_complaints_have_a_cause"
            ),
        ]
        indexes = [
            models.Index(fields=["company", "status"]),
            models.Index(fields=["supply_unit", "status"]),
            models.Index(fields=["account", "type", "received_at"]),
        ]

    def __str__(self) -> str:
        return self.number


class Deadline(models.Model):
    """One commitment of an order (contact, arrival, restoration, reply) and whether it was kept."""

    class Kind(models.TextChoices):
        CONTACT = "contact", _("联系客户")
        ARRIVAL = "arrival", _("到达现场")
        RESTORATION = "restoration", _("恢复送电")
        REPLY = "reply", _("答复客户")

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(_("时限"), max_length=20, choices=Kind.choices)
    due_at = models.DateTimeField(_("到期时间"))
    warn_at = models.DateTimeField(_("预警时间"))
    met_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # Working-day deadlines keep what they were reckoned from, so a year's holiday notice added
    # later can recompute them exactly (services/recalendar.py).
    start_at = models.DateTimeField(null=True, blank=True)
    working_days = models.PositiveSmallIntegerField(null=True, blank=True)
    # Reckoned over a year whose holiday notice was missing (Monday-Friday assumed).
    provisional = models.BooleanField(_("暂定"), default=False)
    provisional_years = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("工单时限")
        verbose_name_plural = _("工单时限")
        indexes = [
            models.Index(fields=["due_at"], condition=Q(met_at__isnull=True), name="deadline_open_due"),
            models.Index(fields=["warn_at"], condition=Q(met_at__isnull=True), name="deadline_open_warn"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind} {self.due_at:%Y-%m-%d %H:%M}"


class OrderEvent(Event):
    """Append-only history of an order: every step and who did it (WO-2)."""

    class Type(models.TextChoices):
        RECEIVED = "received", _("受理")
        TRANSITION = "transition", _("状态变更")
        HANDED_OVER = "handed_over", _("转交")
        CONTACTED = "contacted", _("联系客户")
        PAUSED = "paused", _("等待客户")
        RESUMED = "resumed", _("恢复处理")
        MERGED = "merged", _("并入故障事件")
        WARNED = "warned", _("时限预警")
        ESCALATED = "escalated", _("超时升级")
        CALLED_BACK = "called_back", _("回访")
        REOPENED = "reopened", _("重新处理")
        VERIFIED = "verified", _("投诉查实")
        TRIAGE_OVERRIDDEN = "triage_overridden", _("人工修改分类")
        OUTAGE_CONFIRMED = "outage_confirmed", _("确认为停电")
        PROVISIONAL = "provisional_deadline", _("时限暂按周一至周五计算")
        RECOMPUTED = "deadline_recomputed", _("按节假日安排重算时限")
        CAUSE_SET = "cause_set", _("投诉原因")
        RATED = "rated", _("客户评价")
        # The desk (issue 18)
        NOTE = "note", _("内部备注")
        PUBLIC_REPLY = "public_reply", _("答复客户")
        ATTACHED = "attached", _("上传附件")
        URGED = "urged", _("客户催办")
        MERGED_INTO = "merged_into", _("合并至工单")
        ABSORBED = "absorbed", _("合并重复工单")

    order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(max_length=30, choices=Type.choices)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("工单记录")
        verbose_name_plural = _("工单记录")

    def __str__(self) -> str:
        return f"{self.order_id} {self.type}"


class CallBackSource(models.TextChoices):
    AGENT = "agent", _("坐席回访")
    CUSTOMER = "customer", _("客户在线答复")


class CallBack(models.Model):
    """回访 after closing (WO-5): an agent's call, or the customer's own answer in the portal or
    the app (no staff actor then)."""

    order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="callbacks")
    reached = models.BooleanField(_("联系上客户"))
    satisfied = models.BooleanField(_("满意"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    source = models.CharField(
        _("回访方式"), max_length=10, choices=CallBackSource.choices, default=CallBackSource.AGENT
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        constraints = [
            models.CheckConstraint(
                condition=Q(reached=True) | Q(satisfied__isnull=True), name="unreached_has_no_verdict"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.created_at:%Y-%m-%d}"


class OrderRating(models.Model):
    """The customer's rating of a closed order (1-5 stars, WO-5): one per order, given in the
    portal or the app."""

    order = models.OneToOneField(WorkOrder, on_delete=models.PROTECT, related_name="rating")
    score = models.PositiveSmallIntegerField(_("评分"))
    comment = models.CharField(_("评价内容"), max_length=300, blank=True)
    channel = models.CharField(_("评价渠道"), max_length=20, choices=Channel.choices)
    created_at = models.DateTimeField(_("评价时间"))

    class Meta:
        verbose_name = _("工单评价")
        verbose_name_plural = _("工单评价")
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1) & Q(score__lte=5), name="order_rating_one_to_five")
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.score}"


class TriageOverride(models.Model):
    """A suggestion the agent changed, kept to retrain the triage model (WO-6)."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()
    suggested_type = models.CharField(max_length=20)
    suggested_class = models.CharField(max_length=20, blank=True)
    chosen_type = models.CharField(max_length=20)
    chosen_class = models.CharField(max_length=20, blank=True)
    suggested_urgency = models.CharField(max_length=10, blank=True, default="")
    chosen_urgency = models.CharField(max_length=10, blank=True, default="")
    confidence = models.FloatField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("分类人工修正")
        verbose_name_plural = _("分类人工修正")

    def __str__(self) -> str:
        return f"{self.suggested_type}→{self.chosen_type}"


class StaffFinding(models.Model):
    """A complaint found true against a staff member, for assessment (WO-7: 一次申告查实待岗)."""

    order = models.OneToOneField(WorkOrder, on_delete=models.PROTECT, related_name="finding")
    staff = models.ForeignKey("org.Staff", on_delete=models.PROTECT, related_name="complaint_findings")
    consequence = models.CharField(_("处理"), max_length=50, default="standby")
    note = models.CharField(_("查实情况"), max_length=500)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("投诉查实记录")
        verbose_name_plural = _("投诉查实记录")

    def __str__(self) -> str:
        return f"{self.staff_id} {self.order_id}"


class ConnectionCategory(models.TextChoices):
    RESIDENTIAL = "residential", _("居民")
    LOW_VOLTAGE = "low_voltage", _("低压非居民")
    HV_SINGLE = "high_voltage_single", _("高压单电源")
    HV_DUAL = "high_voltage_dual", _("高压双电源")


class Stage(models.TextChoices):
    APPLICATION = "application", _("业务受理")
    SITE_SURVEY = "site_survey", _("现场勘查")
    SUPPLY_PLAN = "supply_plan", _("供电方案答复")
    DESIGN_REVIEW = "design_review", _("设计审查")
    CONSTRUCTION = "construction", _("工程施工")
    INSPECTION = "inspection", _("竣工检验")
    METER_INSTALLATION = "meter_installation", _("装表")
    POWER_ON = "power_on", _("接电")
    DONE = "done", _("已送电")


class ConnectionManager(models.Manager["NewConnection"]):
    """Rows come without ``capacity_kva``, which no list or step reads: SQLite keeps whatever was
    written, and one legacy value the column type cannot convert back ("1e300") broke every
    list of its unit. Where it is shown, it is read as text (``selectors.connection_capacity_text``)."""

    def get_queryset(self) -> models.QuerySet[NewConnection]:
        return super().get_queryset().defer("capacity_kva")


class NewConnection(models.Model):
    """业扩报装 (WO-8): an application for a new supply, run stage by stage."""

    number = models.CharField(_("申请编号"), max_length=30, unique=True)
    company = models.ForeignKey("org.Company", on_delete=models.PROTECT, related_name="+")
    supply_unit = models.ForeignKey("org.SupplyUnit", on_delete=models.PROTECT, related_name="+")
    account_manager = models.ForeignKey(
        "org.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="new_connections"
    )
    applicant = models.CharField(_("申请人"), max_length=100)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("用电地址"), max_length=200)
    category = models.CharField(_("类别"), max_length=30, choices=ConnectionCategory.choices)
    capacity_kva = models.DecimalField(_("申请容量(kVA)"), max_digits=10, decimal_places=1, default=0)
    stage = models.CharField(_("环节"), max_length=30, choices=Stage.choices, default=Stage.APPLICATION)
    applied_at = models.DateTimeField(_("受理时间"))
    due_at = models.DateTimeField(_("总时限"))
    stage_started_at = models.DateTimeField(_("本环节开始"))
    stage_due_at = models.DateTimeField(_("本环节时限"), null=True, blank=True)
    completed_at = models.DateTimeField(_("送电时间"), null=True, blank=True)
    # The stage or total deadline was reckoned over a year without a holiday notice.
    provisional = models.BooleanField(_("暂定"), default=False)
    provisional_years = models.JSONField(default=list, blank=True)

    objects = ConnectionManager()

    class Meta:
        verbose_name = _("业扩报装")
        verbose_name_plural = _("业扩报装")

    def __str__(self) -> str:
        return self.number


class ConnectionStep(models.Model):
    """Append-only history of a new connection: each stage, its limit and who finished it."""

    connection = models.ForeignKey(NewConnection, on_delete=models.PROTECT, related_name="steps")
    stage = models.CharField(max_length=30, choices=Stage.choices)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField()
    on_time = models.BooleanField()
    note = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["finished_at", "id"]
        verbose_name = _("报装环节记录")
        verbose_name_plural = _("报装环节记录")

    def __str__(self) -> str:
        return f"{self.connection_id} {self.stage}"


class ConnectionEvent(Event):
    """Append-only history of a new connection besides its stages: deadlines reckoned
    provisionally and recomputed when a year's holiday notice is added."""

    class Type(models.TextChoices):
        PROVISIONAL = "provisional_deadline", _("时限暂按周一至周五计算")
        RECOMPUTED = "deadline_recomputed", _("按节假日安排重算时限")

    connection = models.ForeignKey(NewConnection, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(max_length=30, choices=Type.choices)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("报装记录")
        verbose_name_plural = _("报装记录")

    def __str__(self) -> str:
        return f"{self.connection_id} {self.type}"


# -- the desk (issue 18): attachments, the staff inbox, saved searches, triage model versions -----


def attachment_path(instance: Attachment, filename: str) -> str:
    """Where a file is stored: a random name under the order's id (never the name the user gave)."""
    import uuid

    return f"workorders/{instance.order_id}/{uuid.uuid4().hex}.{instance.kind}"


class Attachment(models.Model):
    """A file on an order (a photo of the fault, a document), stored in the default storage under
    a random name; its kind was read from its content (``rules.sniff``), not from its name."""

    order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    name = models.CharField(_("文件名"), max_length=120)
    kind = models.CharField(_("类型"), max_length=10)  # jpg, png, pdf, docx, xlsx
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("工单附件")
        verbose_name_plural = _("工单附件")

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.kind in ("jpg", "png")


class InboxReason(models.TextChoices):
    HANDED_OVER = "handed_over", _("转交给我")
    WARNED = "warned", _("时限预警")
    ESCALATED = "escalated", _("升级督办")
    CALLBACK_DUE = "callback_due", _("待回访")
    URGED = "urged", _("客户催办")


class InboxItem(models.Model):
    """Something that waits for one person on one order (the staff inbox). It waits while the
    order is open (a call-back: while it is closed and not called back) and nobody marked it done;
    the same reason again on the same order raises ``times`` instead of adding a row."""

    staff = models.ForeignKey("org.Staff", on_delete=models.CASCADE, related_name="inbox")
    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="inbox_items")
    reason = models.CharField(_("事由"), max_length=20, choices=InboxReason.choices)
    times = models.PositiveSmallIntegerField(default=1)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("待办提醒")
        verbose_name_plural = _("待办提醒")
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "order", "reason"], condition=Q(done_at__isnull=True), name="one_open_inbox_item"
            )
        ]
        indexes = [models.Index(fields=["staff", "done_at"], name="inbox_staff_open")]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.order_id} {self.reason}"


class SavedSearch(models.Model):
    """A person's named search of the order list (the query string of its filters)."""

    staff = models.ForeignKey("org.Staff", on_delete=models.CASCADE, related_name="saved_order_searches")
    name = models.CharField(_("名称"), max_length=40)
    query = models.CharField(_("查询条件"), max_length=1000)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("常用查询")
        verbose_name_plural = _("常用查询")
        constraints = [models.UniqueConstraint(fields=["staff", "name"], name="saved_search_name_once")]

    def __str__(self) -> str:
        return self.name


class TriageModel(models.Model):
    """One retraining of the triage models (WO-6, issue 18): the candidate's and the then current
    model's accuracy on the same held-out set, and whether the candidate was adopted. The adopted
    version with the highest number is what suggests; ``blob`` is the pickled pair of pipelines."""

    version = models.PositiveIntegerField(unique=True)
    trained_at = models.DateTimeField(_("训练时间"))
    overrides = models.PositiveIntegerField(_("人工修正数"))
    examples = models.PositiveIntegerField(_("训练样本数"))
    held_out = models.PositiveIntegerField(_("留出样本数"))
    candidate_accuracy = models.FloatField(_("新模型准确率"))
    current_accuracy = models.FloatField(_("原模型准确率"))
    candidate_class_accuracy = models.FloatField(null=True, blank=True)
    current_class_accuracy = models.FloatField(null=True, blank=True)
    previous_version = models.PositiveIntegerField(null=True, blank=True)  # the current one then (None: built-in)
    adopted = models.BooleanField(_("已采用"), default=False)
    blob = models.BinaryField()

    class Meta:
        ordering = ["-version"]
        verbose_name = _("分类模型版本")
        verbose_name_plural = _("分类模型版本")

    def __str__(self) -> str:
        return f"v{self.version}"
