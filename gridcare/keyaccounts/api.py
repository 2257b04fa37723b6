"""The key-account service's API under /api/v1/key-accounts/... (issue 16): each part's router
(``*_api.py``) is added here, with the same access rules as the pages."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["key-accounts"])
