"""The red invoice (红字发票, 冲红) of a reversed payment or of a bill cancelled by a re-bill, asked
for inside the caller's transaction (``billing.services.reversals`` after its own rows;
``billing.services.rebill.bill_rebill`` and the batch re-bill's bulk step after theirs).

The blue invoice, locked: issued, or already sent to the issuer (``issuing``, or pending again
after an attempt: the issuer may have made it, and the worker finishes it with the same key) → a
red one queued for the same amounts negated, referencing it, issued by the worker once the blue
one has its number; never sent, or failed → it is not issued at all (cancelled); none yet →
nothing (the queueing skips reversed payments and cancelled bills). Called again for the same
payment or bill it finds the red one and adds nothing. A re-bill's replacement bill of an account
that wants bill invoices gets its blue invoice queued in the same step."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.utils import timezone

from gridcare.billing.models import Payment
from gridcare.core.events import Actor
from gridcare.invoicing import selectors
from gridcare.invoicing.events import invoice_event
from gridcare.invoicing.models import Invoice, InvoiceEvent, InvoiceKind, InvoiceSource, InvoiceStatus
from gridcare.invoicing.services.issue import invoice_queue


def invoice_red_for_reversal(*, payment: Payment, reason: str, actor: Actor) -> Invoice | None:
    """Cancel ``payment``'s invoice: the red one queued (returned), or the unissued blue one
    cancelled (None). The caller's transaction holds the account's lock."""
    rows = Invoice.objects.filter(payment=payment, kind=InvoiceKind.BLUE)
    if connection.vendor == "postgresql":
        rows = rows.select_for_update(of=("self",))
    blue = rows.first()
    return _cancel_blue(blue, reason=reason, actor=actor) if blue is not None else None


def invoices_for_rebill(*, pairs: Iterable[tuple[int, int]], reason: str, actor: Actor) -> list[Invoice]:
    """The invoices of re-billed bills, ``pairs`` of (cancelled bill id, replacement bill id): each
    cancelled bill's blue invoice cancelled by a red one (or not issued at all), and a blue one
    queued for each replacement of an account that wants bill invoices. Returns the invoices
    queued (red and blue). A set-based read, so a chunk of the batch re-bill costs two queries
    when no account there asks for bill invoices."""
    pairs = list(pairs)
    if not pairs:
        return []
    rows = Invoice.objects.filter(bill_id__in=[old for old, _new in pairs], kind=InvoiceKind.BLUE).order_by("id")
    if connection.vendor == "postgresql":
        rows = rows.select_for_update(of=("self",))
    queued = [red for blue in rows if (red := _cancel_blue(blue, reason=reason, actor=actor)) is not None]
    for bill in selectors.bills_wanting_invoices(ids=[new for _old, new in pairs]):
        invoice = invoice_queue(bill.account, InvoiceSource.BILL, bill.amount, timezone.now(), bill=bill)
        if invoice is not None:
            queued.append(invoice)
    return queued


def _cancel_blue(blue: Invoice, *, reason: str, actor: Actor) -> Invoice | None:
    sent = blue.status == InvoiceStatus.ISSUING or (blue.status == InvoiceStatus.PENDING and blue.attempts > 0)
    if blue.status == InvoiceStatus.FAILED or (blue.status == InvoiceStatus.PENDING and not sent):
        blue.status = InvoiceStatus.CANCELLED
        blue.save(update_fields=["status"])
        invoice_event(invoice=blue, type=InvoiceEvent.Type.CANCELLED, actor=actor)
        return None
    if blue.status != InvoiceStatus.ISSUED and not sent:
        return None
    existing = Invoice.objects.filter(original=blue).first()
    if existing is not None:
        return existing
    now = timezone.now()
    red = Invoice.objects.create(
        account_id=blue.account_id,
        kind=InvoiceKind.RED,
        source=blue.source,
        payment_id=blue.payment_id,
        bill_id=blue.bill_id,
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
