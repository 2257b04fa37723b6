"""The hall queue's refusals. Each one means nothing was changed."""

from __future__ import annotations

from gridcare.core.exceptions import Conflict, Forbidden


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


class NotYourCounter(Forbidden):
    """Another clerk is signed in at the counter, or the clerk is signed in at another one."""


class NotThisDevice(Forbidden):
    """Not for this caller: a device of another kind, hall or counter, or staff submitting what only
    a device may (a customer's rating comes from the counter's own evaluation pad)."""


class OnStandby(Forbidden):
    """The person is on standby (待岗, gridcare.assessment): no counter until a supervisor restores them."""
