from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gridcare.customers.models import ArchiveIssue
from gridcare.customers.quality import archive_check
from gridcare.org.models import SupplyUnit


class Command(BaseCommand):
    help = "Check the customer archive and refresh the archive-quality worklist (CUST-3)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", help="supply unit code (default: every unit)")

    def handle(self, *args: Any, unit: str | None, **options: Any) -> None:
        unit_id = None
        if unit:
            found = SupplyUnit.objects.filter(code=unit).values_list("pk", flat=True).first()
            if found is None:
                raise CommandError(f"供电单位 {unit} 不存在。")
            unit_id = found
        started = time.perf_counter()
        result = archive_check(unit_id=unit_id)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"检查用电户 {result.accounts:,} 户，用时 {elapsed:.1f} 秒；新增问题 {result.opened:,} 条，已解决 {result.resolved:,} 条。"
        )
        for kind, label in ArchiveIssue.Kind.choices:
            self.stdout.write(f"  {label}: {result.open_by_kind.get(kind, 0):,}")
