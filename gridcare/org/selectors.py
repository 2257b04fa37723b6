from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gridcare.org.access import ARCHIVE_EDIT_ROLES, ARCHIVE_QUALITY_ROLES, Scope
from gridcare.org.models import Role


@dataclass(frozen=True)
class Link:
    url_name: str
    label: Promise
    roles: frozenset[Role] | None = None  # None: every staff role


# The home page's tiles. Apps built later add their pages here.
LINKS: tuple[Link, ...] = (
    Link("customers:search", _("客户查询")),
    Link("customers:create", _("新装立户"), ARCHIVE_EDIT_ROLES),
    Link("customers:worklist", _("档案质量工单"), ARCHIVE_QUALITY_ROLES),
    Link("workorders:intake", _("受理95598工单")),
    Link("workorders:list", _("在办工单")),
    Link(
        "workorders:figures",
        _("工单统计"),
        frozenset({Role.SUPERVISOR, Role.HALL_MANAGER, Role.AGENT_95598, Role.PLANNER, Role.ADMINISTRATOR}),
    ),
    Link(
        "workorders:connections",
        _("业扩报装"),
        frozenset(
            {Role.KEY_ACCOUNT_MANAGER, Role.SUPERVISOR, Role.COUNTER_CLERK, Role.HALL_MANAGER, Role.ADMINISTRATOR}
        ),
    ),
    Link("notices:outages", _("停电通知")),
    Link("notices:quality", _("通知渠道质量"), frozenset({Role.SUPERVISOR, Role.PLANNER, Role.ADMINISTRATOR})),
    Link("notices:reliability", _("供电可靠性"), frozenset({Role.SUPERVISOR, Role.PLANNER, Role.ADMINISTRATOR})),
    Link("halls:index", _("营业厅排队叫号"), frozenset(set(Role) - {Role.AGENT_95598})),
    Link("billing:arrears", _("欠费台账"), frozenset(set(Role) - {Role.PLANNER})),
    Link("billing:runs", _("抄核收出账"), frozenset({Role.ADMINISTRATOR, Role.BILLING_CLERK})),
    Link("billing:readings", _("抄表数据与异常"), frozenset({Role.ADMINISTRATOR, Role.BILLING_CLERK})),
    Link("billing:dunning", _("催费与停复电"), frozenset({Role.ADMINISTRATOR, Role.BILLING_CLERK})),
    Link("billing:reconciliations", _("渠道对账"), frozenset({Role.ADMINISTRATOR, Role.BILLING_CLERK})),
    Link("billing:debit_batches", _("银行代扣"), frozenset({Role.ADMINISTRATOR, Role.BILLING_CLERK})),
    Link("billing:tariffs", _("电价管理"), frozenset({Role.ADMINISTRATOR})),
    Link("jobs:index", _("后台任务"), frozenset({Role.ADMINISTRATOR})),
    Link("calendar:list", _("节假日安排"), frozenset({Role.ADMINISTRATOR, Role.SUPERVISOR})),
)


def home_links(scope: Scope) -> list[tuple[str, Promise]]:
    return [(reverse(link.url_name), link.label) for link in LINKS if link.roles is None or scope.has_role(link.roles)]
