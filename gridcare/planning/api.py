"""Planning's API under /api/v1/planning/... (issue 17): each part's router (``*_api.py``) is
added here, with the same access rules as the pages."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["planning"])


def _add_part_routers() -> None:
    """The parts of the planning API, each in its own module (staffing, simulations, network),
    added here as they are built."""
    from gridcare.planning.staffing_api import router as staffing_router

    router.add_router("", staffing_router)
    from gridcare.planning.simulation_api import router as simulations_router

    router.add_router("", simulations_router)
    from gridcare.planning.network_api import router as network_router

    router.add_router("", network_router)
    from gridcare.planning.desk_api import router as desk_router

    router.add_router("", desk_router)


_add_part_routers()
