"""One world per test module: built once in an outer transaction, each test's own transaction (a
savepoint inside it) rolled back after it, the outer one after the module."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from gridcare.core.tests.probes.world import World, world


@pytest.fixture(scope="module")
def module_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(PASSWORD_HASHERS=["conftest._FastHasher"]):
                built = world()
            yield built
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def probe(module_world: World, db: None) -> World:
    """The module's world, inside this test's own transaction."""
    return module_world
