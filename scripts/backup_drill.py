"""The backup drill behind scripts/backup-drill: dump, restore into a new database, compare counts.

The source counts are taken inside the snapshot the dump is taken from (``pg_export_snapshot``
and ``pg_dump --snapshot``), so a site that keeps writing during the drill still compares equal.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg
from psycopg import sql

TABLES = """
SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg_toast%'
ORDER BY 1, 2
"""

Counts = dict[tuple[str, str], int]


def tool(name: str) -> str:
    """pg_dump / pg_restore from PGBIN, the PATH, or PostgreSQL 15's usual place."""
    for candidate in (os.environ.get("PGBIN", ""), "", "/usr/lib/postgresql/15/bin"):
        found = shutil.which(name, path=candidate or None)
        if found:
            return found
    raise SystemExit(f"backup-drill: {name} not found (set PGBIN)")


def libpq_url(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1] if url.startswith("postgres://") else url


def with_database(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path="/" + name))


def count_rows(cursor: psycopg.Cursor[tuple[object, ...]]) -> Counts:
    cursor.execute(TABLES)
    tables = [(str(schema), str(table)) for schema, table in cursor.fetchall()]
    counts: Counts = {}
    for schema, table in tables:
        cursor.execute(sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(schema), sql.Identifier(table)))
        row = cursor.fetchone()
        counts[(schema, table)] = int(row[0]) if row else 0
    return counts


def differences(source: Counts, restored: Counts) -> list[str]:
    """One line per table whose count differs or that is missing on either side."""
    lines = []
    for key in sorted(source.keys() | restored.keys()):
        a, b = source.get(key), restored.get(key)
        if a != b:
            name = ".".join(key)
            lines.append(f"{name}: source {'missing' if a is None else a}, restored {'missing' if b is None else b}")
    return lines


def dump(url: str, target: Path) -> Counts:
    """Dump the database to ``target`` and count its rows, both in one snapshot."""
    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        row = cursor.fetchone()
        assert row is not None
        snapshot = str(row[0])
        subprocess.run(  # noqa: S603 - fixed tool, arguments from the operator's own settings
            [tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}", f"--file={target}", f"--dbname={url}"],
            check=True,
        )
        counts = count_rows(cursor)
        conn.rollback()
    return counts


def restore(url: str, source: Path, database: str) -> Counts:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    target = with_database(url, database)
    subprocess.run(  # noqa: S603 - fixed tool, arguments from the operator's own settings
        [
            tool("pg_restore"),
            "--no-owner",
            "--no-acl",
            "--exit-on-error",
            "--jobs=2",
            f"--dbname={target}",
            str(source),
        ],
        check=True,
    )
    with psycopg.connect(target) as conn, conn.cursor() as cursor:
        conn.execute("ANALYZE")
        return count_rows(cursor)


def drop(url: str, database: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dump", type=Path, help="keep the dump here (default: a temporary file)")
    parser.add_argument("--keep-database", action="store_true", help="leave the restored database in place")
    args = parser.parse_args(argv)
    raw = os.environ.get("DATABASE_URL", "")
    if not raw.startswith(("postgres://", "postgresql://")):
        print("backup-drill: DATABASE_URL must point at PostgreSQL", file=sys.stderr)
        return 2
    url = libpq_url(raw)
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    database = f"{urlparse(url).path.lstrip('/')}_drill_{stamp}"
    with tempfile.TemporaryDirectory(prefix="gridcare-drill-") as tmp:
        target = args.dump or Path(tmp) / "gridcare.dump"
        source = dump(url, target)
        print(f"dumped {len(source)} tables, {sum(source.values())} rows to {target} ({target.stat().st_size} bytes)")
        try:
            restored = restore(url, target, database)
        finally:
            if not args.keep_database:
                drop(url, database)
    lines = differences(source, restored)
    for line in lines:
        print(f"DIFFERENT {line}")
    if lines:
        print(f"backup drill FAILED: {len(lines)} of {len(source)} tables differ")
        return 1
    kept = f", kept as {database}" if args.keep_database else ""
    print(f"backup drill passed: {len(source)} tables, every row count equal after restore into {database}{kept}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
