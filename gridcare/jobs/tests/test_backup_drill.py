import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from django.db import connection

from gridcare.core.testing import City

ROOT = Path(__file__).resolve().parents[3]


def _drill_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("backup_drill", ROOT / "scripts" / "backup_drill.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_drill_reports_every_table_whose_count_differs_or_is_missing() -> None:
    drill = _drill_module()
    source = {("public", "a"): 3, ("public", "b"): 0, ("public", "c"): 5}
    assert drill.differences(source, dict(source)) == []
    assert drill.differences(source, {("public", "a"): 2, ("public", "b"): 0, ("public", "d"): 1}) == [
        "public.a: source 3, restored 2",
        "public.c: source 5, restored missing",
        "public.d: source missing, restored 1",
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_backup_drill_restores_the_database_with_every_row_count_equal(town: City) -> None:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    done = subprocess.run(  # noqa: S603
        [str(ROOT / "scripts" / "backup-drill")],
        env={**os.environ, "DATABASE_URL": url, "PY": sys.executable},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "backup drill passed" in done.stdout
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_database WHERE datname LIKE %s", [f"{db['NAME']}_drill_%"])
        assert cursor.fetchone() == (0,)  # the drill database is dropped again
