"""Shared start-up for benchmark scripts: a throwaway database unless one is given.

A benchmark never touches db.sqlite3: with no --database-url it migrates a fresh SQLite file in
a temporary directory.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_up(database_url: str | None) -> str:
    """Point Django at ``database_url`` (or a fresh temporary SQLite file), migrate, return the URL."""
    sys.path.insert(0, str(ROOT))
    if not database_url:
        database_url = f"sqlite:///{tempfile.mkdtemp(prefix='gridcare-bench-')}/bench.sqlite3"
        # sqlite:/// + absolute path gives four slashes: an absolute path
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return database_url


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
