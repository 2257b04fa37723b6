from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gridcare.billing.services.bill_notify import bill_notify


class Command(BaseCommand):
    help = 'Queue the "bill issued" messages of a period that are not in the outbox yet.'

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="YYYY-MM")

    def handle(self, *args: Any, period: str, **options: Any) -> None:
        self.stdout.write(self.style.SUCCESS(f"{bill_notify(period=period):,} messages queued for {period}"))
