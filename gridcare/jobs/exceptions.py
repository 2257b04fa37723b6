"""Refusals of the jobs app."""

from __future__ import annotations

from gridcare.core.exceptions import Conflict


class LeaseLost(Conflict):
    """A running job's lease expired or was taken over by another worker: the job must write no
    more (issue 21); its unit of work in hand is rolled back and the run ends as interrupted."""
