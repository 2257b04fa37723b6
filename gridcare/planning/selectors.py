"""Planning's reads: the halls a caller plans for (each part's reads in its own module,
``selectors_*.py``)."""

from __future__ import annotations

from django.db.models import QuerySet

from gridcare.org.access import Scope
from gridcare.org.models import Hall
from gridcare.planning.access import hall_filter


def halls_for(scope: Scope) -> QuerySet[Hall]:
    """The halls whose plans the caller sees, by unit and code (the pickers' choices)."""
    return Hall.objects.filter(hall_filter(scope)).select_related("unit").order_by("unit__code", "code")
