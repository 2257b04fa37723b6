from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gridcare.core.models import ApiToken
from gridcare.org.access import ARCHIVE_EDIT_ROLES, ARCHIVE_QUALITY_ROLES, UNMASK_AUDIT_ROLES, Scope
from gridcare.org.models import AuthEvent, Role


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
    Link("customers:unmask_audit", _("查看完整信息审计"), UNMASK_AUDIT_ROLES),
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
    Link("security:locks", _("账号安全"), frozenset({Role.ADMINISTRATOR})),
)


def home_links(scope: Scope) -> list[tuple[str, Promise]]:
    return [(reverse(link.url_name), link.label) for link in LINKS if link.roles is None or scope.has_role(link.roles)]


@dataclass(frozen=True)
class Lock:
    """A locked account (key: the username) or a throttled address (key: the address)."""

    key: str
    failures: int
    last_failure: datetime
    until: datetime


def _locks(field: str, limit: int) -> list[Lock]:
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=since)
        .exclude(**{f"{field}__isnull": True})
        .values(field)
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=limit)
        .order_by("-last")
    )
    return [
        Lock(
            key=str(r[field]),
            failures=r["failures"],
            last_failure=r["last"],
            until=r["last"] + settings.AXES_COOLOFF_TIME,
        )
        for r in rows
    ]


def locked_accounts() -> list[Lock]:
    return _locks("username", settings.AXES_FAILURE_LIMIT)


def throttled_addresses() -> list[Lock]:
    return _locks("ip_address", settings.GRIDCARE_AUTH["ADDRESS_FAILURE_LIMIT"])


def token_list() -> QuerySet[ApiToken]:
    """Every API token, newest first, with its user (never the token: only its digest is stored)."""
    return ApiToken.objects.select_related("user", "user__staff").order_by("-created_at", "-id")


def auth_event_list() -> QuerySet[AuthEvent]:
    return AuthEvent.objects.select_related("actor").order_by("-created_at", "-id")


def token_get(*, token_id: int) -> ApiToken:
    from gridcare.core.exceptions import NotFound

    token = token_list().filter(pk=token_id).first()
    if token is None:
        raise NotFound(_("没有这个令牌。"))
    return token
