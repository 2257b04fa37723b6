"""Planning (PLAN-1..3, issue 17): staffing plans per hall and half hour, the roster they are
compared with, and the outlet-network studies (营业网点规划) with their candidate sites.

A plan and a study are the planner's records; the forecasts, queueing figures, simulations and
the facility-location model that fill them are pure functions in ``rules`` (no database)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridcare.core.models import Event


class Roster(models.Model):
    """The counters a hall has open in one half hour of one day, as entered by its manager or a
    planner (where no entry exists, the plan compares with the hall's own history)."""

    hall = models.ForeignKey("org.Hall", on_delete=models.PROTECT, related_name="+", verbose_name=_("营业厅"))
    day = models.DateField(_("日期"))
    slot = models.TimeField(_("时段开始"))  # the start of a half hour, Beijing time
    counters = models.PositiveSmallIntegerField(_("开放窗口数"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("录入时间"))

    class Meta:
        verbose_name = _("排班")
        verbose_name_plural = _("排班")
        constraints = [models.UniqueConstraint(fields=["hall", "day", "slot"], name="planning_roster_one_per_slot")]
        ordering = ["hall_id", "day", "slot"]

    def __str__(self) -> str:
        return f"{self.hall} {self.day} {self.slot:%H:%M} × {self.counters}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ADOPTED = "adopted", _("已采用")
    SUPERSEDED = "superseded", _("已被替代")


class StaffingPlan(models.Model):
    """Counters needed per half hour of a date range at one hall, from the forecast and the
    waiting targets (PLAN-1). A draft is run through the simulation before it is adopted; an
    adopted plan supersedes the earlier adopted one of the same hall and days."""

    hall = models.ForeignKey("org.Hall", on_delete=models.PROTECT, related_name="+", verbose_name=_("营业厅"))
    first_day = models.DateField(_("开始日期"))
    last_day = models.DateField(_("结束日期"))
    wait_target_minutes = models.PositiveSmallIntegerField(_("平均等候目标（分钟）"))
    share_target_percent = models.DecimalField(_("15分钟内办理比例目标（%）"), max_digits=5, decimal_places=2)
    diversion_percent = models.DecimalField(_("自助分流比例（%）"), max_digits=5, decimal_places=2, default=0)
    status = models.CharField(_("状态"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    # The forecast's backtest (MAPE, the seasonal-naive baseline's, their ratio) when it was made.
    forecast = models.JSONField(_("预测检验"), default=dict, blank=True)
    # The customers' mean patience the leaving figures were reckoned with (Erlang A): the hall's
    # estimate from its history, else the setting; None: nobody is taken to leave.
    patience_minutes = models.DecimalField(
        _("平均耐心时长（分钟）"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    # The simulation the plan was run through before adoption (mean wait and its 95% interval,
    # share within 15 minutes, abandonment, utilisation, replications, seed).
    simulation = models.JSONField(_("仿真结果"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("制定时间"))
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    adopted_at = models.DateTimeField(_("采用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("排班计划")
        verbose_name_plural = _("排班计划")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(last_day__gte=models.F("first_day")), name="planning_plan_days")
        ]

    def __str__(self) -> str:
        return f"{self.hall} {self.first_day}～{self.last_day}"


class StaffingSlot(models.Model):
    """One half hour of a plan: the forecast arrivals, the counters needed, the counters open."""

    plan = models.ForeignKey(StaffingPlan, on_delete=models.CASCADE, related_name="slots")
    day = models.DateField()
    slot = models.TimeField()
    arrivals = models.DecimalField(max_digits=9, decimal_places=2)  # forecast tickets in the half hour
    needed = models.PositiveSmallIntegerField()
    open = models.PositiveSmallIntegerField(null=True, blank=True)  # roster or history; None: not known
    # The share of the half hour's customers expected to leave unserved (Erlang A, %), with the
    # counters needed and with those open (None: open not known, or no patience to reckon with).
    leaving_needed = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    leaving_open = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "day", "slot"], name="planning_slot_one_per_plan")]
        ordering = ["plan_id", "day", "slot"]

    def __str__(self) -> str:
        return f"{self.day} {self.slot:%H:%M}: {self.needed}"


class SiteKind(models.TextChoices):
    EXISTING = "existing", _("现有营业厅")
    CANDIDATE = "candidate", _("候选网点")


class CandidateSite(models.Model):
    """A place a hall is or could be (PLAN-3): an existing hall or a candidate site, where it is,
    how many counters it can hold and what it costs a year (yuan)."""

    company = models.ForeignKey("org.Company", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=10, choices=SiteKind.choices)
    hall = models.OneToOneField(
        "org.Hall", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("营业厅")
    )
    name = models.CharField(_("名称"), max_length=100)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6)
    max_counters = models.PositiveSmallIntegerField(_("最多窗口数"))
    fixed_cost = models.DecimalField(_("年固定成本（元）"), max_digits=14, decimal_places=2)
    counter_cost = models.DecimalField(_("每窗口年成本（元）"), max_digits=14, decimal_places=2)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("网点")
        verbose_name_plural = _("网点")
        ordering = ["company_id", "kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="candidate", hall__isnull=True) | models.Q(kind="existing", hall__isnull=False),
                name="planning_site_existing_is_a_hall",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ScenarioStatus(models.TextChoices):
    DRAFT = "draft", _("待求解")
    SOLVED = "solved", _("已求解")
    INFEASIBLE = "infeasible", _("无可行解")


class NetworkScenario(models.Model):
    """One run of the outlet-network model (PLAN-3): its parameters (distance limit, capacity per
    counter, costs, sites kept or barred), and the answer the solver gave (sites opened, counters,
    demand served within the limit, cost, the 撤/并/移/改/建 recommendations)."""

    company = models.ForeignKey("org.Company", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("方案名称"), max_length=100)
    parameters = models.JSONField(_("参数"), default=dict)
    status = models.CharField(_("状态"), max_length=12, choices=ScenarioStatus.choices, default=ScenarioStatus.DRAFT)
    result = models.JSONField(_("求解结果"), default=dict, blank=True)
    solve_seconds = models.DecimalField(_("求解用时（秒）"), max_digits=8, decimal_places=2, null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"))
    solved_at = models.DateTimeField(_("求解时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("网点规划方案")
        verbose_name_plural = _("网点规划方案")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class PlanningEvent(Event):
    """The history of the planners' records: a plan made, simulated, adopted, superseded; a
    roster entered; a site added or changed; a scenario solved."""

    plan = models.ForeignKey(StaffingPlan, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    site = models.ForeignKey(CandidateSite, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    scenario = models.ForeignKey(
        NetworkScenario, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    hall = models.ForeignKey("org.Hall", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta(Event.Meta):
        verbose_name = _("规划记录")
        verbose_name_plural = _("规划记录")
