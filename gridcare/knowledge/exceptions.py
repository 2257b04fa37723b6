"""The knowledge base's refusals, each with the user's sentence (gridcare.core.exceptions)."""

from __future__ import annotations

from gridcare.core.exceptions import Conflict, DomainError, Forbidden, InvalidInput


class KnowledgeError(DomainError):
    """Base of the knowledge base's refusals."""


class ArticleRefused(InvalidInput):
    """An article, version or query whose input cannot be used: nothing is written."""


class VersionConflict(Conflict):
    """A version asked to move where its status does not allow (submitting twice …)."""


class OwnReview(Forbidden):
    """The editor of a version may not review it: another person does (four eyes)."""


class CategoryInUse(Conflict):
    """A category with articles filed under it cannot be retired."""
