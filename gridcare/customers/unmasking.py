"""Unmasking personal data (CUST-4, PIPL): the reason, the per-person limits, the audit row of
every attempt and the burst alert for the unit's supervisors. ``services.account_unmask`` is the
one entry point; this module holds its parts and the supervisors' acknowledgement.

The limits count the ``shown`` rows of UnmaskAudit for one person: at most UNMASK_PER_HOUR in any
60 minutes and UNMASK_PER_DAY in one Shanghai calendar day (settings.GRIDCARE_PRIVACY). A person's
attempts are serialised by a lock on their user row, so two browser tabs cannot both slip under a
limit. A burst (UNMASK_BURST_COUNT shown within UNMASK_BURST_MINUTES) raises one UnmaskAlert; while
the burst goes on (the previous look less than the window ago) the same alert counts on.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.core.exceptions import Conflict, NotFound
from gridcare.core.timezone import business_date, local_datetime
from gridcare.customers import rules
from gridcare.customers.exceptions import UnmaskLimitReached
from gridcare.customers.models import (
    UNMASK_REASON_MAX_CHARS,
    Account,
    UnmaskAlert,
    UnmaskAudit,
    UnmaskOutcome,
    UnmaskReason,
)
from gridcare.org.access import Capability, Path, Reach, Scope, can


def privacy_setting(key: str) -> int:
    return int(settings.GRIDCARE_PRIVACY[key])


def clean_reason(*, code: str, text: str) -> str:
    """The reason's free text, or InvalidInput naming ``reason_code`` / ``reason_text``."""
    return rules.clean_unmask_reason(
        code=code or "",
        text=text or "",
        codes=frozenset(UnmaskReason.values),
        other=UnmaskReason.OTHER,
        min_chars=privacy_setting("UNMASK_REASON_MIN_CHARS"),
        other_min_chars=privacy_setting("UNMASK_OTHER_REASON_MIN_CHARS"),
        max_chars=UNMASK_REASON_MAX_CHARS,
    )


def lock_person(user: User) -> None:
    """Serialise one person's unmaskings (PostgreSQL row lock; SQLite transactions are IMMEDIATE)."""
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()


def _shown(user: User) -> QuerySet[UnmaskAudit]:
    return UnmaskAudit.objects.filter(actor=user, outcome=UnmaskOutcome.SHOWN)


def refusal_for(*, user: User, now: datetime) -> str:
    """ "hour", "day" or "" for one more unmasking by ``user`` at ``now``."""
    day_start = local_datetime(business_date(now), time(0))
    return rules.unmask_refusal(
        shown_last_hour=_shown(user).filter(created_at__gt=now - timedelta(hours=1)).count(),
        shown_today=_shown(user).filter(created_at__gte=day_start).count(),
        per_hour=privacy_setting("UNMASK_PER_HOUR"),
        per_day=privacy_setting("UNMASK_PER_DAY"),
    )


def refusal_message(refusal: str) -> str:
    if refusal == UnmaskAudit.Refusal.DAY:
        return _("您今天查看完整信息已达每日上限（%(n)d次），本次未显示。如确有需要，请联系主管。") % {
            "n": privacy_setting("UNMASK_PER_DAY")
        }
    return _("您最近一小时查看完整信息已达上限（%(n)d次），本次未显示，请稍后再试。") % {
        "n": privacy_setting("UNMASK_PER_HOUR")
    }


def audit_write(
    *, scope: Scope, user: User, account: Account, code: str, text: str, refusal: str, now: datetime
) -> UnmaskAudit:
    staff = scope.staff
    return UnmaskAudit.objects.create(
        actor=user,
        post=staff.role if staff else "",
        actor_unit_id=staff.unit_id if staff else None,
        account=account,
        account_unit_id=account.supply_unit_id,
        reason_code=code,
        reason_text=text,
        outcome=UnmaskOutcome.REFUSED if refusal else UnmaskOutcome.SHOWN,
        refusal=refusal,
        created_at=now,
    )


def burst_alert(*, audit: UnmaskAudit) -> UnmaskAlert | None:
    """After a shown unmasking: the alert of the burst it belongs to, if it makes one."""
    count_needed = privacy_setting("UNMASK_BURST_COUNT")
    if count_needed <= 0:
        return None
    since = audit.created_at - timedelta(minutes=privacy_setting("UNMASK_BURST_MINUTES"))
    recent = _shown(audit.actor).filter(created_at__gt=since)
    count = recent.count()
    if count < count_needed:
        return None
    ongoing = UnmaskAlert.objects.filter(actor=audit.actor, last_at__gt=since).order_by("-last_at").first()
    if ongoing is not None:
        UnmaskAlert.objects.filter(pk=ongoing.pk).update(count=F("count") + 1, last_at=audit.created_at)
        return ongoing
    first_at = recent.order_by("created_at").values_list("created_at", flat=True).first() or audit.created_at
    return UnmaskAlert.objects.create(
        actor=audit.actor,
        unit_id=audit.actor_unit_id or audit.account_unit_id,
        first_at=first_at,
        last_at=audit.created_at,
        count=count,
    )


def refuse(refusal: str) -> UnmaskLimitReached:
    return UnmaskLimitReached(refusal_message(refusal))


def alerts_visible(scope: Scope) -> Q:
    """Supervisors: the alerts of their unit (their company if they have none); administrators: all."""
    return scope.filter(Reach.UNIT, Path.unit_of("unit"))


def alert_acknowledge(*, scope: Scope, actor: User, alert_id: int) -> UnmaskAlert:
    """A supervisor has looked into a burst: it leaves the home-tile badge."""
    if not can(scope, Capability.UNMASK_AUDIT):
        raise NotFound(_("没有这条提醒。"))
    alert = UnmaskAlert.objects.filter(alerts_visible(scope), pk=alert_id).first()
    if alert is None:
        raise NotFound(_("没有这条提醒。"))
    done = UnmaskAlert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(), acknowledged_by=actor
    )
    if not done:
        raise Conflict(_("这条提醒已处理。"))
    alert.refresh_from_db()
    return alert
