"""Billing's messages to many customers at once (bill run, bill_notify, prepaid run), handed to
the notices outbox writer as plain values; it chooses each customer's channel and writes them
with one bulk insert inside the caller's transaction. Each row's dedupe_key is unique per bill,
so a message is never queued twice."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from gridcare.billing.rules.bill_dates import due_date_of
from gridcare.knowledge.bill_messages import unusual_bill_variables
from gridcare.notices.services import NewNotice, notices_enqueue

# (phone, account id, variables, dedupe key)
Message = tuple[str, int, dict[str, str], str]


def notice_rows(template_code: str, messages: Iterable[Message]) -> int:
    """Queue ``messages`` of one template; returns how many rows were written."""
    return notices_enqueue(
        template_code=template_code,
        messages=(
            NewNotice(recipient=phone, account_id=account_id, variables=variables, dedupe_key=dedupe_key)
            for phone, account_id, variables, dedupe_key in messages
        ),
    )


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
    estimated: Collection[int] = (),
) -> int:
    """ "Bill issued" messages for bills that still have something to pay and a phone; a bill
    with unusual usage gets the second template, with the reason and the 节电 help (SELF-4, one
    query per chunk; the dedupe key is the same, so a bill has one message either way). The
    accounts in ``estimated`` were billed from an estimated reading: their period says so (估抄)."""
    due = due_date_of(period).isoformat()
    unusual = unusual_bill_variables(period=period, bill_ids=bill_ids.tolist())
    marked = _("%(p)s（估抄）") % {"p": period}

    def messages(of_unusual: bool) -> Iterable[Message]:
        for bill_id, account_id, no, phone, fen in zip(
            bill_ids.tolist(), account_ids.tolist(), account_nos, phones, amounts.tolist(), strict=True
        ):
            if phone and fen > 0 and (bill_id in unusual) == of_unusual:
                variables: dict[str, Any] = {
                    "account_no": no,
                    "period": marked if account_id in estimated else period,
                    "amount": fen_text(fen),
                    "due_date": due,
                    **unusual.get(bill_id, {}),
                }
                yield phone, account_id, variables, f"bill_issued:{bill_id}"

    queued = notice_rows("bill_issued", messages(False))
    return queued + (notice_rows("bill_issued_unusual", messages(True)) if unusual else 0)
