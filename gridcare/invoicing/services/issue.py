"""E-invoices issued by the worker (job ``issue_invoices``), exactly once per payment or bill.

Queueing: every payment (and, for accounts that asked for it, every bill) without its blue
invoice gets one pending row; the partial unique constraints make a repeated or concurrent
queueing insert nothing twice. Issuing, in three steps so that no row lock or transaction is held during the issuer's HTTP call:
(1) claim: a due invoice is locked (``SKIP LOCKED`` on PostgreSQL, so two workers take different
ones), checked again and marked ``issuing`` with its idempotency key (``GC<id>``), the attempt
counted and a lease set, and committed; (2) the issuer is called outside any transaction; (3) the
answer is recorded (number, history row and e-mail) only if the row is still ``issuing``. A worker
that dies after (1) leaves the row ``issuing``: once the lease has passed another claims it and
sends the same key, and the issuer (simulated or the provider's) answers with the invoice it
already made. A temporary failure is retried after RETRY_MINUTES, doubling, up to MAX_ATTEMPTS; a
refusal of the data fails it at once (a corrected title queues it again)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from gridcare.billing.models import Bill, BillStatus, Payment
from gridcare.core.company import company
from gridcare.core.timezone import SHANGHAI, business_date
from gridcare.customers.models import Account
from gridcare.customers.rules import mask_email
from gridcare.invoicing import rules, selectors
from gridcare.invoicing.conf import einvoice_int, einvoice_str, tax_rate
from gridcare.invoicing.events import invoice_event
from gridcare.invoicing.exceptions import IssuerError
from gridcare.invoicing.issuers import Issued, Issuer, IssueRequest, issuer_for
from gridcare.invoicing.models import Invoice, InvoiceEvent, InvoiceKind, InvoiceSource, InvoiceStatus
from gridcare.notices.models import Channel
from gridcare.notices.services import notice_enqueue


@dataclass
class WorkDone:
    queued: int = 0
    issued: int = 0
    red: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0

    def counts(self) -> dict[str, int]:
        return {
            "queued": self.queued,
            "issued": self.issued,
            "red": self.red,
            "retried": self.retried,
            "failed": self.failed,
        }


def invoices_work(*, now: datetime | None = None, issuer: Issuer | None = None) -> WorkDone:
    """One run of the job: queue what has no invoice, then issue what is due."""
    now = now or timezone.now()
    done = WorkDone()
    limit = einvoice_int("BATCH")
    for payment in selectors.payments_to_invoice(limit=limit):
        done.queued += _queue(payment.account, InvoiceSource.PAYMENT, payment.amount, now, payment=payment)
    for bill in selectors.bills_to_invoice(limit=limit):
        done.queued += _queue(bill.account, InvoiceSource.BILL, bill.amount, now, bill=bill)
    issuer = issuer or issuer_for()
    for pk in selectors.due_ids(now=now, limit=limit):
        _issue_one(pk, issuer, now, done)
    return done


def _queue(
    account: Account,
    source: InvoiceSource,
    gross: Decimal,
    now: datetime,
    *,
    payment: Payment | None = None,
    bill: Bill | None = None,
) -> int:
    return 0 if invoice_queue(account, source, gross, now, payment=payment, bill=bill) is None else 1


def invoice_queue(
    account: Account,
    source: InvoiceSource,
    gross: Decimal,
    now: datetime,
    *,
    payment: Payment | None = None,
    bill: Bill | None = None,
) -> Invoice | None:
    """A payment's or bill's blue invoice queued (pending, for the worker), the buyer from the
    account's title; None when it already has one (another worker or step queued it first)."""
    buyer = selectors.buyer_of(account)
    rate = tax_rate()
    split = rules.tax_split(gross, rate)
    try:
        with transaction.atomic():
            invoice = Invoice.objects.create(
                account=account,
                kind=InvoiceKind.BLUE,
                source=source,
                payment=payment,
                bill=bill,
                title_kind=buyer.kind,
                buyer_name=buyer.name,
                buyer_tax_number=buyer.tax_number,
                email=buyer.email,
                gross=split.gross,
                net=split.net,
                tax=split.tax,
                rate=rate,
                next_attempt_at=now,
                created_at=now,
            )
            invoice_event(invoice=invoice, type=InvoiceEvent.Type.QUEUED, actor=None, gross=str(split.gross))
    except IntegrityError:
        return None
    return invoice


def _issue_one(pk: int, issuer: Issuer, now: datetime, done: WorkDone) -> None:
    """Claim (a short transaction), call the issuer (no transaction, no lock), record the answer
    (a short transaction). A crash between the call and the record leaves the row ``issuing``;
    once its lease has passed a worker claims it again and sends the same key."""
    invoice = _claim(pk, now, issuer, done)
    if invoice is None:
        return
    try:
        issued = issuer.issue(_request(invoice, now))
    except IssuerError as exc:
        _failed(invoice, exc, now, done)
        return
    _issued(invoice, issued, issuer, done)


def _lease(now: datetime) -> datetime:
    """Until when a claim is the claimer's: well past the issuer's timeout."""
    return now + timedelta(seconds=max(60, 3 * einvoice_int("HTTP_TIMEOUT_SECONDS")))


def _claim(pk: int, now: datetime, issuer: Issuer, done: WorkDone) -> Invoice | None:
    """Take a due invoice (pending, or issuing with its lease run out) for this worker: status
    issuing, the key saved, the attempt counted, committed before the issuer is called. None:
    another worker has it, it is not due, or it needs no invoice (cancelled here)."""
    with transaction.atomic():
        rows = Invoice.objects.filter(
            pk=pk, status__in=(InvoiceStatus.PENDING, InvoiceStatus.ISSUING), next_attempt_at__lte=now
        ).select_related("original", "account")
        if connection.vendor == "postgresql":
            rows = rows.select_for_update(skip_locked=True, of=("self",))
        else:
            rows = rows.select_for_update()
        invoice = rows.first()
        if invoice is None:
            return None  # another worker has it, or it is no longer due
        if invoice.status == InvoiceStatus.PENDING and _not_wanted(invoice):
            _cancel(invoice, done)
            return None
        if invoice.kind == InvoiceKind.RED and invoice.original is not None and not invoice.original.number:
            return None  # its blue one is not issued yet
        invoice.status, invoice.attempts = InvoiceStatus.ISSUING, invoice.attempts + 1
        invoice.issue_key = invoice.issue_key or f"GC{invoice.pk}"
        invoice.next_attempt_at = _lease(now)
        invoice.save(update_fields=["status", "attempts", "issue_key", "next_attempt_at"])
    return invoice


def _issued(invoice: Invoice, issued: Issued, issuer: Issuer, done: WorkDone) -> None:
    """The issuer's answer recorded once: a second worker that sent the same key after a lapsed
    lease finds the row issued and adds nothing."""
    with transaction.atomic():
        changed = Invoice.objects.filter(pk=invoice.pk, status=InvoiceStatus.ISSUING).update(
            number=issued.number,
            verification_code=issued.verification_code,
            issued_at=issued.issued_at,
            provider=issuer.name,
            status=InvoiceStatus.ISSUED,
            last_error="",
        )
        if not changed:
            return
        invoice.refresh_from_db()
        invoice_event(
            invoice=invoice, type=InvoiceEvent.Type.ISSUED, actor=None, number=issued.number, provider=issuer.name
        )
        _deliver(invoice)
    if invoice.kind == InvoiceKind.RED:
        done.red += 1
    else:
        done.issued += 1


def _not_wanted(invoice: Invoice) -> bool:
    """A blue invoice never sent whose payment was reversed, or whose bill was cancelled (by a
    re-bill), after it was queued (the queueing read it before): no invoice. One already sent is
    finished with its key and cancelled by a red one."""
    if invoice.kind != InvoiceKind.BLUE or invoice.attempts:
        return False
    if invoice.payment_id is not None:
        return Payment.objects.filter(pk=invoice.payment_id, reversal__isnull=False).exists()
    if invoice.bill_id is not None:
        return Bill.objects.filter(pk=invoice.bill_id, status=BillStatus.CANCELLED).exists()
    return False


def _cancel(invoice: Invoice, done: WorkDone) -> None:
    invoice.status = InvoiceStatus.CANCELLED
    invoice.save(update_fields=["status"])
    invoice_event(invoice=invoice, type=InvoiceEvent.Type.CANCELLED, actor=None)
    done.cancelled += 1


def _request(invoice: Invoice, now: datetime) -> IssueRequest:
    firm = company()
    return IssueRequest(
        serial=invoice.issue_key or f"GC{invoice.pk}",
        invoice_id=invoice.pk,
        kind=invoice.kind,
        attempt=invoice.attempts,
        seller_name=firm.name,
        seller_tax_number=firm.tax_number,
        buyer_name=invoice.buyer_name,
        buyer_tax_number=invoice.buyer_tax_number,
        title_kind=invoice.title_kind,
        item_name=einvoice_str("ITEM_NAME"),
        tax_code=einvoice_str("TAX_CODE"),
        net=invoice.net,
        tax=invoice.tax,
        gross=invoice.gross,
        rate=invoice.rate,
        original_number=invoice.original.number if invoice.original is not None else "",
        on=business_date(now),
    )


def _failed(invoice: Invoice, exc: IssuerError, now: datetime, done: WorkDone) -> None:
    """The issuer refused or did not answer: back to pending for a later attempt (the same key),
    or failed after the last one. Nothing when the row is no longer this worker's claim."""
    with transaction.atomic():
        row = Invoice.objects.select_for_update().filter(pk=invoice.pk, status=InvoiceStatus.ISSUING).first()
        if row is None:
            return
        row.last_error = exc.message[:300]
        if exc.temporary and row.attempts < einvoice_int("MAX_ATTEMPTS"):
            wait = timedelta(minutes=einvoice_int("RETRY_MINUTES") * 2 ** (row.attempts - 1))
            row.status, row.next_attempt_at = InvoiceStatus.PENDING, now + wait
            invoice_event(
                invoice=row, type=InvoiceEvent.Type.RETRY, actor=None, attempt=row.attempts, error=row.last_error
            )
            done.retried += 1
        else:
            row.status, row.next_attempt_at = InvoiceStatus.FAILED, now
            invoice_event(invoice=row, type=InvoiceEvent.Type.FAILED, actor=None, error=row.last_error)
            done.failed += 1
            _red_not_needed(row)
        row.save(update_fields=["attempts", "last_error", "next_attempt_at", "status"])


def _red_not_needed(blue: Invoice) -> None:
    """A red invoice queued for a blue one that then failed for good has nothing to cancel."""
    red = Invoice.objects.filter(original=blue, status=InvoiceStatus.PENDING).first()
    if red is not None:
        red.status = InvoiceStatus.CANCELLED
        red.save(update_fields=["status"])
        invoice_event(invoice=red, type=InvoiceEvent.Type.CANCELLED, actor=None)


def _deliver(invoice: Invoice) -> None:
    """E-mail the invoice through the outbox when the buyer has an address; it is on the
    customer's portal page in any case."""
    if not invoice.email:
        return
    notice_enqueue(
        template_code="einvoice_red" if invoice.kind == InvoiceKind.RED else "einvoice_issued",
        channel=Channel.EMAIL,
        recipient=invoice.email,
        account_id=invoice.account_id,
        variables={
            "company": company().name,
            "account_no": invoice.account.account_no,
            "number": invoice.number,
            "gross": invoice.gross,
            "issued_at": f"{invoice.issued_at.astimezone(SHANGHAI):%Y-%m-%d}" if invoice.issued_at else "",
            "original": invoice.original.number if invoice.original is not None else "",
        },
        dedupe_key=f"einvoice:{invoice.pk}",
    )
    invoice_event(invoice=invoice, type=InvoiceEvent.Type.SENT, actor=None, email=mask_email(invoice.email))


__all__ = ["WorkDone", "invoice_queue", "invoices_work"]
