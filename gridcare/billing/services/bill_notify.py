"""The "bill issued" messages of a period as a separate step after the bill run (used when
GRIDCARE_BILLING_NOTIFY_IN_RUN is off). Idempotent: a bill whose message is already in the
outbox (dedupe key "bill_issued:<bill id>") is skipped, so it can run any number of times."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from django.db import transaction
from django.db.models import BigIntegerField, CharField, F, OuterRef, Value
from django.db.models.functions import Cast, Concat, Round

from gridcare.billing.models import Bill
from gridcare.billing.rules.bill_dates import period_start
from gridcare.billing.services.estimates import estimated_account_ids
from gridcare.billing.services.outbox import bill_issued_rows
from gridcare.customers.selectors import primary_phone_of
from gridcare.notices.selectors import notice_queued


def _unnotified(period: str, after: int, chunk: int) -> list[tuple[int, int, str, int, str | None]]:
    """(bill id, account id, account no, owed in fen, primary phone) of the next ``chunk`` bills
    of ``period`` after bill ``after`` that still have something to pay and no message queued."""
    key = Concat(Value("bill_issued:"), Cast(OuterRef("id"), CharField()), output_field=CharField())
    owed = Cast(Round((F("amount") - F("paid")) * 100), BigIntegerField())
    bills = (
        Bill.objects.filter(period=period, id__gt=after, amount__gt=F("paid"))
        .filter(~notice_queued(key))
        .order_by("id")
        .values_list(
            "id", "account_id", "account__account_no", owed, primary_phone_of(OuterRef("account__customer_id"))
        )
    )
    return list(bills[:chunk])


def bill_notify(*, period: str, chunk: int = 50_000, hold: Callable[[], None] | None = None) -> int:
    """Queue the period's missing "bill issued" messages. Returns how many were queued.
    ``hold`` (the worker's lease guard) is called first in each chunk's transaction: a worker
    that lost its lease raises there and writes nothing more."""
    period_start(period)
    after, queued = 0, 0
    while True:
        with transaction.atomic():
            if hold is not None:
                hold()
            rows = _unnotified(period, after, chunk)
            if not rows:
                return queued
            cols = list(zip(*rows, strict=True))
            ids = np.array(cols[1], dtype=np.int64)
            queued += bill_issued_rows(
                estimated=estimated_account_ids(period=period, account_ids=ids.tolist()),
                period=period,
                bill_ids=np.array(cols[0], dtype=np.int64),
                account_ids=ids,
                account_nos=list(cols[2]),
                phones=list(cols[4]),
                amounts=np.array(cols[3], dtype=np.int64),
            )
            after = int(rows[-1][0])
