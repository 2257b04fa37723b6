"""The "bill issued" messages of a period as a separate step after the bill run (used when
GRIDCARE_BILLING_NOTIFY_IN_RUN is off). Idempotent: a bill whose message is already in the
outbox (dedupe key "bill_issued:<bill id>") is skipped, so it can run any number of times."""

from __future__ import annotations

import numpy as np
from django.db import connection, transaction

from gridcare.billing.rules.bill_dates import period_start
from gridcare.billing.services.outbox import bill_issued_rows

_SQL = """
SELECT b.id, b.account_id, a.account_no, CAST(ROUND((b.amount - b.paid) * 100) AS BIGINT),
       (SELECT MIN(c.phone) FROM customers_contact c WHERE c.customer_id = a.customer_id AND c.is_primary)
FROM billing_bill b JOIN customers_account a ON a.id = b.account_id
WHERE b.period = %s AND b.id > %s AND b.amount > b.paid
  AND NOT EXISTS (SELECT 1 FROM notices_notice n WHERE n.dedupe_key = 'bill_issued:' || b.id)
ORDER BY b.id
LIMIT %s
"""


def bill_notify(*, period: str, chunk: int = 50_000) -> int:
    """Queue the period's missing "bill issued" messages. Returns how many were queued."""
    period_start(period)
    after, queued = 0, 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_SQL, [period, after, chunk])
            rows = cursor.fetchall()
            if not rows:
                return queued
            cols = list(zip(*rows, strict=True))
            queued += bill_issued_rows(
                period=period,
                bill_ids=np.array(cols[0], dtype=np.int64),
                account_ids=np.array(cols[1], dtype=np.int64),
                account_nos=list(cols[2]),
                phones=list(cols[4]),
                amounts=np.array(cols[3], dtype=np.int64),
            )
            after = int(rows[-1][0])
