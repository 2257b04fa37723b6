"""Bill statuses shared by the reads and the writes: which bills are still owed, and which
moves a payment may make (the table ``services.bill_status.bill_transition`` enforces)."""

from __future__ import annotations

from gridcare.billing.models import BillStatus

OPEN = (BillStatus.ISSUED, BillStatus.PARTLY_PAID)
BILL_TRANSITIONS: dict[str, set[str]] = {
    BillStatus.ISSUED: {BillStatus.PARTLY_PAID, BillStatus.PAID, BillStatus.CANCELLED},
    BillStatus.PARTLY_PAID: {BillStatus.PARTLY_PAID, BillStatus.PAID, BillStatus.CANCELLED},
    BillStatus.PAID: {BillStatus.CANCELLED},
    # A cancelled bill (issue 19: cancel and re-bill) never moves again; its replacement does.
    BillStatus.CANCELLED: set(),
}
# The moves a payment's reversal makes (issue 19): the bill owes again what the payment had
# settled. Only ``bill_transition(..., reversal=True)`` reads this table, so a payment still
# never moves a paid bill back.
# A re-billed bill (issue 19) is issued and then replayed with the cancelled bill's payments,
# which may pay it in part or in full.
REVERSAL_TRANSITIONS: dict[str, set[str]] = {
    BillStatus.ISSUED: {BillStatus.ISSUED, BillStatus.PARTLY_PAID, BillStatus.PAID},
    BillStatus.PARTLY_PAID: {BillStatus.ISSUED, BillStatus.PARTLY_PAID},
    BillStatus.PAID: {BillStatus.ISSUED, BillStatus.PARTLY_PAID, BillStatus.PAID},
    BillStatus.CANCELLED: set(),
}
