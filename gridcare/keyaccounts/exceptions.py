"""The key-account service's refusals, each with the user's sentence (gridcare.core.exceptions)."""

from __future__ import annotations

from gridcare.core.exceptions import Conflict, DomainError, InvalidInput


class KeyAccountError(DomainError):
    """Base of the key-account service's refusals."""


class ImportRefused(InvalidInput):
    """A load-data file that cannot be imported as a whole: nothing of it is written."""


class StateConflict(Conflict):
    """A visit, plan or finding asked to move where its state does not allow."""
