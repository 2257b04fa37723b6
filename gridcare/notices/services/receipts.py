"""Delivery receipts from the gateways (NOTE-3): delivered or failed, per message.

Receipts come twice, late, early (before the sender has written the gateway's answer) and in any
order. Each one is a conditional UPDATE along the outbox transition table, so a duplicate or a
receipt for a message already final changes nothing; unknown ids are logged and ignored.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q

from gridcare.core import timezone as tz
from gridcare.notices import rules
from gridcare.notices.models import Channel, Notice, NoticeStatus, statuses_before
from gridcare.notices.services.contacts import contact_delivery_failed, contact_delivery_ok

log = logging.getLogger(__name__)

# A delivery reported further back than this (or in the future) is a gateway's clock gone wrong.
RECEIPT_DAYS_BACK = 30


@dataclass(frozen=True)
class Receipt:
    message_id: str
    delivered: bool
    out_id: str = ""  # our notice id, when the gateway echoes it
    error: str = ""
    at: datetime | None = None


@dataclass
class ReceiptSummary:
    applied: int = 0
    ignored: int = 0
    unknown: int = 0


def _find(receipt: Receipt) -> Notice | None:
    match = Q(gateway_message_id=receipt.message_id) if receipt.message_id else Q(pk__in=[])
    if receipt.out_id.isdigit():
        # Early receipts: the sender may not have stored the gateway's message id yet.
        match |= Q(pk=int(receipt.out_id), gateway_message_id="")
    return Notice.objects.filter(match).only("id", "channel", "recipient", "status").first()


def receipts_apply(*, receipts: list[Receipt], now: datetime | None = None) -> ReceiptSummary:
    summary = ReceiptSummary()
    moment = now or tz.now()
    delivered_phones: set[str] = set()
    failed_phones: set[str] = set()
    with transaction.atomic():
        for receipt in receipts:
            notice = _find(receipt)
            if notice is None:
                log.warning("receipt for unknown message %r (out_id %r) ignored", receipt.message_id, receipt.out_id)
                summary.unknown += 1
                continue
            target = NoticeStatus.DELIVERED if receipt.delivered else NoticeStatus.FAILED
            changes: dict[str, object] = {"status": target, "lease_until": None}
            if receipt.delivered:
                # A gateway's clock may be off, never its year: an implausible time is taken as now.
                reported = rules.moment_within(
                    receipt.at or moment, now=moment, days_back=RECEIPT_DAYS_BACK, days_ahead=1
                )
                changes["delivered_at"] = reported or moment
            else:
                changes["last_error"] = (receipt.error or "delivery failed")[:300]
            updated = Notice.objects.filter(pk=notice.pk, status__in=statuses_before(target)).update(**changes)
            if not updated:
                summary.ignored += 1
                continue
            summary.applied += 1
            if notice.channel == Channel.SMS:
                (delivered_phones if receipt.delivered else failed_phones).add(notice.recipient)
        contact_delivery_ok(phones=delivered_phones - failed_phones)
        contact_delivery_failed(phones=failed_phones, permanent=False)
    return summary
