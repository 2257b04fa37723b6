from __future__ import annotations

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from gridcare.core.testing import City, city


class _FastHasher(PBKDF2PasswordHasher):
    # Tests sign in hundreds of times; the production hasher is deliberately slow.
    iterations = 1


@pytest.fixture(autouse=True)
def _fast_passwords(settings: pytest.FixtureRequest) -> None:
    settings.PASSWORD_HASHERS = ["conftest._FastHasher"]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _fresh_calendar() -> None:
    """Each test reads the calendar rows of its own database state (gridcare.core.calendar
    caches them per process, and a test's rows are rolled back after it)."""
    from gridcare.core import calendar

    calendar.invalidate()


@pytest.fixture
def town(db: None) -> City:
    """The persona city of gridcare.core.testing."""
    return city()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``postgres`` run only when DATABASE_URL points at PostgreSQL."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
