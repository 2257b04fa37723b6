"""Refusals of the work-order app."""

from __future__ import annotations

from gridcare.core.exceptions import Conflict


class WorkOrderError(Conflict):
    """An action that does not fit the order's state. Nothing has been changed."""


class InvalidTransition(WorkOrderError):
    """A status move that the transition table does not allow."""
