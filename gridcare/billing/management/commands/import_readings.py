from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gridcare.billing.services.readings import intervals_import, readings_import
from gridcare.core.exceptions import DomainError


class Command(BaseCommand):
    help = "Import meter readings (or --interval load data) from a CSV or Excel file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--interval", action="store_true")

    def handle(self, *args: Any, file: Path, interval: bool, **options: Any) -> None:
        service = intervals_import if interval else readings_import
        try:
            batch = service(file_name=file.name, content=file.read_bytes(), actor=None)
        except DomainError as exc:
            details = "; ".join(f"{k}: {v}" for k, v in exc.errors.items())
            raise CommandError(f"{exc.message} {details}") from exc
        self.stdout.write(self.style.SUCCESS(f"imported {batch.rows} rows, {batch.exceptions} exceptions to resolve"))
