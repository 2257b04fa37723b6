"""Scope.sees (no query, for the hall's hot paths) must say exactly what Scope.filter says, for
every kind of rows and every persona."""

from __future__ import annotations

import pytest

from gridcare.core.testing import PERSONAS, City
from gridcare.org.access import Path, Reach, scope_for
from gridcare.org.models import Hall


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_sees_hall_equals_hall_filter_for_every_hall(town: City, persona: str) -> None:
    scope = scope_for(getattr(town, persona))
    halls = list(Hall.objects.select_related("unit").order_by("code"))
    assert len(halls) == 3
    by_filter = {h.code for h in Hall.objects.filter(scope.hall_filter(""))}
    by_sight = {h.code for h in halls if scope.sees_hall(hall_id=h.pk, unit_id=h.unit_id, company_id=h.unit.company_id)}
    assert by_sight == by_filter


@pytest.mark.django_db
def test_sees_hall_examples(town: City) -> None:
    h1, h2 = town.hall, town.other_hall
    seen = {
        persona: sorted(
            h.code
            for h in (h1, h2)
            if scope_for(getattr(town, persona)).sees_hall(
                hall_id=h.pk, unit_id=h.unit_id, company_id=h.unit.company_id
            )
        )
        for persona in ("clerk", "supervisor", "agent", "admin", "outsider", "foreign_clerk")
    }
    assert seen == {
        "clerk": ["H1"],
        "supervisor": ["H1"],
        "agent": [],
        "admin": ["H1", "H2"],
        "outsider": [],
        "foreign_clerk": [],
    }


@pytest.mark.django_db
@pytest.mark.parametrize("reach", list(Reach))
@pytest.mark.parametrize("persona", PERSONAS)
def test_sees_equals_filter_for_every_reach(town: City, persona: str, reach: Reach) -> None:
    scope = scope_for(getattr(town, persona))
    halls = list(Hall.objects.select_related("unit").order_by("code"))
    by_filter = {h.code for h in Hall.objects.filter(scope.filter(reach, Path.hall_of("")))}
    by_sight = {
        h.code for h in halls if scope.sees(reach, hall_id=h.pk, unit_id=h.unit_id, company_id=h.unit.company_id)
    }
    assert by_sight == by_filter
