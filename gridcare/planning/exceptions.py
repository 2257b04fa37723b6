"""Planning's refusals, each with the user's sentence (gridcare.core.exceptions)."""

from __future__ import annotations

from gridcare.core.exceptions import Conflict, DomainError, InvalidInput


class PlanningError(DomainError):
    """Base of planning's refusals."""


class PlanRefused(InvalidInput):
    """A plan, roster, simulation or scenario whose input cannot be used: nothing is written."""


class PlanConflict(Conflict):
    """A plan or scenario asked to move where its state does not allow (adopting twice …)."""
