"""The base of every app's exception hierarchy.

Services raise these; the API turns them into HTTP answers (404/409/403/422) and the pages into
messages. The message is already in the user's language (a lazy translation).
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refused action. Nothing has been changed when this is raised."""

    status_code = 400

    def __init__(self, message: Any, *, errors: dict[str, Any] | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.errors = errors or {}


class NotFound(DomainError):
    """Missing, or not visible to the caller: the two look the same on purpose."""

    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class Conflict(DomainError):
    """The action does not fit the object's current state (an illegal transition)."""

    status_code = 409


class InvalidInput(DomainError):
    status_code = 422
