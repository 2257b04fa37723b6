"""The portal's refusals, each with the customer's sentence (gridcare.core.exceptions)."""

from __future__ import annotations

from gridcare.core.exceptions import DomainError, InvalidInput, NotFound


class PortalError(DomainError):
    """Base of the portal's refusals."""


class CodeRefused(InvalidInput):
    """A wrong, used, expired or dead sign-in code (one sentence for all: nothing to learn)."""


class TooManyRequests(PortalError):
    status_code = 429


class BindingRefused(InvalidInput):
    """The account and the proof do not match (one sentence whatever was wrong)."""


class AccountNotBound(NotFound):
    """An account the customer has not bound: the same 404 as a missing one."""
