from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gridcare.billing.services.arrears import remind_arrears
from gridcare.core.timezone import business_date


class Command(BaseCommand):
    help = "Queue the daily arrears reminders (欠费提醒); never twice for the same bill."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=date.fromisoformat, default=None, help="business date (default today)")

    def handle(self, *args: Any, date: date | None, **options: Any) -> None:
        on = date or business_date()
        sent = remind_arrears(on=on)
        self.stdout.write(self.style.SUCCESS(f"arrears reminders for {on}: {sent} queued"))
