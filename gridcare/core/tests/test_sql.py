"""Hand-written reads (gridcare.core.sql) give the same instances as the ORM."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from gridcare.core.models import ApiToken
from gridcare.core.sql import Columns, cache_related, fetch
from gridcare.core.testing import PASSWORD, City
from gridcare.core.tokens import token_issue, token_user
from gridcare.halls.models import Ticket
from gridcare.org.models import Hall, Staff, SupplyUnit

_HALL = Columns(Hall, "h")
_UNIT = Columns(SupplyUnit, "u")


@pytest.mark.django_db
def test_loaded_instances_equal_the_orms(town: City) -> None:
    rows = fetch(
        f"SELECT {_HALL.sql(connection)}, {_UNIT.sql(connection)} FROM org_hall h "  # noqa: S608 - test
        "JOIN org_supplyunit u ON u.id = h.unit_id ORDER BY h.code",
        [],
    )
    loaded = [_HALL.load(row, 0, connection) for row in rows]
    expected = list(Hall.objects.order_by("code"))
    assert [(h.pk, h.code, h.name, h.unit_id, h.opens_at, h.closes_at) for h in loaded if h] == [
        (h.pk, h.code, h.name, h.unit_id, h.opens_at, h.closes_at) for h in expected
    ]
    unit = _UNIT.load(rows[0], len(_HALL), connection)
    assert unit == SupplyUnit.objects.get(pk=expected[0].unit_id)
    assert loaded[0] is not None and not loaded[0]._state.adding


@pytest.mark.django_db
def test_datetimes_come_back_aware_and_equal(town: City) -> None:
    token = token_issue(
        request=RequestFactory().post("/api/v1/auth/token"), username=town.clerk.username, password=PASSWORD
    )
    columns = Columns(ApiToken, "t")
    row = fetch(f"SELECT {columns.sql(connection)} FROM core_apitoken t", [])[0]  # noqa: S608 - test
    loaded = columns.load(row, 0, connection)
    stored = ApiToken.objects.get()
    assert loaded is not None and loaded.expires_at == stored.expires_at
    assert loaded.expires_at.tzinfo is not None
    assert token_user(token) == town.clerk


@pytest.mark.django_db
def test_missing_side_of_a_left_join_is_none(town: City) -> None:
    columns = Columns(Ticket, "t")
    row = fetch(
        f"SELECT h.id, {columns.sql(connection)} FROM org_hall h "  # noqa: S608 - test
        "LEFT JOIN halls_ticket t ON t.hall_id = h.id WHERE h.code = 'H1'",
        [],
    )[0]
    assert columns.load(row, 1, connection) is None


@pytest.mark.django_db
def test_cache_related_saves_the_query(town: City, django_assert_num_queries: DjangoAssertNumQueries) -> None:
    staff = Staff.objects.get(user=town.clerk)
    cache_related(staff, "hall", town.hall)
    with django_assert_num_queries(0):
        assert staff.hall is not None and staff.hall.code == "H1"


@pytest.mark.django_db
def test_token_user_refuses_expired_and_inactive(town: City) -> None:
    token = token_issue(
        request=RequestFactory().post("/api/v1/auth/token"), username=town.clerk.username, password=PASSWORD
    )
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert token_user(token) is None
    ApiToken.objects.update(expires_at=timezone.now() + timedelta(days=1))
    assert token_user(token) == town.clerk
    town.clerk.is_active = False
    town.clerk.save()
    assert token_user(token) is None
    assert token_user("not-a-token") is None
