"""The key-account service's API under /api/v1/key-accounts/... (issue 16): each part's router
(``*_api.py``) is added here, with the same access rules as the pages."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["key-accounts"])


def _add_part_routers() -> None:
    """The parts of the key-account API kept in their own modules, under the same tag. The
    load-data part comes first: its fixed paths (loads, findings) before any ``{account_no}``."""
    from gridcare.keyaccounts.loads_api import router as loads_router
    from gridcare.keyaccounts.portfolio_api import router as portfolio_router
    from gridcare.keyaccounts.visits_api import router as visits_router

    router.add_router("", loads_router)
    router.add_router("", portfolio_router)
    router.add_router("", visits_router)


_add_part_routers()
