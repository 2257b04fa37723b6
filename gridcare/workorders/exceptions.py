"""Refusals of the work-order app."""

from __future__ import annotations

from gridcare.core.exceptions import Conflict, InvalidInput


class WorkOrderError(Conflict):
    """An action that does not fit the order's state. Nothing has been changed."""


class InvalidTransition(WorkOrderError):
    """A status move that the transition table does not allow."""


class UnknownCrew(InvalidInput):
    """A dispatch names a crew that is not an active repair crew of the unit the order goes to
    (org's crew list, 抢修班组). Nothing has been changed."""
