"""Key accounts and proactive service (用电大客户服务, SPEC KEY-1 to KEY-4, issue 16).

Who manages an account or a 台区 is the archive's (``customers.Account.key_account_manager``,
``customers.TransformerArea.community_manager``, changed only through customers' services); this
app keeps the history of those assignments, the key account's profile (industry, outage impact),
the visits with their structured facts, needs and follow-ups, the versioned emergency supply
plans, the load-data imports and the remote-service findings. The 15-minute load data itself is
not here: it is Parquet files queried with DuckDB (``keyaccounts.store``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridcare.core.models import Event


class Industry(models.TextChoices):
    """The sections (门类) of GB/T 4754-2017 国民经济行业分类."""

    A = "A", _("农、林、牧、渔业")
    B = "B", _("采矿业")
    C = "C", _("制造业")
    D = "D", _("电力、热力、燃气及水生产和供应业")
    E = "E", _("建筑业")
    F = "F", _("批发和零售业")
    G = "G", _("交通运输、仓储和邮政业")
    H = "H", _("住宿和餐饮业")
    I = "I", _("信息传输、软件和信息技术服务业")  # noqa: E741 (the standard's letter)
    J = "J", _("金融业")
    K = "K", _("房地产业")
    L = "L", _("租赁和商务服务业")
    M = "M", _("科学研究和技术服务业")
    N = "N", _("水利、环境和公共设施管理业")
    O = "O", _("居民服务、修理和其他服务业")  # noqa: E741
    P = "P", _("教育")
    Q = "Q", _("卫生和社会工作")
    R = "R", _("文化、体育和娱乐业")
    S = "S", _("公共管理、社会保障和社会组织")
    T = "T", _("国际组织")


class ImpactGrade(models.TextChoices):
    """用电影响度: what an interruption of supply does to the customer."""

    SEVERE = "severe", _("特别严重（危及人身安全或造成重大政治、经济损失）")
    MAJOR = "major", _("严重（造成较大经济损失或社会影响）")
    MODERATE = "moderate", _("较大（影响生产，损失可恢复）")
    MINOR = "minor", _("一般")


class KeyAccount(models.Model):
    """The key-account profile of an archive account: its industry and what an outage does to it
    (from the latest visit), and when it is next to be visited."""

    account = models.OneToOneField("customers.Account", on_delete=models.PROTECT, related_name="key_profile")
    industry = models.CharField(_("行业门类"), max_length=1, choices=Industry.choices, blank=True, default="")
    industry_note = models.CharField(_("行业说明"), max_length=100, blank=True, default="")
    impact_grade = models.CharField(_("用电影响度"), max_length=10, choices=ImpactGrade.choices, blank=True, default="")
    next_visit_on = models.DateField(_("下次走访"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("大客户档案")
        verbose_name_plural = _("大客户档案")

    def __str__(self) -> str:
        return str(self.account_id)


class AssignmentKind(models.TextChoices):
    KEY_ACCOUNT = "key_account", _("大客户经理")
    COMMUNITY = "community", _("台区经理")


class Assignment(models.Model):
    """One period of a manager for an account (大客户经理) or a 台区 (台区经理): open while
    ``until`` is empty; a new assignment closes the open one in the same transaction."""

    kind = models.CharField(_("类型"), max_length=20, choices=AssignmentKind.choices)
    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    area = models.ForeignKey(
        "customers.TransformerArea", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    staff = models.ForeignKey("org.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    since = models.DateTimeField(_("开始时间"))
    until = models.DateTimeField(_("结束时间"), null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=200, blank=True, default="")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("客户经理分配")
        verbose_name_plural = _("客户经理分配")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="key_account", account__isnull=False, area__isnull=True))
                | (Q(kind="community", area__isnull=False, account__isnull=True)),
                name="keyacc_assignment_names_its_object",
            ),
            models.UniqueConstraint(
                fields=["account"], condition=Q(until__isnull=True, kind="key_account"), name="keyacc_one_open_kam"
            ),
            models.UniqueConstraint(
                fields=["area"], condition=Q(until__isnull=True, kind="community"), name="keyacc_one_open_cm"
            ),
        ]
        indexes = [models.Index(fields=["staff", "until"], name="keyacc_assignment_staff_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.account_id or self.area_id} → {self.staff_id}"


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("已计划")
    DONE = "done", _("已走访")
    CANCELLED = "cancelled", _("已取消")


class VisitSatisfaction(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("非常满意")
    SATISFIED = "satisfied", _("满意")
    BASICALLY_SATISFIED = "basically_satisfied", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class Visit(models.Model):
    """A planned and then recorded visit (走访). The structured facts are the customer's as found
    that day, checked by ``rules.facts``:

    - ``load_composition``: [{"use": "production|hvac|lighting|office|other", "percent": n}],
      summing to 100;
    - ``critical_steps``: [{"name": "...", "tolerance_minutes": n}] — the production steps and
      how long each tolerates an interruption;
    - ``own_generation``: [{"type": "diesel|pv|gas|storage|other", "kw": "..."}].
    """

    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="+")
    manager = models.ForeignKey("org.Staff", on_delete=models.PROTECT, related_name="+")
    planned_for = models.DateField(_("计划日期"))
    status = models.CharField(_("状态"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.PLANNED)
    visited_at = models.DateTimeField(_("走访时间"), null=True, blank=True)
    purpose = models.CharField(_("走访目的"), max_length=200, blank=True, default="")
    summary = models.TextField(_("走访记录"), blank=True, default="")
    load_composition = models.JSONField(_("负荷构成"), default=list, blank=True)
    critical_steps = models.JSONField(_("关键生产环节"), default=list, blank=True)
    own_generation = models.JSONField(_("自备电源"), default=list, blank=True)
    impact_grade = models.CharField(_("用电影响度"), max_length=10, choices=ImpactGrade.choices, blank=True, default="")
    satisfaction = models.CharField(
        _("客户满意度"), max_length=20, choices=VisitSatisfaction.choices, blank=True, default=""
    )
    reminder_notice_id = models.BigIntegerField(null=True, blank=True)  # the manager's reminder in the outbox
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("客户走访")
        verbose_name_plural = _("客户走访")
        ordering = ["-planned_for", "-id"]
        indexes = [
            models.Index(fields=["manager", "planned_for"], name="keyacc_visit_manager_idx"),
            models.Index(fields=["account", "-planned_for"], name="keyacc_visit_account_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.planned_for}"


class NeedCategory(models.TextChoices):
    RELIABILITY = "reliability", _("供电可靠性")
    TARIFF = "tariff", _("电价咨询")
    CAPACITY = "capacity", _("增减容")
    ENERGY_SAVING = "energy_saving", _("节能降耗")
    SAFETY = "safety", _("用电安全")
    NEW_PROJECT = "new_project", _("新建项目")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("待办")
    IN_PROGRESS = "in_progress", _("办理中")
    MET = "met", _("已满足")
    DECLINED = "declined", _("无法满足")


class VisitNeed(models.Model):
    """A need the customer named at a visit, by category, and what became of it."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="needs")
    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("需求类别"), max_length=20, choices=NeedCategory.choices)
    text = models.CharField(_("需求内容"), max_length=500)
    status = models.CharField(_("状态"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.OPEN)

    class Meta:
        verbose_name = _("客户需求")
        verbose_name_plural = _("客户需求")
        indexes = [models.Index(fields=["category", "status"], name="keyacc_need_category_idx")]

    def __str__(self) -> str:
        return f"{self.visit_id} {self.category}"


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("待办")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class FollowUp(models.Model):
    """A task a visit left: who does it by when."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="follow_ups")
    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="+")
    text = models.CharField(_("事项"), max_length=300)
    owner = models.ForeignKey("org.Staff", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("完成期限"))
    status = models.CharField(_("状态"), max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("跟进事项")
        verbose_name_plural = _("跟进事项")
        indexes = [models.Index(fields=["owner", "status", "due_on"], name="keyacc_followup_owner_idx")]

    def __str__(self) -> str:
        return self.text


class EmergencyPlan(models.Model):
    """One version of an account's emergency supply plan (应急方案); a change is a new version, the
    previous one stays as it was. Checked by ``rules.plans``:

    - ``critical_loads``: [{"name": "...", "kw": "...", "tolerance_minutes": n}];
    - ``backup_sources``: [{"type": "diesel|ups|second_supply|storage|other", "kw": "...", "start_minutes": n}];
    - ``contacts``: [{"name": "...", "role": "...", "phone": "..."}];
    - ``switching_steps``: ["...", ...] in order.
    """

    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(_("版本"))
    critical_loads = models.JSONField(_("重要负荷"), default=list)
    backup_sources = models.JSONField(_("备用电源"), default=list)
    contacts = models.JSONField(_("联系人"), default=list)
    switching_steps = models.JSONField(_("倒闸操作步骤"), default=list)
    last_drill_on = models.DateField(_("最近演练"), null=True, blank=True)
    review_due_on = models.DateField(_("复核期限"))
    note = models.CharField(_("说明"), max_length=500, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("应急方案")
        verbose_name_plural = _("应急方案")
        ordering = ["account", "-version"]
        constraints = [models.UniqueConstraint(fields=["account", "version"], name="keyacc_plan_version")]
        indexes = [models.Index(fields=["review_due_on"], name="keyacc_plan_review_idx")]

    def __str__(self) -> str:
        return f"{self.account_id} v{self.version}"


class LoadImportStatus(models.TextChoices):
    IMPORTED = "imported", _("已导入")
    REFUSED = "refused", _("已拒绝")


class LoadImport(models.Model):
    """One load-data file as the metering system exported it: imported whole, or refused whole
    with its problems listed (``problems``); the readings themselves go to the Parquet store."""

    file_name = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(max_length=64)
    interval_minutes = models.PositiveSmallIntegerField(_("间隔（分钟）"))
    status = models.CharField(_("状态"), max_length=10, choices=LoadImportStatus.choices)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    accounts = models.PositiveIntegerField(_("户数"), default=0)
    first_at = models.DateTimeField(_("起始时间"), null=True, blank=True)
    last_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    months = models.JSONField(_("涉及月份"), default=list)  # ["2026-11", ...]
    has_kvar = models.BooleanField(_("含无功"), default=False)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(_("导入时间"))

    class Meta:
        verbose_name = _("负荷数据导入")
        verbose_name_plural = _("负荷数据导入")
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return self.file_name


class LoadProblemKind(models.TextChoices):
    UNKNOWN_ACCOUNT = "unknown_account", _("户号不存在")
    NOT_KEY_ACCOUNT = "not_key_account", _("不是大客户")
    BAD_VALUE = "bad_value", _("数值有误")
    NEGATIVE = "negative", _("负值")
    DUPLICATE = "duplicate", _("重复时刻")
    OFF_GRID = "off_grid", _("时刻不在间隔上")
    GAP = "gap", _("数据缺失")
    JUMP = "jump", _("突变")


class LoadProblem(models.Model):
    """One problem of an import, where in the file it is and what it is."""

    load_import = models.ForeignKey(LoadImport, on_delete=models.CASCADE, related_name="problems")
    row = models.PositiveIntegerField(_("行号"), null=True, blank=True)
    account_no = models.CharField(_("户号"), max_length=20, blank=True, default="")
    kind = models.CharField(_("问题"), max_length=20, choices=LoadProblemKind.choices)
    detail = models.CharField(_("说明"), max_length=300, blank=True, default="")
    blocking = models.BooleanField(_("阻止导入"), default=True)  # gaps are listed, not refused

    class Meta:
        verbose_name = _("导入问题")
        verbose_name_plural = _("导入问题")
        ordering = ["load_import", "row", "id"]

    def __str__(self) -> str:
        return f"{self.load_import_id} {self.kind}"


class FindingKind(models.TextChoices):
    OVERLOAD = "overload", _("超合同容量")
    LOW_POWER_FACTOR = "low_power_factor", _("功率因数偏低")
    USAGE_DEVIATION = "usage_deviation", _("用电量异常（疑似计量故障或窃电）")
    MISSING_DATA = "missing_data", _("数据缺失")
    BASE_LOAD_JUMP = "base_load_jump", _("基础负荷突变")
    WEEKEND_NIGHT_LOAD = "weekend_night_load", _("周末夜间负荷偏高")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    CONTACTED = "contacted", _("已联系")
    RESOLVED = "resolved", _("已解决")
    FALSE_ALARM = "false_alarm", _("误报")


class Finding(models.Model):
    """What the nightly remote-service check (or a diagnosis) found on an account, in its
    manager's worklist; found again while still open, it is the same finding seen once more."""

    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("发现"), max_length=30, choices=FindingKind.choices)
    status = models.CharField(_("状态"), max_length=20, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    first_day = models.DateField(_("首次发现"))
    last_day = models.DateField(_("最近发现"))
    occurrences = models.PositiveIntegerField(_("次数"), default=1)
    detail = models.JSONField(_("依据"), default=dict)  # the latest figures behind it
    note = models.CharField(_("处理说明"), max_length=500, blank=True, default="")
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("远程服务发现")
        verbose_name_plural = _("远程服务发现")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "kind"],
                condition=Q(status__in=["open", "contacted"]),
                name="keyacc_one_open_finding",
            )
        ]
        indexes = [models.Index(fields=["status", "-last_day"], name="keyacc_finding_status_idx")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.kind}"


class KeyAccountEvent(Event):
    """The history of everything this app keeps about an account: assignments, visits, needs,
    follow-ups, plans and findings (``type`` names the step, ``parameters`` its details); a 台区's
    assignment of its 台区经理 is about the ``area`` instead (no account)."""

    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    area = models.ForeignKey(
        "customers.TransformerArea", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    plan = models.ForeignKey(EmergencyPlan, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, null=True, blank=True, related_name="events")

    class Meta(Event.Meta):
        verbose_name = _("大客户服务记录")
        verbose_name_plural = _("大客户服务记录")
        indexes = [
            models.Index(fields=["account", "created_at"], name="keyacc_event_account_idx"),
            models.Index(fields=["area", "created_at"], name="keyacc_event_area_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(account__isnull=False) | Q(area__isnull=False), name="keyacc_event_names_its_object"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_id or self.area_id} {self.type}"
