"""Who sees which assessment figures (issue 14): supervisors their unit, hall managers their
hall, administrators and planners the company (``Capability.ASSESS_FIGURES``, through the one
scope filter with ``Reach.ASSESSMENT``); everyone else their own figures only."""

from __future__ import annotations

from django.db.models import Q

from gridcare.org.access import Capability, Path, Reach, Scope, can

# Roll-up rows carry their company, unit and hall.
ROLLUP_PATH = Path(company="company_id", unit="unit_id", hall="hall_id", company_always=True)


def sees_others(scope: Scope) -> bool:
    return can(scope, Capability.ASSESS_FIGURES)


def figures_filter(scope: Scope) -> Q:
    """The roll-up rows ``scope`` may read: its reach's places, or only the person's own rows."""
    if sees_others(scope):
        return scope.filter(Reach.ASSESSMENT, ROLLUP_PATH)
    if scope.staff is not None:
        return Q(staff_id=scope.staff.pk)
    return Q(pk__in=[])
