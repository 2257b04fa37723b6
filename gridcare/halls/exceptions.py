"""The hall queue's refusals. Each one means nothing was changed."""

from __future__ import annotations

from gridcare.core.exceptions import Conflict


class InvalidTransition(Conflict):
    """The ticket's status does not allow the action (finish a ticket never called …)."""


class CounterNotOpen(Conflict):
    """The counter is paused or closed."""


class CounterBusy(Conflict):
    """The counter still has a called ticket."""


class AlreadyEvaluated(Conflict):
    """The ticket has been rated already."""


class HallClosed(Conflict):
    """Outside the hall's opening hours: the kiosk issues no ticket and says when it opens."""
