from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from gridcare.core.env import database_from_url, env_bool


def test_sqlite_urls_are_relative_to_the_project_or_absolute() -> None:
    base = Path("/srv/gridcare")
    assert database_from_url("sqlite:///db.sqlite3", base_dir=base)["NAME"] == "/srv/gridcare/db.sqlite3"
    assert database_from_url("sqlite:////var/lib/g.sqlite3", base_dir=base)["NAME"] == "/var/lib/g.sqlite3"


def test_the_sqlite_test_database_is_a_file_of_its_own_per_project() -> None:
    # Not SQLite's shared in-memory database, whose table locks fail at once when a browser
    # test's live server and the test write together; one file per project and process, in the temp dir.
    one = database_from_url("sqlite:///db.sqlite3", base_dir=Path("/srv/a"))["TEST"]["NAME"]
    two = database_from_url("sqlite:///db.sqlite3", base_dir=Path("/srv/b"))["TEST"]["NAME"]
    assert Path(one).parent == Path(tempfile.gettempdir())
    assert Path(one).name.startswith("gridcare-test-") and one.endswith(".sqlite3")
    assert one != two and ":memory:" not in one and "mode=memory" not in one
    # and one per process: two test runs of the same checkout at once do not share a file
    assert one.endswith(f"-{os.getpid()}.sqlite3")


def test_postgres_urls_are_split_into_django_settings() -> None:
    db = database_from_url("postgres://grid:p%40ss@db.local:5433/care", base_dir=Path("."))
    assert (db["ENGINE"], db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "django.db.backends.postgresql",
        "care",
        "grid",
        "p@ss",
        "db.local",
        "5433",
    )


def test_unknown_schemes_and_bad_booleans_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="unsupported DATABASE_URL scheme"):
        database_from_url("mysql://x/y", base_dir=Path("."))
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ValueError, match="FLAG must be a boolean"):
        env_bool("FLAG", False)
    monkeypatch.setenv("FLAG", "yes")
    assert env_bool("FLAG", False) is True
