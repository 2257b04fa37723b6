"""Campaigns the notice service runs itself (NOTE-2): peak-shifting orders (错峰) to key accounts.

Bills, payments, low balances, arrears reminders, queue calls and work-order updates are sent by
their own apps through ``notice_enqueue``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from gridcare.core.exceptions import InvalidInput
from gridcare.core.timezone import business_date
from gridcare.customers.models import Account, AccountStatus, Feeder
from gridcare.notices.access import grid_filter
from gridcare.notices.conf import notice_setting
from gridcare.notices.services.outbox import notice_enqueue
from gridcare.org.access import Capability, Scope, require


@dataclass(frozen=True)
class PeakShift:
    feeders: list[str]
    day: date
    start: time
    end: time
    limit_kw: int


def _key_accounts(scope: Scope, feeders: list[Feeder]) -> list[tuple[int, str, str]]:
    """(account id, account no, phone) of every key account behind ``feeders``."""
    key = ~Q(importance_grade="") | Q(key_account_manager__isnull=False)
    return list(
        Account.objects.filter(key, transformer_area__feeder__in=feeders)
        .filter(scope.account_filter())
        .exclude(status=AccountStatus.CLOSED)
        .exclude(customer__contacts__phone__isnull=True)
        .order_by("account_no")
        .values_list("id", "account_no", "customer__contacts__phone")
    )


def peak_shift_notify(*, scope: Scope, actor: User | AnonymousUser, order: PeakShift) -> int:
    """Tell every key account behind the feeders to keep its load under the limit in the window.
    Returns the number of messages queued; sending the same order again queues none."""
    require(scope, Capability.PEAK_SHIFT, message=_("只有大客户经理、规划员和系统管理员可以发布错峰通知。"))
    # A code a database cannot even compare (a NUL character: PostgreSQL refuses it in any text)
    # is simply not a feeder: refused below with the others not found.
    codes = [code for code in order.feeders if "\x00" not in code]
    feeders = list(Feeder.objects.filter(grid_filter(scope), code__in=codes))
    problems: dict[str, str] = {}
    unknown = sorted(set(order.feeders) - {f.code for f in feeders})
    if unknown or not order.feeders:
        problems["feeders"] = _("线路不存在或不在您的管辖范围：%(codes)s。") % {"codes": "、".join(unknown) or "—"}
    if order.end <= order.start:
        problems["end"] = _("结束时间应晚于开始时间。")
    if order.limit_kw <= 0:
        problems["limit_kw"] = _("负荷上限应大于0。")
    elif order.limit_kw > int(notice_setting("PEAK_SHIFT_MAX_KW")):
        problems["limit_kw"] = _("负荷上限不能超过%(kw)d kW。") % {"kw": int(notice_setting("PEAK_SHIFT_MAX_KW"))}
    ahead = int(notice_setting("PEAK_SHIFT_DAYS_AHEAD"))
    if not 0 <= (order.day - business_date()).days <= ahead:
        problems["day"] = _("错峰日期应在今天至%(days)d天后之间。") % {"days": ahead}
    if problems:
        raise InvalidInput(_("错峰通知未发布。"), errors=problems)
    queued = 0
    with transaction.atomic():
        for account_id, account_no, phone in _key_accounts(scope, feeders):
            notice = notice_enqueue(
                template_code="peak_shift",
                variables={
                    "account_no": account_no,
                    "date": f"{order.day.month}月{order.day.day}日",
                    "start": order.start.strftime("%H:%M"),
                    "end": order.end.strftime("%H:%M"),
                    "limit_kw": order.limit_kw,
                },
                recipient=phone,
                account_id=account_id,
                dedupe_key=f"peak:{order.day.isoformat()}:{order.start:%H%M}:{account_id}:{phone}",
            )
            queued += notice is not None
    return queued
