"""The assessment app's tables: the daily roll-ups the figures are read from (ASSESS-2), each
person's post state (ASSESS-3, WO-7) and the rewards and penalties ledger (ASSESS-1).

A roll-up row is one day of one person's work at one place. The worker writes a day once it
has ended (``services.rollup.rollup_day``: the day's rows are replaced in one transaction, so a
day can be rolled up again), and every figure of any period is summed from these rows instead
of from a year of tickets. Times are kept whole (every waiting and handling time of the row, in
microseconds, sorted) so that means and the 90th percentile of any group of rows are exactly
those of the raw tickets, not an approximation from buckets.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gridcare.core.models import Event


class ServiceDay(models.Model):
    """One day of hall service: the tickets one clerk called at one counter. The tickets nobody
    called (left before their turn) have a row of their own, without counter and clerk."""

    day = models.DateField(_("日期"))
    company = models.ForeignKey("org.Company", on_delete=models.PROTECT, related_name="+", db_constraint=False)
    unit = models.ForeignKey("org.SupplyUnit", on_delete=models.PROTECT, related_name="+", db_constraint=False)
    hall = models.ForeignKey("org.Hall", on_delete=models.PROTECT, related_name="+", db_constraint=False)
    counter = models.ForeignKey(
        "org.Counter", on_delete=models.PROTECT, null=True, related_name="+", db_constraint=False
    )
    staff = models.ForeignKey("org.Staff", on_delete=models.PROTECT, null=True, related_name="+", db_constraint=False)
    tickets = models.PositiveIntegerField(_("取号数"), default=0)
    served = models.PositiveIntegerField(_("办结数"), default=0)
    no_show = models.PositiveIntegerField(_("过号数"), default=0)
    abandoned = models.PositiveIntegerField(_("离开数"), default=0)
    evaluated = models.PositiveIntegerField(_("评价数"), default=0)
    satisfied = models.PositiveIntegerField(_("满意数"), default=0)  # 非常满意 + 满意
    dissatisfied = models.PositiveIntegerField(_("不满意数"), default=0)
    # Every waiting time (issued → first called) and handling time (called → finished) of the
    # row's tickets in microseconds, sorted, as little-endian int64 (rules.times_pack).
    waits = models.BinaryField(default=b"")
    handles = models.BinaryField(default=b"")

    class Meta:
        verbose_name = _("服务日汇总")
        verbose_name_plural = _("服务日汇总")
        indexes = [
            models.Index(fields=["day", "company"], name="assess_service_day_idx"),
            models.Index(fields=["staff", "day"], name="assess_service_staff_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.hall_id}/{self.counter_id}/{self.staff_id}"


class OrderDay(models.Model):
    """One day of 95598 work orders for one person in one unit (and hall): orders received and
    closed by their owner, deadlines due that day and met, call-backs of their orders, and the
    complaints found true against them. Rows without a person hold what had no owner."""

    day = models.DateField(_("日期"))
    company = models.ForeignKey("org.Company", on_delete=models.PROTECT, related_name="+", db_constraint=False)
    unit = models.ForeignKey(
        "org.SupplyUnit", on_delete=models.PROTECT, null=True, related_name="+", db_constraint=False
    )
    hall = models.ForeignKey("org.Hall", on_delete=models.PROTECT, null=True, related_name="+", db_constraint=False)
    staff = models.ForeignKey("org.Staff", on_delete=models.PROTECT, null=True, related_name="+", db_constraint=False)
    received = models.PositiveIntegerField(_("受理工单"), default=0)
    complaints = models.PositiveIntegerField(_("投诉工单"), default=0)
    closed = models.PositiveIntegerField(_("办结工单"), default=0)
    deadlines_due = models.PositiveIntegerField(_("到期时限"), default=0)
    deadlines_met = models.PositiveIntegerField(_("按时完成"), default=0)
    callbacks_reached = models.PositiveIntegerField(_("回访联系上"), default=0)
    callbacks_satisfied = models.PositiveIntegerField(_("回访满意"), default=0)
    verified = models.PositiveIntegerField(_("查实投诉"), default=0)

    class Meta:
        verbose_name = _("工单日汇总")
        verbose_name_plural = _("工单日汇总")
        indexes = [
            models.Index(fields=["day", "company"], name="assess_order_day_idx"),
            models.Index(fields=["staff", "day"], name="assess_order_staff_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.unit_id}/{self.staff_id}"


class RolledDay(models.Model):
    """A day that has been rolled up, and when: the worker's catch-up reads it, and the figures
    pages say up to which day they are complete."""

    day = models.DateField(_("日期"), unique=True)
    rolled_at = models.DateTimeField(_("汇总时间"))
    tickets = models.PositiveIntegerField(default=0)
    orders = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("已汇总日期")
        verbose_name_plural = _("已汇总日期")

    def __str__(self) -> str:
        return str(self.day)


# -- posts (ASSESS-3, WO-7): each person's post state and its history --------------------------


class PostStatus(models.TextChoices):
    """A person's post state. Someone without any row is on duty (在岗)."""

    TRAINING = "training", _("培训")
    ON_DUTY = "on_duty", _("在岗")
    ASSESSMENT = "assessment", _("考核")
    ROTATION = "rotation", _("轮岗")
    STANDBY = "standby", _("待岗")


class PostState(models.Model):
    """One change of a person's post state; the person's current state is their latest row
    (``selectors.current_post``). Rows are only appended (``services.posts``)."""

    staff = models.ForeignKey("org.Staff", on_delete=models.PROTECT, related_name="+", verbose_name=_("员工"))
    state = models.CharField(_("岗位状态"), max_length=20, choices=PostStatus.choices)
    since = models.DateTimeField(_("起始时间"))
    reason = models.CharField(_("原因"), max_length=500)
    # Leaving standby: the retraining the person has done (required then, recorded for audit).
    retraining = models.CharField(_("复训情况"), max_length=500, blank=True, default="")
    # Empty for the system (a complaint found true applies the rule; the finding names who found it).
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The complaint found true that caused it, if any (WO-7), and its work order's number.
    finding = models.ForeignKey(
        "workorders.StaffFinding", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    order_number = models.CharField(_("工单编号"), max_length=30, blank=True, default="")

    class Meta:
        verbose_name = _("岗位状态")
        verbose_name_plural = _("岗位状态")
        indexes = [models.Index(fields=["staff", "-id"], name="assess_post_latest_idx")]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.state}"


class PostEvent(Event):
    """The history of a person's post (the sentences of ``events.py``)."""

    class Type(models.TextChoices):
        CHANGED = "changed", _("岗位变更")
        STANDBY = "standby_for_complaint", _("投诉查实待岗")
        RESTORED = "restored", _("复训后恢复")

    staff = models.ForeignKey("org.Staff", on_delete=models.PROTECT, related_name="+")
    type = models.CharField(max_length=30, choices=Type.choices)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("岗位记录")
        verbose_name_plural = _("岗位记录")
        indexes = [models.Index(fields=["staff", "created_at"], name="assess_post_event_idx")]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.type}"


# -- the rewards and penalties ledger (奖惩台账, ASSESS-1) -----------------------------------------


class LedgerKind(models.TextChoices):
    REWARD = "reward", _("奖励")
    PENALTY = "penalty", _("处罚")


class LedgerSource(models.TextChoices):
    COMPLAINT_VERIFIED = "complaint_verified", _("投诉查实")
    PRAISE_ORDER = "praise_order", _("表扬工单")
    STAR_RATING = "star_rating", _("星级评定")
    SUPERVISOR_FINDING = "supervisor_finding", _("监察发现")
    OTHER = "other", _("其他")


class LedgerStatus(models.TextChoices):
    PROPOSED = "proposed", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")
    WITHDRAWN = "withdrawn", _("已撤回")


class LedgerEntry(models.Model):
    """A reward or penalty for one person, counted in one month: proposed by one person and
    decided (approved or rejected) by a second; only approved entries count in the totals."""

    staff = models.ForeignKey("org.Staff", on_delete=models.PROTECT, related_name="+", verbose_name=_("员工"))
    kind = models.CharField(_("类别"), max_length=10, choices=LedgerKind.choices)
    # Signed by the kind: a reward's points are >= 0, a penalty's <= 0.
    points = models.IntegerField(_("分值"), default=0)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    reason = models.CharField(_("事由"), max_length=500)
    source_kind = models.CharField(_("来源"), max_length=20, choices=LedgerSource.choices)
    source_ref = models.CharField(_("来源编号"), max_length=100, blank=True, default="")
    period = models.CharField(_("考核月份"), max_length=7)  # YYYY-MM
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("提出时间"))
    status = models.CharField(_("状态"), max_length=10, choices=LedgerStatus.choices, default=LedgerStatus.PROPOSED)
    # Who approved or rejected it (never the proposer); a withdrawal is the proposer's, in the history.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=500, blank=True, default="")

    class Meta:
        verbose_name = _("奖惩记录")
        verbose_name_plural = _("奖惩台账")
        indexes = [
            models.Index(fields=["period", "status"], name="assess_ledger_period_idx"),
            models.Index(fields=["staff", "period"], name="assess_ledger_staff_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("proposed_by")),
                name="assess_ledger_second_person",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "rejected"]) | Q(decided_by__isnull=False),
                name="assess_ledger_decided_by_someone",
            ),
            models.CheckConstraint(
                condition=Q(kind="reward", points__gte=0) | Q(kind="penalty", points__lte=0),
                name="assess_ledger_points_signed_by_kind",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="assess_ledger_amount_not_negative"
            ),
            models.CheckConstraint(condition=~Q(points=0) | Q(amount__gt=0), name="assess_ledger_points_or_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.kind} {self.period}"


class LedgerEvent(Event):
    """The history of a ledger entry."""

    class Type(models.TextChoices):
        PROPOSED = "proposed", _("提出")
        APPROVED = "approved", _("批准")
        REJECTED = "rejected", _("驳回")
        WITHDRAWN = "withdrawn", _("撤回")

    entry = models.ForeignKey(LedgerEntry, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(max_length=30, choices=Type.choices)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("奖惩记录历史")
        verbose_name_plural = _("奖惩记录历史")

    def __str__(self) -> str:
        return f"{self.entry_id} {self.type}"


# -- star standards (星级服务标准, ASSESS-1) -----------------------------------------------------------


class StarPost(models.TextChoices):
    """Whom a standard set rates: a person by their post, or a place."""

    COUNTER_CLERK = "counter_clerk", _("柜台营业员")
    HALL_GUIDE = "hall_guide", _("大堂引导员")
    AGENT_95598 = "agent_95598", _("95598坐席")
    COUNTER = "counter", _("柜台")
    HALL = "hall", _("营业厅")
    UNIT = "unit", _("供电单位")


class StandardSet(models.Model):
    """One version of the measurable standards of a post, in force from ``valid_from`` (the first
    day of a month) until a later version of the same post. A set once used by a rating is never
    changed: a change is a new version (``services.stars``)."""

    post = models.CharField(_("适用岗位"), max_length=20, choices=StarPost.choices)
    version = models.PositiveIntegerField(_("版本"))
    valid_from = models.DateField(_("生效月份"))
    note = models.CharField(_("说明"), max_length=500, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("星级标准")
        verbose_name_plural = _("星级标准")
        constraints = [
            models.UniqueConstraint(fields=["post", "version"], name="assess_standard_set_version"),
            models.UniqueConstraint(fields=["post", "valid_from"], name="assess_standard_set_month"),
        ]

    def __str__(self) -> str:
        return f"{self.post} v{self.version}"


class Comparison(models.TextChoices):
    AT_LEAST = "at_least", _("不低于")
    AT_MOST = "at_most", _("不高于")


class Standard(models.Model):
    """One standard of a set: a figure (``rules.figures.FIGURE_DIRECTION``), its threshold and
    its weight in the score."""

    standard_set = models.ForeignKey(StandardSet, on_delete=models.CASCADE, related_name="standards")
    position = models.PositiveSmallIntegerField(_("序号"))
    figure = models.CharField(_("指标"), max_length=30)
    comparison = models.CharField(_("比较"), max_length=10, choices=Comparison.choices)
    threshold = models.DecimalField(_("标准值"), max_digits=12, decimal_places=4)
    weight = models.PositiveSmallIntegerField(_("权重"))

    class Meta:
        verbose_name = _("星级标准条目")
        verbose_name_plural = _("星级标准条目")
        ordering = ["standard_set", "position"]
        constraints = [
            models.UniqueConstraint(fields=["standard_set", "position"], name="assess_standard_position"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="assess_standard_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.standard_set_id} {self.figure}"


class StarRating(models.Model):
    """A month's stars (1-5) of one subject by the set in force, with the reasons: each standard's
    value, whether it was met, its weight (``reasons``: a list of dicts, ``rules.stars``)."""

    month = models.DateField(_("月份"))  # the month's first day
    level = models.CharField(_("层级"), max_length=10)  # person, counter, hall, unit (figures' levels)
    subject_id = models.BigIntegerField(_("对象"))
    post = models.CharField(_("适用岗位"), max_length=20, choices=StarPost.choices)
    standard_set = models.ForeignKey(StandardSet, on_delete=models.PROTECT, related_name="ratings")
    stars = models.PositiveSmallIntegerField(_("星级"))
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2)
    reasons = models.JSONField(_("评定依据"), default=list)
    rated_at = models.DateTimeField(_("评定时间"))

    class Meta:
        verbose_name = _("星级评定")
        verbose_name_plural = _("星级评定")
        constraints = [
            models.UniqueConstraint(fields=["month", "level", "subject_id"], name="assess_star_once_a_month"),
            models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5), name="assess_star_one_to_five"),
        ]
        indexes = [models.Index(fields=["level", "subject_id", "-month"], name="assess_star_subject_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.level}/{self.subject_id} {self.stars}"


# -- samples, social supervisors and surveys (ASSESS-4, ASSESS-5) ----------------------------------


class SamplePurpose(models.TextChoices):
    SURVEY = "survey", _("满意度调查")
    SUPERVISORS = "supervisors", _("社会监督员")


class SampleStatus(models.TextChoices):
    DRAWN = "drawn", _("已抽样")
    SENT = "sent", _("已发送")
    CLOSED = "closed", _("已结束")


class Questionnaire(models.Model):
    """One version of a questionnaire; a published version is never changed (a change is a new
    version), so every answer reads against the questions it was given."""

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        RETIRED = "retired", _("已停用")

    code = models.CharField(_("问卷编码"), max_length=30)
    version = models.PositiveIntegerField(_("版本"))
    title = models.CharField(_("标题"), max_length=200)
    intro = models.CharField(_("开头语"), max_length=500, blank=True, default="")
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("调查问卷")
        verbose_name_plural = _("调查问卷")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="assess_questionnaire_version")]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("1-10分")
    CHOICE = "choice", _("单选")
    TEXT = "text", _("文字")


class Construct(models.TextChoices):
    """The latent variables of the customer-satisfaction model (CCSI, the ECSI structure)."""

    IMAGE = "image", _("企业形象")
    EXPECTATION = "expectation", _("客户预期")
    QUALITY = "quality", _("感知质量")
    VALUE = "value", _("感知价值")
    SATISFACTION = "satisfaction", _("客户满意")
    LOYALTY = "loyalty", _("客户忠诚")


class Question(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("序号"))
    code = models.CharField(_("题目编码"), max_length=20)  # the indicator's name in the model (q1, img1 …)
    kind = models.CharField(_("题型"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("题目"), max_length=300)
    choices = models.JSONField(_("选项"), default=list, blank=True)  # CHOICE: the options' texts
    construct = models.CharField(_("测量变量"), max_length=20, choices=Construct.choices, blank=True, default="")
    required = models.BooleanField(_("必答"), default=True)

    class Meta:
        verbose_name = _("问卷题目")
        verbose_name_plural = _("问卷题目")
        ordering = ["questionnaire", "position"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "position"], name="assess_question_position"),
            models.UniqueConstraint(fields=["questionnaire", "code"], name="assess_question_code"),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire_id} {self.code}"


class Sample(models.Model):
    """A stratified random sample of accounts (``rules.sampling``), reproducible from its seed:
    the population and allocation per stratum are kept beside the members drawn."""

    purpose = models.CharField(_("用途"), max_length=20, choices=SamplePurpose.choices)
    name = models.CharField(_("名称"), max_length=200)
    company = models.ForeignKey("org.Company", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("org.SupplyUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, null=True, blank=True, related_name="samples"
    )
    size = models.PositiveIntegerField(_("样本量"))
    method = models.CharField(_("分配方法"), max_length=20)  # proportional, neyman
    strata_by = models.JSONField(_("分层依据"), default=list)  # ["unit", "customer_class", "area_type"]
    seed = models.BigIntegerField(_("随机种子"))
    population = models.JSONField(_("总体构成"), default=dict)  # stratum → accounts eligible
    allocation = models.JSONField(_("样本分配"), default=dict)  # stratum → drawn
    excluded_opted_out = models.PositiveIntegerField(_("已退订排除"), default=0)
    excluded_recent = models.PositiveIntegerField(_("近期已调查排除"), default=0)
    excluded_no_phone = models.PositiveIntegerField(_("无手机号排除"), default=0)
    status = models.CharField(_("状态"), max_length=10, choices=SampleStatus.choices, default=SampleStatus.DRAWN)
    expires_at = models.DateTimeField(_("答卷截止"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("抽样")
        verbose_name_plural = _("抽样")

    def __str__(self) -> str:
        return self.name


class SampleMember(models.Model):
    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="members")
    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="+")
    stratum = models.CharField(_("层"), max_length=100)

    class Meta:
        verbose_name = _("样本成员")
        verbose_name_plural = _("样本成员")
        constraints = [models.UniqueConstraint(fields=["sample", "account"], name="assess_sample_member_once")]
        indexes = [models.Index(fields=["account", "sample"], name="assess_member_account_idx")]

    def __str__(self) -> str:
        return f"{self.sample_id} {self.account_id}"


class SocialSupervisor(models.Model):
    """A customer appointed social supervisor (社会监督员), drawn by a supervisors' sample."""

    class State(models.TextChoices):
        INVITED = "invited", _("已邀请")
        ACTIVE = "active", _("在聘")
        DECLINED = "declined", _("已谢绝")
        ENDED = "ended", _("已解聘")

    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="+")
    sample = models.ForeignKey(Sample, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    unit = models.ForeignKey("org.SupplyUnit", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.INVITED)
    term_start = models.DateField(_("聘期开始"), null=True, blank=True)
    term_end = models.DateField(_("聘期结束"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=500, blank=True, default="")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("社会监督员")
        verbose_name_plural = _("社会监督员")
        constraints = [
            models.UniqueConstraint(fields=["sample", "account"], name="assess_supervisor_once_per_sample"),
            models.CheckConstraint(
                condition=Q(term_start__isnull=True) | Q(term_end__isnull=True) | Q(term_end__gte=F("term_start")),
                name="assess_supervisor_term_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.state}"


class SupervisorEvent(Event):
    """The history of a social supervisor: invited by a sample, appointed for a term, declined,
    ended (the sentences of ``events_surveys.py``)."""

    class Type(models.TextChoices):
        INVITED = "invited", _("邀请")
        STATE = "state", _("状态变更")

    supervisor = models.ForeignKey(SocialSupervisor, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(max_length=30, choices=Type.choices)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("社会监督员记录")
        verbose_name_plural = _("社会监督员记录")

    def __str__(self) -> str:
        return f"{self.supervisor_id} {self.type}"


class InviteChannel(models.TextChoices):
    SMS = "sms", _("短信链接")
    PAD = "pad", _("评价器")
    CALLBACK = "callback", _("回访后")


class SurveyInvite(models.Model):
    """One customer's invitation to answer a questionnaire: a token (only its hash is kept),
    answered once, before it expires."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="invites")
    sample = models.ForeignKey(Sample, on_delete=models.PROTECT, null=True, blank=True, related_name="invites")
    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    channel = models.CharField(_("渠道"), max_length=10, choices=InviteChannel.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    source_ref = models.CharField(_("来源编号"), max_length=50, blank=True, default="")  # ticket or order
    created_at = models.DateTimeField(_("发出时间"))
    expires_at = models.DateTimeField(_("截止时间"))
    answered_at = models.DateTimeField(_("答卷时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("调查邀请")
        verbose_name_plural = _("调查邀请")
        indexes = [models.Index(fields=["sample", "answered_at"], name="assess_invite_sample_idx")]
        # A sample invites each member once (sending twice sends once).
        constraints = [
            models.UniqueConstraint(
                fields=["sample", "account"],
                condition=Q(sample__isnull=False, account__isnull=False),
                name="assess_invite_once_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire_id} {self.channel}"


class SurveyResponse(models.Model):
    """The answers of one invitation: ``answers`` maps a question's code to its value (a 1-10
    score, a choice's text, free text); ``comment`` is the free text the topics read."""

    invite = models.OneToOneField(SurveyInvite, on_delete=models.PROTECT, related_name="response")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="responses")
    answered_at = models.DateTimeField(_("答卷时间"))
    answers = models.JSONField(_("答案"), default=dict)
    comment = models.TextField(_("意见建议"), blank=True, default="")
    unit = models.ForeignKey("org.SupplyUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("调查答卷")
        verbose_name_plural = _("调查答卷")
        indexes = [models.Index(fields=["questionnaire", "answered_at"], name="assess_response_q_idx")]

    def __str__(self) -> str:
        return f"{self.questionnaire_id} {self.answered_at:%Y-%m-%d}"


# -- root causes, improvement actions and reports (ASSESS-5, ASSESS-6, ASSESS-7) -------------------


class TopicMonth(models.Model):
    """The recurring topics of one month's free text (survey comments or complaint texts) of a
    supply unit or of a company (``level``, ``subject_id`` as the monthly reports): ``topics`` is
    a list of {"words": [...], "count": n, "examples": [...]}, examples masked."""

    class Source(models.TextChoices):
        SURVEYS = "surveys", _("调查意见")
        COMPLAINTS = "complaints", _("投诉内容")

    month = models.DateField(_("月份"))
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    level = models.CharField(_("层级"), max_length=10, default="company")  # unit, company
    subject_id = models.BigIntegerField(_("对象"), default=0)
    documents = models.PositiveIntegerField(_("文本数"), default=0)
    topics = models.JSONField(_("主题"), default=list)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("问题主题")
        verbose_name_plural = _("问题主题")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "source", "level", "subject_id"], name="assess_topic_month_subject_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.source} {self.level}/{self.subject_id}"


class ActionResult(models.TextChoices):
    PENDING = "", _("待评估")
    EFFECTIVE = "effective", _("有效")
    NOT_SHOWN = "not_shown", _("效果不明显")
    WORSE = "worse", _("变差")


class ImprovementAction(models.Model):
    """An improvement action: what, who owns it, by when, the figure of a subject it should move
    and by how much; after the due date the figure before and after is compared
    (``rules.effect.effect_test``) and the result kept with its test."""

    title = models.CharField(_("措施"), max_length=200)
    description = models.TextField(_("内容"), blank=True, default="")
    owner = models.ForeignKey("org.Staff", on_delete=models.PROTECT, related_name="+", verbose_name=_("责任人"))
    level = models.CharField(_("层级"), max_length=10)  # person, counter, hall, unit, company
    subject_id = models.BigIntegerField(_("对象"))
    figure = models.CharField(_("指标"), max_length=30)
    expected_change = models.DecimalField(_("预期变化"), max_digits=12, decimal_places=4)
    started_on = models.DateField(_("开始日期"))
    due_on = models.DateField(_("完成期限"))
    window_days = models.PositiveSmallIntegerField(_("对比天数"), default=30)
    result = models.CharField(_("效果"), max_length=10, choices=ActionResult.choices, blank=True, default="")
    evaluation = models.JSONField(_("评估"), default=dict, blank=True)  # before, after, test, p value
    evaluated_at = models.DateTimeField(_("评估时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("改进措施")
        verbose_name_plural = _("改进措施")
        indexes = [models.Index(fields=["due_on", "result"], name="assess_action_due_idx")]
        constraints = [models.CheckConstraint(condition=Q(due_on__gte=F("started_on")), name="assess_action_dates")]

    def __str__(self) -> str:
        return self.title


class ActionEvent(Event):
    """The history of an improvement action: created, edited, evaluated (the sentences of
    ``events_actions.py``)."""

    class Type(models.TextChoices):
        CREATED = "created", _("创建措施")
        EDITED = "edited", _("修改措施")
        EVALUATED = "evaluated", _("评估效果")

    action = models.ForeignKey(ImprovementAction, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(max_length=30, choices=Type.choices)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("改进措施记录")
        verbose_name_plural = _("改进措施记录")

    def __str__(self) -> str:
        return f"{self.action_id} {self.type}"


class MonthlyReport(models.Model):
    """A month's management report of a unit or of the company, archived: the numbers (one JSON
    the page, the workbook and the PDF are all made from) and the two files."""

    month = models.DateField(_("月份"))
    level = models.CharField(_("层级"), max_length=10)  # unit, company
    subject_id = models.BigIntegerField(_("对象"))
    numbers = models.JSONField(_("数据"), default=dict)
    workbook = models.BinaryField(default=b"")
    pdf = models.BinaryField(default=b"")
    generated_at = models.DateTimeField(_("生成时间"))

    class Meta:
        verbose_name = _("月度报告")
        verbose_name_plural = _("月度报告")
        constraints = [
            models.UniqueConstraint(fields=["month", "level", "subject_id"], name="assess_report_once_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.level}/{self.subject_id}"
