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
