"""E-invoices issued by the worker (job ``issue_invoices``), exactly once per payment or bill.

Queueing: every payment (and, for accounts that asked for it, every bill) without its blue
invoice gets one pending row; the partial unique constraints make a repeated or concurrent
queueing insert nothing twice. Issuing: each due pending invoice is locked (``SKIP LOCKED`` on
PostgreSQL, so two workers take different ones), checked again, sent to the issuer and saved
with its number, history row and e-mail in one transaction. A temporary failure is retried
after RETRY_MINUTES, doubling, up to MAX_ATTEMPTS; a refusal of the data fails it at once (a
corrected title queues it again). The issuer's call sits inside the row's lock on purpose: the
lock is what keeps a second worker from issuing the same invoice, and the serial sent
(``GC<id>``) lets the provider answer a retry after a crash with the invoice it already made."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from gridcare.billing.models import Bill, Payment
from gridcare.core.company import company
from gridcare.core.timezone import SHANGHAI, business_date
from gridcare.customers.models import Account
from gridcare.customers.rules import mask_email
from gridcare.invoicing import rules, selectors
from gridcare.invoicing.conf import einvoice_int, einvoice_str, tax_rate
from gridcare.invoicing.events import invoice_event
from gridcare.invoicing.exceptions import IssuerError
from gridcare.invoicing.issuers import Issuer, IssueRequest, issuer_for
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
        return 0  # another worker queued it first
    return 1


def _locked(pk: int) -> Invoice | None:
    rows = Invoice.objects.filter(pk=pk, status=InvoiceStatus.PENDING).select_related("original", "account")
    if connection.vendor == "postgresql":
        rows = rows.select_for_update(skip_locked=True, of=("self",))
    else:
        rows = rows.select_for_update()
    return rows.first()


def _issue_one(pk: int, issuer: Issuer, now: datetime, done: WorkDone) -> None:
    with transaction.atomic():
        invoice = _locked(pk)
        if invoice is None:
            return  # another worker has it, or it is no longer pending
        if _reversed_before_issue(invoice):
            _cancel(invoice, done)
            return
        if invoice.kind == InvoiceKind.RED and invoice.original is not None and not invoice.original.number:
            return  # its blue one is not issued yet
        try:
            issued = issuer.issue(_request(invoice, now))
        except IssuerError as exc:
            _failed(invoice, exc, now, done)
            return
        invoice.number, invoice.verification_code = issued.number, issued.verification_code
        invoice.issued_at, invoice.provider = issued.issued_at, issuer.name
        invoice.status, invoice.attempts, invoice.last_error = InvoiceStatus.ISSUED, invoice.attempts + 1, ""
        invoice.save(
            update_fields=["number", "verification_code", "issued_at", "provider", "status", "attempts", "last_error"]
        )
        invoice_event(
            invoice=invoice, type=InvoiceEvent.Type.ISSUED, actor=None, number=issued.number, provider=issuer.name
        )
        _deliver(invoice)
        if invoice.kind == InvoiceKind.RED:
            done.red += 1
        else:
            done.issued += 1


def _reversed_before_issue(invoice: Invoice) -> bool:
    """A payment reversed after its invoice was queued (the queueing read it before): no invoice."""
    if invoice.kind != InvoiceKind.BLUE or invoice.payment_id is None:
        return False
    return Payment.objects.filter(pk=invoice.payment_id, reversal__isnull=False).exists()


def _cancel(invoice: Invoice, done: WorkDone) -> None:
    invoice.status = InvoiceStatus.CANCELLED
    invoice.save(update_fields=["status"])
    invoice_event(invoice=invoice, type=InvoiceEvent.Type.CANCELLED, actor=None)
    done.cancelled += 1


def _request(invoice: Invoice, now: datetime) -> IssueRequest:
    firm = company()
    return IssueRequest(
        serial=f"GC{invoice.pk}",
        invoice_id=invoice.pk,
        kind=invoice.kind,
        attempt=invoice.attempts + 1,
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
    invoice.attempts += 1
    invoice.last_error = exc.message[:300]
    if exc.temporary and invoice.attempts < einvoice_int("MAX_ATTEMPTS"):
        wait = timedelta(minutes=einvoice_int("RETRY_MINUTES") * 2 ** (invoice.attempts - 1))
        invoice.next_attempt_at = now + wait
        invoice_event(
            invoice=invoice,
            type=InvoiceEvent.Type.RETRY,
            actor=None,
            attempt=invoice.attempts,
            error=invoice.last_error,
        )
        done.retried += 1
    else:
        invoice.status = InvoiceStatus.FAILED
        invoice_event(invoice=invoice, type=InvoiceEvent.Type.FAILED, actor=None, error=invoice.last_error)
        done.failed += 1
    invoice.save(update_fields=["attempts", "last_error", "next_attempt_at", "status"])


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


__all__ = ["WorkDone", "invoices_work"]
