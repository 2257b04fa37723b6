from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from gridcare.core.testing import City
from gridcare.halls.demo import configure_hall


@pytest.fixture
def hall_town(town: City) -> City:
    """The persona city with both halls set up as the demo sets a hall up: eight business types
    (A payment … V key account); counter 1 serves key accounts and long business (V B C G F),
    counter 2 quick business (A E D), counter 3 everything but key accounts; all open."""
    configure_hall(town.hall)
    configure_hall(town.other_hall)
    return town


def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")
