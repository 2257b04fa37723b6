"""Emergency supply plans (应急方案) of key accounts (KEY-2), and telling the managers when an
outage cuts off their accounts.

A plan is versioned: a change is a new version (the form starts from a copy of the current one),
the previous one stays as it was. Its review falls due ``GRIDCARE_KEY_ACCOUNTS["PLAN_REVIEW_MONTHS"]``
months after it is made unless a date is given.

When an outage is registered (notices publishes it and fans it out to the customers), the
worker's job ``key_account_outage_alerts`` sends each manager of the key accounts it cuts off one
message with the list; the page ``/key-accounts/outages/<id>/`` lists the accounts with each
plan. A peak-shift order (错峰, stored by notices with its messages to the customers) is told
the same way by the job ``key_account_peak_shift_alerts``, its page ``/key-accounts/peak-shifts/<id>/``.
The dependency is one-way: this app reads the outage and the order through notices' selectors,
notices knows nothing of key accounts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from gridcare.core import timezone as tz
from gridcare.core.events import Actor
from gridcare.core.exceptions import Forbidden, InvalidInput
from gridcare.customers.models import Account
from gridcare.keyaccounts.access import key_account_q, portfolio_filter
from gridcare.keyaccounts.events import KeyEventType, key_account_event
from gridcare.keyaccounts.models import EmergencyPlan
from gridcare.keyaccounts.rules import facts, plans
from gridcare.keyaccounts.services.portfolio import acting_user
from gridcare.keyaccounts.services.visits import staff_recipient
from gridcare.notices.models import Channel
from gridcare.notices.selectors import outage_account_ids, outages_coming, peak_shift_account_ids, peak_shifts_coming
from gridcare.notices.services import notice_enqueue
from gridcare.org.access import Capability, Scope, require
from gridcare.org.models import Staff

OUTAGE_TEMPLATE = "key_account_outage"
PEAK_SHIFT_TEMPLATE = "key_account_peak_shift"
NAMES_IN_MESSAGE = 5


def review_months() -> int:
    return int(settings.GRIDCARE_KEY_ACCOUNTS["PLAN_REVIEW_MONTHS"])


@dataclass(frozen=True)
class PlanData:
    """A plan as typed: the four lists (see ``rules.plans``) and its dates."""

    critical_loads: list[Any] = field(default_factory=list)
    backup_sources: list[Any] = field(default_factory=list)
    contacts: list[Any] = field(default_factory=list)
    switching_steps: list[Any] | str = field(default_factory=list)
    last_drill_on: date | str | None = None
    review_due_on: date | str | None = None
    note: str = ""


def _dates(data: PlanData, today: date, errors: dict[str, str]) -> tuple[date | None, date]:
    drill = None
    if data.last_drill_on not in (None, ""):
        drill = facts.date_of(data.last_drill_on)
        if drill is None or drill > today:
            errors["last_drill_on"] = _("最近演练日期应为今天或以前的日期。")
    review = plans.months_after(today, review_months())
    if data.review_due_on not in (None, ""):
        picked = facts.date_of(data.review_due_on)
        if picked is None or not today < picked <= plans.months_after(today, 36):
            errors["review_due_on"] = _("复核期限应在明天至三年之内。")
        else:
            review = picked
    return drill, review


def plan_create(
    *, scope: Scope, actor: Actor, account: Account, data: PlanData, copied_from: EmergencyPlan | None = None
) -> EmergencyPlan:
    """A new version of the account's plan (the first, or a revision of ``copied_from``)."""
    require(scope, Capability.KEY_PLAN_EDIT)
    if not Account.objects.filter(portfolio_filter(scope), pk=account.pk).exists():
        raise Forbidden(_("该户不在您负责的客户范围内。"))
    clean, errors = plans.plan_contents(
        {
            "critical_loads": data.critical_loads,
            "backup_sources": data.backup_sources,
            "contacts": data.contacts,
            "switching_steps": data.switching_steps,
        }
    )
    today = tz.business_date()
    drill, review = _dates(data, today, errors)
    note, problem = facts.clean_text(data.note, limit=plans.NOTE_MAX)
    if problem and problem != "missing":
        errors["note"] = facts.text_message(_("说明"), problem, plans.NOTE_MAX)
    if errors:
        raise InvalidInput(_("应急方案有误，请按提示修改，未保存任何内容。"), errors=errors)
    with transaction.atomic():
        Account.objects.select_for_update().filter(pk=account.pk).first()  # one version number at a time
        latest = EmergencyPlan.objects.filter(account=account).aggregate(v=Max("version"))["v"] or 0
        plan = EmergencyPlan.objects.create(
            account=account,
            version=latest + 1,
            **clean,
            last_drill_on=drill,
            review_due_on=review,
            note=note,
            created_by=acting_user(actor),
            created_at=tz.now(),
        )
        copied: dict[str, Any] = {"copied_from": copied_from.version} if copied_from is not None else {}
        key_account_event(
            KeyEventType.PLAN_CREATED,
            actor=actor,
            account=account,
            plan=plan,
            version=plan.version,
            review_due_on=review.isoformat(),
            **copied,
        )
    return plan


def _managed_key_accounts() -> QuerySet[Account, Any]:
    return Account.objects.filter(key_account_q(), key_account_manager__isnull=False).values("id")


def _by_manager(ids: list[int]) -> dict[Staff, list[Account]]:
    """The accounts ``ids`` by their (active) 大客户经理."""
    by_manager: dict[Staff, list[Account]] = defaultdict(list)
    rows = Account.objects.filter(pk__in=ids).select_related("customer", "key_account_manager")
    for account in rows.order_by("account_no"):
        manager = account.key_account_manager
        if manager is not None and manager.active:
            by_manager[manager].append(account)
    return by_manager


def _when(moment: datetime) -> str:
    local = moment.astimezone(tz.SHANGHAI)
    return f"{local.month}月{local.day}日{local:%H:%M}"


def _names(accounts: list[Account]) -> str:
    names = "、".join(a.customer.name for a in accounts[:NAMES_IN_MESSAGE])
    return names + _("等") if len(accounts) > NAMES_IN_MESSAGE else names


def _tell_managers(account_ids: Any, *, template: str, variables: dict[str, Any], link: str, dedupe: str) -> int:
    """One push message to each active manager of the key accounts ``account_ids`` (a subquery
    of the managed ones) with the count and names of their own accounts and the page's link;
    ``dedupe`` + the manager's id keeps it once. Returns the messages queued."""
    queued = 0
    for manager, accounts in sorted(_by_manager(account_ids).items(), key=lambda kv: kv[0].pk):
        made = notice_enqueue(
            template_code=template,
            variables={**variables, "count": len(accounts), "accounts": _names(accounts), "link": link},
            recipient=staff_recipient(manager),
            channel=Channel.PUSH,
            dedupe_key=f"{dedupe}:{manager.pk}",
        )
        queued += made is not None
    return queued


@transaction.atomic
def outage_alerts(*, now: datetime | None = None) -> int:
    """One message to each manager whose key accounts a coming outage cuts off, once per outage
    and manager; returns the messages queued."""
    return sum(
        _tell_managers(
            outage_account_ids(outage_id=outage.pk, among=_managed_key_accounts()),
            template=OUTAGE_TEMPLATE,
            variables={"start": _when(outage.starts_at), "end": _when(outage.ends_at)},
            link=reverse("keyaccounts:outage", kwargs={"outage_id": outage.pk}),
            dedupe=f"key_outage:{outage.pk}",
        )
        for outage in outages_coming(now=now)
    )


@transaction.atomic
def peak_shift_alerts(*, now: datetime | None = None) -> int:
    """One message to each manager whose key accounts a peak-shift order not yet over names, once
    per order and manager; returns the messages queued."""
    return sum(
        _tell_managers(
            peak_shift_account_ids(order_id=order.pk, among=_managed_key_accounts()),
            template=PEAK_SHIFT_TEMPLATE,
            variables={
                "date": f"{order.day.month}月{order.day.day}日",
                "start": f"{order.start:%H:%M}",
                "end": f"{order.end:%H:%M}",
                "limit_kw": order.limit_kw,
            },
            link=reverse("keyaccounts:peak_shift", kwargs={"order_id": order.pk}),
            dedupe=f"key_peak_shift:{order.pk}",
        )
        for order in peak_shifts_coming(now=now)
    )
