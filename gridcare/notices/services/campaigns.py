"""Campaigns the notice service runs itself (NOTE-2): peak-shifting orders (错峰) to key accounts.

An order is stored (``PeakShiftOrder``) in the same transaction as its messages, so the order
exists exactly when its messages do; the same order again (same feeders, day, window and limit)
is no second order and no second message. Key-account managers are told of the orders touching
their accounts by gridcare.keyaccounts, which reads the orders through ``notices.selectors``.

Bills, payments, low balances, arrears reminders, queue calls and work-order updates are sent by
their own apps through ``notice_enqueue``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, time

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from gridcare.core import timezone as tz
from gridcare.core.exceptions import InvalidInput
from gridcare.core.timezone import business_date
from gridcare.customers.models import Account, AccountStatus, Feeder
from gridcare.notices.access import grid_filter
from gridcare.notices.conf import notice_setting
from gridcare.notices.models import PeakShiftOrder
from gridcare.notices.services.outbox import notice_enqueue
from gridcare.org.access import Capability, Scope, require


@dataclass(frozen=True)
class PeakShift:
    feeders: list[str]
    day: date
    start: time
    end: time
    limit_kw: int


@dataclass(frozen=True)
class PeakShiftIssued:
    """What issuing an order did: the order (the one stored before, if it was the same order),
    whether it is new, and the messages queued now (none for an order issued before)."""

    order: PeakShiftOrder
    created: bool
    queued: int


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


def _checked(scope: Scope, order: PeakShift) -> list[Feeder]:
    """The order's feeders, once every field is right; otherwise ``InvalidInput`` by field."""
    require(scope, Capability.PEAK_SHIFT, message=_("只有大客户经理、规划员和系统管理员可以发布错峰通知。"))
    # A code a database cannot even compare (a NUL character: PostgreSQL refuses it in any text)
    # is simply not a feeder: refused below with the others not found.
    codes = [code for code in order.feeders if "\x00" not in code]
    feeders = list(Feeder.objects.filter(grid_filter(scope), code__in=codes).select_related("unit"))
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
    return sorted(feeders, key=lambda f: f.code)


def _fingerprint(feeders: list[Feeder], order: PeakShift) -> str:
    """What makes two orders the same order: the feeders, the day, the window and the limit."""
    text = "|".join(
        [",".join(f.code for f in feeders), order.day.isoformat(), f"{order.start:%H%M}", f"{order.end:%H%M}"]
        + [str(order.limit_kw)]
    )
    return hashlib.sha256(text.encode()).hexdigest()


def peak_shift_preview(*, scope: Scope, order: PeakShift) -> int:
    """The key accounts an order would reach (the service's checks run, nothing is written)."""
    return len({account_id for account_id, _no, _phone in _key_accounts(scope, _checked(scope, order))})


def peak_shift_issue(*, scope: Scope, actor: User | AnonymousUser, order: PeakShift) -> PeakShiftIssued:
    """Store the order and tell every key account behind the feeders to keep its load under the
    limit in the window, in one transaction; the same order again returns the stored one."""
    feeders = _checked(scope, order)
    fingerprint = _fingerprint(feeders, order)
    same = PeakShiftOrder.objects.filter(fingerprint=fingerprint).first()
    if same is not None:
        return PeakShiftIssued(order=same, created=False, queued=0)
    try:
        with transaction.atomic():
            return _issue(scope, actor, order, feeders, fingerprint)
    except IntegrityError:  # the same order, issued by someone else a moment ago
        return PeakShiftIssued(order=PeakShiftOrder.objects.get(fingerprint=fingerprint), created=False, queued=0)


def _issue(
    scope: Scope, actor: User | AnonymousUser, order: PeakShift, feeders: list[Feeder], fingerprint: str
) -> PeakShiftIssued:
    stored = PeakShiftOrder.objects.create(
        company_id=feeders[0].unit.company_id,
        day=order.day,
        start=order.start,
        end=order.end,
        limit_kw=order.limit_kw,
        fingerprint=fingerprint,
        created_by=actor if isinstance(actor, User) else None,
        created_at=tz.now(),
    )
    stored.feeders.set(feeders)
    queued, accounts = 0, set()
    window = f"{order.day.isoformat()}:{order.start:%H%M}-{order.end:%H%M}:{order.limit_kw}"
    for account_id, account_no, phone in _key_accounts(scope, feeders):
        accounts.add(account_id)
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
            # The same window and limit reaches a phone once, even through two orders naming the
            # same feeder; a changed limit is a new message.
            dedupe_key=f"peak:{window}:{account_id}:{phone}",
        )
        queued += notice is not None
    stored.key_accounts, stored.notices_queued = len(accounts), queued
    stored.save(update_fields=["key_accounts", "notices_queued"])
    return PeakShiftIssued(order=stored, created=True, queued=queued)


def peak_shift_notify(*, scope: Scope, actor: User | AnonymousUser, order: PeakShift) -> int:
    """Tell every key account behind the feeders to keep its load under the limit in the window.
    Returns the number of messages queued; sending the same order again queues none."""
    return peak_shift_issue(scope=scope, actor=actor, order=order).queued
