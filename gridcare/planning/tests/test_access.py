"""Who reaches planning (issue 17): planners and administrators the company's halls, a hall
manager their own hall (read only), every other post nothing (403), the signed-out the sign-in
page."""

from __future__ import annotations

import pytest
from django.test import Client

from gridcare.core.testing import STAFF_PERSONAS, City, signed_in
from gridcare.org.access import Capability, can, scope_for
from gridcare.org.models import Hall
from gridcare.planning.access import company_filter, hall_filter

pytestmark = pytest.mark.django_db

# The halls of the City each post plans for (H1 and H2 are company HZ's, X1H the other company's).
HALLS = {"planner": {"H1", "H2"}, "admin": {"H1", "H2", "X1H"}, "manager": {"H1"}, "other_manager": {"H2"}}


@pytest.mark.parametrize("persona", sorted(STAFF_PERSONAS))
def test_each_post_reaches_its_halls_and_the_page(town: City, persona: str) -> None:
    user = town.users[persona]
    scope = scope_for(user)
    seen = set(Hall.objects.filter(hall_filter(scope)).values_list("code", flat=True))
    assert seen == HALLS.get(persona, set())
    response = signed_in(user).get("/planning/")
    assert response.status_code == (200 if persona in HALLS else 403)
    if persona in HALLS:
        page = response.content.decode()
        assert all((hall.name in page) == (hall.code in seen) for hall in Hall.objects.all())


@pytest.mark.parametrize("persona", sorted(STAFF_PERSONAS))
def test_only_planners_and_administrators_edit_and_study_the_network(town: City, persona: str) -> None:
    scope = scope_for(town.users[persona])
    assert can(scope, Capability.PLAN_EDIT) == (persona in {"planner", "admin"})
    # The network studies are the company's: a hall manager reaches none of them.
    assert (company_filter(scope).children == [("pk__in", [])]) == (persona not in {"planner", "admin"})


def test_the_signed_out_are_sent_to_sign_in(town: City) -> None:
    response = Client().get("/planning/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login/")
