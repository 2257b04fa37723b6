"""Withdrawing a message whose cause went away before it left (a booking reminder held until the
day before, and the booking cancelled): a queued row becomes ``withdrawn`` and is never sent. A
message already claimed by a sender, sent or final is left as it is (NOTICE_TRANSITIONS)."""

from __future__ import annotations

from gridcare.notices.models import Notice, NoticeStatus


def notice_withdraw(*, dedupe_key: str, reason: str) -> int:
    """Withdraw the still-queued message of ``dedupe_key`` (the key its writer gave it); returns
    how many rows were withdrawn (0 or 1). Call it inside the transaction of the cause."""
    return Notice.objects.filter(dedupe_key=dedupe_key, status=NoticeStatus.QUEUED).update(
        status=NoticeStatus.WITHDRAWN, last_error=reason[:200], lease_until=None
    )
