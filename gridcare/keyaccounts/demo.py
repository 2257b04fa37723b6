"""The demo's key accounts (KEY-1/2), so ``make run`` shows them: for each supply unit with a
大客户经理, the assignments of their accounts (as the archive has them), the profiles (industry,
用电影响度), a recorded visit with its facts and needs, two coming visits and an emergency plan,
all through the services. Idempotent: nothing is added when assignments exist."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext as _

from gridcare.core.timezone import business_date, now
from gridcare.customers.models import Account
from gridcare.keyaccounts.models import Assignment, AssignmentKind, KeyAccount
from gridcare.keyaccounts.services.plans import PlanData, plan_create
from gridcare.keyaccounts.services.portfolio import ProfileData, profile_update
from gridcare.keyaccounts.services.visits import VisitFacts, visit_plan, visit_record
from gridcare.org.access import scope_for
from gridcare.org.models import Role, Staff

INDUSTRIES = ("C", "Q", "I", "H", "G", "P")
PER_UNIT = 6


def _facts(manager: Staff) -> VisitFacts:
    return VisitFacts(
        summary="查看配电房和生产线，了解明年扩产计划。",
        load_composition=[
            {"use": "production", "percent": "65"},
            {"use": "hvac", "percent": "20"},
            {"use": "lighting", "percent": "10"},
            {"use": "office", "percent": "5"},
        ],
        critical_steps=[{"name": "注塑成型", "tolerance_minutes": 10}, {"name": "冷库", "tolerance_minutes": 120}],
        own_generation=[{"type": "diesel", "kw": "300"}],
        impact_grade="major",
        satisfaction="satisfied",
        needs=[
            {"category": "capacity", "text": "明年新增一条生产线，需增容400kVA"},
            {"category": "energy_saving", "text": "希望了解峰谷用电优化方案"},
        ],
        follow_ups=[
            {
                "text": "提供增容办理流程和所需材料",
                "owner": manager.employee_no,
                "due_on": business_date() + timedelta(days=7),
            }
        ],
    )


def _plan() -> PlanData:
    return PlanData(
        critical_loads=[
            {"name": "生产线控制系统", "kw": "80", "tolerance_minutes": 0},
            {"name": "冷库", "kw": "150", "tolerance_minutes": 120},
        ],
        backup_sources=[
            {"type": "diesel", "kw": "300", "start_minutes": 3},
            {"type": "ups", "kw": "60", "start_minutes": 0},
        ],
        contacts=[{"name": "刘厂长", "role": "设备负责人", "phone": "13900001234"}],
        switching_steps=["确认市电失压", "断开主进线开关", "启动柴油发电机", "合上备用电源开关", "逐级恢复重要负荷"],
        last_drill_on=business_date() - timedelta(days=90),
    )


def seed_key_accounts() -> str:
    if Assignment.objects.exists():
        return _("大客户服务演示数据：已存在，未重复生成")
    visits = plans = 0
    for manager in Staff.objects.filter(role=Role.KEY_ACCOUNT_MANAGER, active=True, unit__isnull=False).order_by("pk"):
        supervisor = Staff.objects.filter(unit=manager.unit, role=Role.SUPERVISOR, active=True).first()
        if supervisor is None:
            continue
        accounts = list(
            Account.objects.filter(key_account_manager=manager).order_by("-contract_capacity_kva", "pk")[:PER_UNIT]
        )
        for n, account in enumerate(accounts):
            Assignment.objects.create(
                kind=AssignmentKind.KEY_ACCOUNT,
                account=account,
                staff=manager,
                since=now(),
                reason="演示：初始分配",
                assigned_by=supervisor.user,
            )
            KeyAccount.objects.get_or_create(account=account, defaults={"updated_at": now()})
            scope = scope_for(manager.user)
            profile_update(
                scope=scope,
                actor=manager.user,
                account=account,
                data=ProfileData(industry=INDUSTRIES[n % len(INDUSTRIES)]),
            )
            if n == 0:
                done = visit_plan(
                    scope=scope, actor=manager.user, account=account, day=business_date(), purpose="年度走访"
                )
                visit_record(scope=scope, actor=manager.user, visit=done, data=_facts(manager))
                plan_create(scope=scope, actor=manager.user, account=account, data=_plan())
                visits, plans = visits + 1, plans + 1
            elif n <= 2:
                visit_plan(
                    scope=scope,
                    actor=manager.user,
                    account=account,
                    day=business_date() + timedelta(days=n),
                    purpose="了解用电需求",
                )
                visits += 1
    return _("大客户服务演示数据：走访 %(v)d 次，应急方案 %(p)d 份") % {"v": visits, "p": plans}
