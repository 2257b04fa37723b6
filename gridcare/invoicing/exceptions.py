"""Refusals of the e-invoice app (gridcare.core.exceptions), and the issuer's two kinds of failure."""

from __future__ import annotations

from gridcare.core.exceptions import InvalidInput


class TitleRefused(InvalidInput):
    """An invoice title that cannot be used (a bad tax number …): nothing is written."""


class IssuerError(Exception):
    """The issuing interface did not issue. ``temporary``: try again later (timeout, the
    provider busy); otherwise the provider refused the invoice's data (retried only after the
    title is corrected)."""

    def __init__(self, message: str, *, temporary: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.temporary = temporary
