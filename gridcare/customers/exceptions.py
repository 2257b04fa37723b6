"""Refusals of the customer archive beyond the house's DomainError kinds."""

from __future__ import annotations

from gridcare.core.exceptions import DomainError


class UnmaskLimitReached(DomainError):
    """A person has unmasked as many accounts as the hour or the day allows (CUST-4). The refusal
    is itself an audit row; the API answers 429."""

    status_code = 429
