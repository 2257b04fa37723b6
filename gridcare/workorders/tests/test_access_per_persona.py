"""Who sees which order: agents company-wide, unit roles their unit, hall roles their hall, outsiders nothing."""

from __future__ import annotations

import pytest

from gridcare.core.testing import City, api_client
from gridcare.workorders.models import Status, WorkOrder
from gridcare.workorders.tests.conftest import Clock, take

# persona: (sees the U1/H1 order, sees the U2/H2 order)
EXPECTED = {
    "agent": (True, True),
    "clerk": (True, False),
    "guide": (True, False),
    "manager": (True, False),
    "other_manager": (False, True),
    "supervisor": (True, False),
    "other_supervisor": (False, True),
    "kam": (True, False),
    "community": (True, False),
    "planner": (True, True),
    "admin": (True, True),
    "outsider": (False, False),
    "foreign_clerk": (False, False),
}


@pytest.mark.parametrize(("persona", "sees"), EXPECTED.items())
def test_each_persona_sees_exactly_its_orders(town: City, clock: Clock, persona: str, sees: tuple[bool, bool]) -> None:
    mine = take(town.agent, account_no=town.account.account_no)
    theirs = take(town.agent, account_no=town.other_unit_account.account_no)
    client = api_client(town.users[persona])
    got = tuple(client.get(f"/api/v1/workorders/{o.number}").status_code == 200 for o in (mine, theirs))
    assert got == sees
    listed = {o["number"] for o in client.get("/api/v1/workorders").json()}
    assert listed == {o.number for o, s in zip((mine, theirs), sees, strict=True) if s}


@pytest.mark.parametrize("persona", ["other_manager", "other_supervisor", "outsider", "foreign_clerk"])
def test_acting_on_an_order_one_cannot_see_is_404_and_nothing_changes(town: City, clock: Clock, persona: str) -> None:
    order = take(town.agent, account_no=town.account.account_no)
    before = list(WorkOrder.objects.values())
    response = api_client(town.users[persona]).post(
        f"/api/v1/workorders/{order.number}/reply", {}, content_type="application/json"
    )
    assert response.status_code == 404
    assert list(WorkOrder.objects.values()) == before
    assert WorkOrder.objects.get().status == Status.RECEIVED


def test_without_a_token_the_api_answers_401(town: City, clock: Clock) -> None:
    from django.test import Client

    assert Client().get("/api/v1/workorders").status_code == 401
