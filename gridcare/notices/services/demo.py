"""Demo notices (issue 5): template versions, a planned outage next week, and a fault outage
last week that is restored, its notices sent, delivered or failed — so the channel-quality page
and the reliability page have something to show on ``make run``. Idempotent: a second call
changes nothing. Called by ``seed_demo`` after the customers exist."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from gridcare.core import timezone as tz
from gridcare.customers.models import TransformerArea
from gridcare.notices.models import Notice, NoticeStatus, NoticeTemplate, Outage
from gridcare.notices.services.outages import NewOutage, outage_register, outage_restore
from gridcare.notices.services.templates import template_save
from gridcare.org.access import Scope

DEMO_REASON = "10kV线路计划检修（演示）"
FAULT_REASON = "10kV线路故障跳闸（演示）"
EVERYONE = Scope(staff=None, company_id=None, unit_id=None, hall_id=None, everything=True)

# Two saved versions of the planned-outage wording; the second is the active one.
TEMPLATE_VERSIONS = [
    ("planned_outage", "【国网示范市供电公司】因{reason}，{area}将于{start}至{end}停电，请提前做好准备。", "初版措辞"),
    (
        "planned_outage",
        "【国网示范市供电公司】因{reason}，{area}将于{start}至{end}停电，给您带来不便敬请谅解。",
        "按客服中心意见加致歉语",
    ),
    (
        "arrears_reminder",
        "【国网示范市供电公司】户号{account_no}尚欠电费{amount}元，已逾期{days}天，请尽快缴纳。",
        "精简",
    ),
]


def _areas(count: int) -> list[TransformerArea]:
    """The first 台区 (by code) that have customers behind them."""
    return list(TransformerArea.objects.filter(accounts__isnull=False).distinct().order_by("code")[:count])


def _settle_fault_notices(outage: Outage) -> dict[str, int]:
    """What the gateway and the receipts would have made of the fault's messages: most
    delivered within a minute or two, one in twenty failed, one in twenty still awaiting a receipt."""
    counts = {"delivered": 0, "failed": 0, "sent": 0}
    rows = list(Notice.objects.filter(outage_id=outage.pk).order_by("id"))
    for i, n in enumerate(rows):
        n.gateway = "sms-http"
        n.gateway_message_id = f"demo-{n.pk:08d}"
        n.sent_at = n.created_at + timedelta(seconds=2 + i % 7)
        n.attempts = 1
        if i % 20 == 7:
            n.status, n.last_error = NoticeStatus.FAILED, "UNDELIV"
        elif i % 20 == 13:
            n.status = NoticeStatus.SENT
        else:
            n.status = NoticeStatus.DELIVERED
            n.delivered_at = n.sent_at + timedelta(seconds=3 + (i * 37) % 110)
        counts[n.status] += 1
    Notice.objects.bulk_update(
        rows,
        ["gateway", "gateway_message_id", "sent_at", "attempts", "status", "last_error", "delivered_at"],
        batch_size=500,
    )
    return counts


def _register(
    kind: str, reason: str, starts_at: datetime, lasts: timedelta, areas: list[str], *, now: datetime
) -> Outage:
    """An outage registered as a planner would at ``now`` (its notices are created then)."""
    data = NewOutage(kind=kind, reason=reason, starts_at=starts_at, ends_at=starts_at + lasts, areas=areas)
    return outage_register(scope=EVERYONE, actor=AnonymousUser(), data=data, now=now)


def seed_notices(*, now: datetime | None = None) -> str:
    """Create the demo notices once; returns a one-line summary for seed_demo's output."""
    if Outage.objects.filter(reason__in=[DEMO_REASON, FAULT_REASON]).exists():
        return "notices demo: already there"
    moment = now or tz.now()
    areas = _areas(3)
    if len(areas) < 3:
        return "notices demo: no customers yet, skipped"
    actor = AnonymousUser()
    with transaction.atomic():
        if not NoticeTemplate.objects.exists():
            for code, text, note in TEMPLATE_VERSIONS:
                template_save(scope=EVERYONE, actor=actor, code=code, text=text, note=note)
        # A fault last week on one 台区, restored after 2 h 15 min.
        day = tz.business_date(moment) - timedelta(days=5)
        struck = tz.local_datetime(day, time(14, 20))
        fault = _register("fault", FAULT_REASON, struck, timedelta(hours=3), [areas[0].code], now=struck)
        fault = outage_restore(
            scope=EVERYONE,
            actor=actor,
            outage=fault,
            restored_at=struck + timedelta(hours=2, minutes=15),
            now=struck + timedelta(hours=2, minutes=15),
        )
        settled = _settle_fault_notices(fault)
        # A planned outage next week on two 台区: its notices wait in the outbox for the sender.
        start = tz.local_datetime(tz.business_date(moment) + timedelta(days=8), time(8, 30))
        planned = _register("planned", DEMO_REASON, start, timedelta(hours=6), [a.code for a in areas[1:]], now=moment)
    return (
        f"notices demo: fault outage #{fault.pk} ({fault.affected_accounts} customers, "
        f"{settled['delivered']} delivered / {settled['failed']} failed / {settled['sent']} awaiting receipt), "
        f"planned outage #{planned.pk} ({planned.notices_queued} notices queued)"
    )
