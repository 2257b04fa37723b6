"""Import a directory of metering exports (KEY-3), file by file, through the import service.

A month of 15-minute data of thousands of key accounts is larger than one upload may be
(LOAD_FILE_MAX_MB): the metering system exports it as several files (per unit, or per few hundred
accounts). This command imports each CSV or Excel file of a directory (or the files named), in
name order, with ``services.loads.load_import`` as the person given by ``--user``: each file is
imported whole or refused whole, with the same checks, reach and record as an upload on the page.
A refused file does not stop the others; the command ends with an error when any was refused.

    python manage.py import_load_files var/exports/2026-11 --user wang_kam [--interval 15]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gridcare.core.exceptions import DomainError
from gridcare.keyaccounts.services.loads import load_import
from gridcare.org.access import scope_for

SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")


class Command(BaseCommand):
    help = "Import every load-data file (CSV or Excel) of a directory, each whole or not at all."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="a directory of exports, or files")
        parser.add_argument("--user", required=True, help="the importer's username (KEY_LOAD_IMPORT)")
        parser.add_argument("--interval", type=int, default=None, choices=(15, 30, 60))

    def handle(self, *args: Any, paths: list[Path], user: str, interval: int | None, **options: Any) -> None:
        person = get_user_model().objects.filter(username=user, is_active=True).first()
        if person is None:
            raise CommandError(f"no active user {user!r}")
        files = _files(paths)
        if not files:
            raise CommandError("no CSV or Excel files found")
        scope = scope_for(person)
        refused = 0
        for path in files:
            try:
                done = load_import(
                    scope=scope, actor=person, file_name=path.name, data=path.read_bytes(), interval_minutes=interval
                )
            except DomainError as exc:  # not readable at all, or not allowed: nothing recorded
                details = "; ".join(str(v) for v in exc.errors.values()) or exc.message
                if not exc.errors:
                    raise CommandError(f"{path.name}: {details}") from exc
                self.stderr.write(f"{path.name}: not imported: {details}")
                refused += 1
                continue
            if done.status == "imported":
                months = ", ".join(done.months)
                self.stdout.write(f"{path.name}: imported {done.rows} rows, {done.accounts} accounts ({months})")
            else:
                first = done.problems.filter(blocking=True).first()
                said = f" first: row {first.row}: {first.detail}" if first else ""
                self.stderr.write(f"{path.name}: refused, import {done.pk}, {done.problems.count()} problems;{said}")
                refused += 1
        if refused:
            raise CommandError(f"{refused} of {len(files)} files not imported")
        self.stdout.write(self.style.SUCCESS(f"{len(files)} files imported"))


def _files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
        elif path.is_file():
            found.append(path)
        else:
            raise CommandError(f"{path} does not exist")
    return found
