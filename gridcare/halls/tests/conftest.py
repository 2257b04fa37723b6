from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from gridcare.core.testing import City
from gridcare.halls.demo import configure_hall
from gridcare.halls.tests.appointments_helpers import MONDAY, Clock, at


@pytest.fixture
def hall_town(town: City) -> City:
    """The persona city with both halls set up as the demo sets a hall up: eight business types
    (A payment … V key account); counter 1 serves key accounts and long business (V B C G F),
    counter 2 quick business (A E D), counter 3 everything but key accounts; all open."""
    configure_hall(town.hall)
    configure_hall(town.other_hall)
    return town


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    """The faked clock every service reads through django.utils.timezone.now, at Monday 10:00."""
    c = Clock(at(MONDAY, 10, 0))
    monkeypatch.setattr(timezone, "now", lambda: c.at)
    yield c


@pytest.fixture
def second_clerk(hall_town: City) -> User:
    """Another counter clerk of hall H1 (the persona city has one)."""
    from gridcare.core.testing import PASSWORD
    from gridcare.org.models import Role, Staff

    user = get_user_model().objects.create_user(username="clerk2", password=PASSWORD)
    Staff.objects.create(
        user=user,
        employee_no="T0900",
        name="clerk2",
        role=Role.COUNTER_CLERK,
        company=hall_town.company,
        unit=hall_town.unit,
        hall=hall_town.hall,
    )
    hall_town.users["clerk2"] = user
    return user


def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")
