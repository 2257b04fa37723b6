"""Refusals of the billing app."""

from __future__ import annotations

from gridcare.core.exceptions import Conflict, DomainError, InvalidInput, NotFound


class BillingError(InvalidInput):
    pass


class InvalidTransition(Conflict):
    pass


class DuplicateMismatch(Conflict):
    """The channel reused a transaction id with different payment data."""


class ProviderUnavailable(NotFound):
    """The payment provider is unknown, switched off, or not fully configured."""


class BadNotification(DomainError):
    """A provider's notification whose signature (or encryption) does not verify: nothing is read
    from it and nothing changes."""

    status_code = 401


class ProviderFailed(DomainError):
    """The provider did not take the order (unreachable, refused, an answer that does not verify)."""

    status_code = 502


class AmountMismatch(InvalidInput):
    """A notification, correctly signed, reports another amount than the order's."""


class ReversalConflict(Conflict):
    """The payment was already reversed under another reference."""


class RefundRefused(Conflict):
    """A refund step its state, or the person, does not allow (the requester approving)."""


class MoveRefused(Conflict):
    """A closure or transfer its account's state does not allow (already closed, 待结清 with debt,
    an unbilled reading, an old holder still owing)."""


class DepositRefused(Conflict):
    """A deposit step the account does not allow (a residential account, nothing held)."""


class CorrectionRefused(Conflict):
    """A bill correction, adjustment or batch re-bill that cannot be done as asked (issue 19)."""
