"""The red invoice (红字发票, 冲红) of a reversed payment, asked for inside the reversal's
transaction (gridcare.billing.services.reversals calls this, after its own rows).

The payment's blue invoice, locked (a worker issuing it right now finishes first): issued → a red
one queued for the same amounts negated, referencing it, issued by the worker; still pending or
failed → it is not issued at all (cancelled); none yet → nothing (the queueing skips reversed
payments). Called again for the same payment it finds the red one and adds nothing."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from gridcare.billing.models import Payment
from gridcare.core.events import Actor
from gridcare.invoicing.events import invoice_event
from gridcare.invoicing.models import Invoice, InvoiceEvent, InvoiceKind, InvoiceStatus


def invoice_red_for_reversal(*, payment: Payment, reason: str, actor: Actor) -> Invoice | None:
    """Cancel ``payment``'s invoice: the red one queued (returned), or the unissued blue one
    cancelled (None). The caller's transaction holds the account's lock."""
    rows = Invoice.objects.filter(payment=payment, kind=InvoiceKind.BLUE)
    if connection.vendor == "postgresql":
        rows = rows.select_for_update(of=("self",))
    blue = rows.first()
    if blue is None:
        return None
    if blue.status in (InvoiceStatus.PENDING, InvoiceStatus.FAILED):
        blue.status = InvoiceStatus.CANCELLED
        blue.save(update_fields=["status"])
        invoice_event(invoice=blue, type=InvoiceEvent.Type.CANCELLED, actor=actor)
        return None
    if blue.status != InvoiceStatus.ISSUED:
        return None
    existing = Invoice.objects.filter(original=blue).first()
    if existing is not None:
        return existing
    now = timezone.now()
    red = Invoice.objects.create(
        account_id=blue.account_id,
        kind=InvoiceKind.RED,
        source=blue.source,
        payment=payment,
        original=blue,
        title_kind=blue.title_kind,
        buyer_name=blue.buyer_name,
        buyer_tax_number=blue.buyer_tax_number,
        email=blue.email,
        gross=-blue.gross,
        net=-blue.net,
        tax=-blue.tax,
        rate=blue.rate,
        reason=reason[:200],
        next_attempt_at=now,
        created_at=now,
    )
    invoice_event(invoice=red, type=InvoiceEvent.Type.RED_QUEUED, actor=actor, original=blue.number, reason=reason)
    return red
