from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gridcare.billing.services.reconcile import reconcile
from gridcare.core.exceptions import DomainError


class Command(BaseCommand):
    help = "Compare a channel's daily statement with the posted payments (对账)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--channel", required=True)
        parser.add_argument("--date", required=True, type=date.fromisoformat)
        parser.add_argument("--statement", required=True, type=Path, help="CSV or XLSX: 流水号, 户号, 金额")

    def handle(self, *args: Any, channel: str, date: date, statement: Path, **options: Any) -> None:
        try:
            rec = reconcile(
                channel=channel,
                business_date=date,
                file_name=statement.name,
                content=statement.read_bytes(),
                actor=None,
            )
        except DomainError as exc:
            details = "; ".join(f"{k}: {v}" for k, v in exc.errors.items())
            raise CommandError(f"{exc.message} {details}") from exc
        items = list(rec.items.order_by("kind", "channel_txn_id"))
        self.stdout.write(f"{channel} {date}: {rec.matched} matched, {len(items)} mismatched")
        for item in items:
            self.stdout.write(
                f"  {item.kind:<9} {item.channel_txn_id:<24} {item.account_no:<10} "
                f"statement={item.statement_amount or '-'} posted={item.posted_amount or '-'}"
            )
