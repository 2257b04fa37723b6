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


@pytest.fixture
def town(db: None) -> City:
    """The persona city of gridcare.core.testing."""
    return city()
