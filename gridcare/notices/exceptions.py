"""Refusals of the notices app."""

from __future__ import annotations

from gridcare.core.exceptions import Conflict, InvalidInput


class NoticeError(InvalidInput):
    """A message, template, outage or campaign that cannot be accepted as given."""


class InvalidTransition(Conflict):
    """An outage asked to move to a status its current one does not lead to, or already moved
    by someone else."""
