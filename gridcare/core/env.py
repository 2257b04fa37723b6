"""Typed readers for settings taken from the environment (healthchecks' habit)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name} must be a boolean, got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return default if raw is None or raw == "" else int(raw)


def env_decimal(name: str, default: str) -> Decimal:
    return Decimal(os.environ.get(name) or default)


def env_list(name: str, default: str) -> list[str]:
    raw = os.environ.get(name, default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def _digest(name: Path) -> str:
    """A short name for a project's database, so two clones' test databases differ."""
    return hashlib.sha256(str(name.resolve()).encode()).hexdigest()[:10]


def database_from_url(url: str, *, base_dir: Path) -> dict[str, Any]:
    """Turn DATABASE_URL into a Django DATABASES entry.

    Supported: ``sqlite:///relative/or/absolute.sqlite3`` and
    ``postgres://user:password@host:port/name`` (also ``postgresql://``).
    """
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        # sqlite:///db.sqlite3 is relative to the project; sqlite:////var/db.sqlite3 is absolute.
        absolute = parsed.path.startswith("//")
        name = Path(parsed.path[1:]) if absolute else base_dir / parsed.path.lstrip("/")
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(name),
            "OPTIONS": {
                # WAL lets the display board read while a counter writes; IMMEDIATE makes
                # writers queue on the lock instead of failing half way (Django 5.1+).
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": ("PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=20000;"),
            },
            # Keep each server thread's connection between requests: opening one and running the
            # PRAGMAs above cost about as much as a whole counter request.
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
            # The test database is a file too, not SQLite's shared in-memory one: there, two
            # connections (a browser test's live server and the test itself) meet table locks
            # that fail at once ("database table is locked"); on a file, WAL and the busy
            # timeout above make them wait, as in production. One file per process (two test
            # runs of one checkout at once must not share it); pytest-xdist's workers are
            # processes of their own and add their suffix too.
            "TEST": {"NAME": str(Path(tempfile.gettempdir()) / f"gridcare-test-{_digest(name)}-{os.getpid()}.sqlite3")},
        }
    if parsed.scheme in {"postgres", "postgresql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ValueError(f"unsupported DATABASE_URL scheme: {parsed.scheme!r}")
