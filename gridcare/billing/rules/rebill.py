"""Corrections (issue 19), the pure parts: a re-billed bill's due date and which credit and
debit notes a bill carries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from gridcare.core.money import ZERO


def rebill_due_date(old_due: date, issued_on: date, days: int) -> date:
    """A re-billed bill falls due ``days`` after it is issued, never before the cancelled bill
    did: the customer is not late on a bill they have only just been sent."""
    return max(old_due, issued_on + timedelta(days=days))


@dataclass(frozen=True)
class Note:
    key: int  # the adjustment
    signed: Decimal  # debit positive, credit negative


def notes_to_apply(charges: Decimal, notes: Sequence[Note]) -> tuple[list[int], Decimal]:
    """The notes a bill of ``charges`` carries, oldest first, and their sum: a credit that would
    take the bill below zero waits for a later bill (a bill never owes less than nothing)."""
    total = ZERO
    applied: list[int] = []
    for note in sorted(notes, key=lambda n: n.key):
        if charges + total + note.signed < 0:
            continue
        total += note.signed
        applied.append(note.key)
    return applied, total
