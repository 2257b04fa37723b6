"""Refusals of the billing app."""

from __future__ import annotations

from gridcare.core.exceptions import Conflict, InvalidInput


class BillingError(InvalidInput):
    pass


class InvalidTransition(Conflict):
    pass


class DuplicateMismatch(Conflict):
    """The channel reused a transaction id with different payment data."""
