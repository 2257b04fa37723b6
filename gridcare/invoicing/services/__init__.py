"""Writes of the e-invoice app: titles (titles.py), queueing and issuing by the worker
(issue.py), the red invoice of a reversed payment or of a re-billed bill (red.py)."""

from gridcare.invoicing.services.issue import WorkDone, invoices_work
from gridcare.invoicing.services.red import invoice_red_for_reversal, invoices_for_rebill
from gridcare.invoicing.services.titles import title_set

__all__ = ["WorkDone", "invoice_red_for_reversal", "invoices_for_rebill", "invoices_work", "title_set"]
