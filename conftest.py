from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils import translation
from pytest_django import DjangoDbBlocker, Settings

from gridcare.core.testing import City, city

# The browser tests' fixtures (``browser``, ``opening_hours``): one place for every app's.
pytest_plugins = ("gridcare.core.browser_testing",)


class _FastHasher(PBKDF2PasswordHasher):
    # Tests sign in hundreds of times; the production hasher is deliberately slow.
    iterations = 1


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the site's default language, and a request made in English (the
    language cookie: LocaleMiddleware activates English in this thread and leaves it active) does
    not carry English into the next test, or into a module's world built after it."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    """Each test starts with empty caches: the halls' live screens are keyed by a hall's version
    and the minute, which another test's rolled-back rows (the same ids, a frozen clock) repeat."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["conftest._FastHasher"]


@pytest.fixture(autouse=True)
def _load_store_dir(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test's key-account load data (Parquet files, keyaccounts.store) in a directory of its
    own, created only when something is written, never in the project's var/loads."""
    import uuid

    root = tmp_path_factory.getbasetemp() / "loads" / uuid.uuid4().hex
    settings.GRIDCARE_KEY_ACCOUNTS = {**django_settings.GRIDCARE_KEY_ACCOUNTS, "LOAD_STORE_DIR": str(root)}


def calendar_seeded() -> None:
    """The calendar rows the migration seeds, again if a transactional test's flush emptied them."""
    from django.apps import apps

    from gridcare.core import calendar
    from gridcare.core.models import CalendarYear

    if not CalendarYear.objects.exists():
        importlib.import_module("gridcare.core.migrations.0003_calendar_seed").seed(apps, None)
    calendar.invalidate()


@pytest.fixture(autouse=True)
def _fresh_calendar(request: pytest.FixtureRequest, django_db_blocker: DjangoDbBlocker) -> None:
    """Each test reads the calendar rows of its own database state (gridcare.core.calendar
    caches them per process, and a test's rows are rolled back after it). A transactional test
    ends by emptying every table, the calendar seeded by migration too: seed it again."""
    from gridcare.core import calendar

    calendar.invalidate()
    if "django_db_setup" in request.fixturenames or request.node.get_closest_marker("django_db") is not None:
        with django_db_blocker.unblock():
            calendar_seeded()


@pytest.fixture(autouse=True)
def _auth_timeouts_beyond_the_test_clock(settings: Settings) -> None:
    """Many tests move the clock by hours or months with the same signed-in personas; the idle
    and password-age limits (SEC-1) would sign them out. The tests of those limits take the
    ``auth_limits`` fixture, which puts the configured values back."""
    settings.GRIDCARE_AUTH = {
        **settings.GRIDCARE_AUTH,
        "SESSION_IDLE_MINUTES": 10**8,
        "API_TOKEN_IDLE_MINUTES": 10**8,
        "PASSWORD_MAX_AGE_DAYS": 10**5,
    }


@pytest.fixture(autouse=True)
def _payment_window_beyond_the_test_clock(settings: Settings) -> None:
    """Tests post payments on fixed dates of 2026 whatever today is; the paid_at window (issue 11)
    would refuse them. The tests of the window take ``payment_window``, the configured values."""
    settings.GRIDCARE_BILLING = {
        **settings.GRIDCARE_BILLING,
        "PAID_AT_PAST_DAYS": 10**5,
        "PAID_AT_FUTURE_MINUTES": 10**8,
    }


@pytest.fixture
def payment_window(settings: Settings) -> dict[str, object]:
    """The configured payment window and channel maxima (config/settings.py)."""
    import config.settings

    window: dict[str, object] = dict(config.settings.GRIDCARE_BILLING)
    settings.GRIDCARE_BILLING = window
    return window


@pytest.fixture
def auth_limits(settings: Settings) -> dict[str, int]:
    """The configured sign-in limits (config/settings.py, the SPEC defaults), for their tests."""
    import config.settings

    limits = dict(config.settings.GRIDCARE_AUTH)
    settings.GRIDCARE_AUTH = limits
    return limits


@pytest.fixture
def town(db: None) -> City:
    """The persona city of gridcare.core.testing."""
    return city()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``postgres`` run only when DATABASE_URL points at PostgreSQL; tests marked
    ``browser`` (the pages in Chromium) or ``one_database`` (what they check is the same on either
    database, and costly) once per CI, on SQLite."""
    from django.db import connection

    if connection.vendor == "postgresql":
        once = pytest.mark.skip(reason="runs on SQLite only (once per CI): the same on either database")
        for item in items:
            if "browser" in item.keywords or "one_database" in item.keywords:
                item.add_marker(once)
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
