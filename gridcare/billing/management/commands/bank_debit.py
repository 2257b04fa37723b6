from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gridcare.billing.services.debit import debit_export, debit_import_result
from gridcare.core.exceptions import DomainError
from gridcare.core.timezone import business_date
from gridcare.org.access import scope_for


class Command(BaseCommand):
    help = "Bank auto-debit (银行代扣): --export a debit file, or --result FILE to post the bank's answer."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bank", required=True)
        parser.add_argument("--date", type=date.fromisoformat, default=None)
        parser.add_argument("--export", type=Path, default=None)
        parser.add_argument("--result", type=Path, default=None)
        parser.add_argument("--user", default=None, help="the posting user (an administrator)")

    def handle(
        self,
        *args: Any,
        bank: str,
        date: date | None,
        export: Path | None,
        result: Path | None,
        user: str | None,
        **o: Any,
    ) -> None:
        on = date or business_date()
        if export:
            export.write_text(debit_export(bank_code=bank, on=on), encoding="utf-8")
            self.stdout.write(self.style.SUCCESS(f"debit file written to {export}"))
        if result:
            actor = get_user_model().objects.filter(username=user).first() if user else None
            if actor is None:
                raise CommandError("--user must name an existing administrator")
            try:
                posted, failed = debit_import_result(
                    scope=scope_for(actor), actor=actor, file_name=result.name, content=result.read_bytes(), on=on
                )
            except DomainError as exc:
                raise CommandError(str(exc.message)) from exc
            self.stdout.write(self.style.SUCCESS(f"{posted} debits posted, {failed} failed at the bank"))
