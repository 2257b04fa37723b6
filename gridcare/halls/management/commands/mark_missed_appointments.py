from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gridcare.core.timezone import business_date
from gridcare.halls.services.appointments import appointments_mark_missed


class Command(BaseCommand):
    help = "Mark the day's booked appointments whose check-in window has closed as missed (safe to run again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="YYYY-MM-DD (default: today in Asia/Shanghai)")

    def handle(self, *args: Any, date: str | None, **options: Any) -> None:
        day = business_date()
        if date:
            try:
                day = _parse(date)
            except ValueError as exc:
                raise CommandError(f"日期格式应为YYYY-MM-DD：{date}") from exc
        marked = appointments_mark_missed(day=day)
        self.stdout.write(f"{day.isoformat()}：{marked} 个预约标记为爽约。")


def _parse(raw: str) -> date:
    return date.fromisoformat(raw)
