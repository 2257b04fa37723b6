"""Outbox rows for many customers at once (bill run, bill_notify): the same columns that
``notices.services.notice_enqueue`` fills, written with one bulk insert inside the caller's
transaction. Each row's dedupe_key is unique per bill, so a message is never queued twice."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from django.db import connection
from django.utils import timezone

from gridcare.billing.rules.bill_dates import due_date_of
from gridcare.core.bulk import insert_rows
from gridcare.notices.models import Channel, Notice, NoticeStatus
from gridcare.notices.rules import sms_segments
from gridcare.notices.services import template_get

# The columns this module fills; every other column of Notice gets its model default, so a
# column the notices app adds later needs no change here.
FILLED = (
    "channel",
    "category",
    "recipient",
    "account_id",
    "template_code",
    "template_version",
    "variables",
    "body",
    "dedupe_key",
    "status",
    "created_at",
    "segments",
)


def _defaults() -> tuple[tuple[str, ...], tuple[object, ...]]:
    fields = [f for f in Notice._meta.concrete_fields if not f.primary_key and f.attname not in FILLED]
    return tuple(f.column for f in fields), tuple(f.get_db_prep_save(f.get_default(), connection) for f in fields)


# (recipient, account id, variables, dedupe key)
Message = tuple[str, int, dict[str, str], str]


def notice_rows(template_code: str, messages: Iterable[Message]) -> int:
    """Queue ``messages`` of one template; returns how many rows were written."""
    category, version, text = template_get(template_code)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    other_columns, other_values = _defaults()

    def rows() -> Iterable[tuple[object, ...]]:
        for recipient, account_id, variables, dedupe_key in messages:
            body = text.format(**variables)
            yield (
                Channel.SMS,
                category,
                recipient,
                account_id,
                template_code,
                version,
                json.dumps(variables, ensure_ascii=False),
                body,
                dedupe_key,
                NoticeStatus.QUEUED,
                now,
                sms_segments(body),
                *other_values,
            )

    return insert_rows(Notice, (*FILLED, *other_columns), rows())


def fen_text(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def bill_issued_rows(
    *,
    period: str,
    bill_ids: np.ndarray,
    account_ids: np.ndarray,
    account_nos: Sequence[str],
    phones: Sequence[str | None],
    amounts: np.ndarray,
) -> int:
    """ "Bill issued" messages for bills that still have something to pay and a phone."""
    due = due_date_of(period).isoformat()

    def messages() -> Iterable[Message]:
        for bill_id, account_id, no, phone, fen in zip(
            bill_ids.tolist(), account_ids.tolist(), account_nos, phones, amounts.tolist(), strict=True
        ):
            if phone and fen > 0:
                variables: dict[str, Any] = {
                    "account_no": no,
                    "period": period,
                    "amount": fen_text(fen),
                    "due_date": due,
                }
                yield phone, account_id, variables, f"bill_issued:{bill_id}"

    return notice_rows("bill_issued", messages())
