from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gridcare.billing.conf import billing_bool
from gridcare.billing.models import BillRun
from gridcare.billing.services.bill_notify import bill_notify
from gridcare.billing.services.bill_run import bill_run_start
from gridcare.core.exceptions import DomainError
from gridcare.org.models import SupplyUnit


class Command(BaseCommand):
    help = "Compute the bills of a period (抄核收) in one batch; resumes a killed run; idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="YYYY-MM")
        parser.add_argument("--unit", default=None, help="supply unit code (default: every unit)")
        parser.add_argument("--chunk", type=int, default=None, help="accounts per transaction")
        parser.add_argument("--no-notify", action="store_true", help='skip the "bill issued" messages step')
        parser.add_argument(
            "--no-read-ahead",
            action="store_true",
            help="PostgreSQL: read each chunk in turn instead of the next one on a second connection",
        )

    def handle(
        self,
        *args: Any,
        period: str,
        unit: str | None,
        chunk: int | None,
        no_notify: bool,
        no_read_ahead: bool,
        **options: Any,
    ) -> None:
        supply_unit = None
        if unit:
            supply_unit = SupplyUnit.objects.filter(code=unit).first()
            if supply_unit is None:
                raise CommandError(f"unknown supply unit {unit}")
        started = time.perf_counter()

        def progress(run: BillRun) -> None:
            self.stdout.write(f"  … {run.last_account_id} (account id) done", ending="\r")

        try:
            run = bill_run_start(
                period=period,
                unit=supply_unit,
                chunk_size=chunk,
                after_chunk=progress,
                read_ahead=not no_read_ahead,
            )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"bill run {run.period} #{run.pk}: {run.billed:,} bills, {run.held:,} held, "
                f"{run.missing:,} without reading or tariff, {run.amount} yuan, {elapsed:.1f} s"
            )
        )
        if not no_notify and not billing_bool("NOTIFY_IN_RUN"):
            started = time.perf_counter()
            queued = bill_notify(period=period)
            self.stdout.write(f"bill-issued messages: {queued:,} queued in {time.perf_counter() - started:.1f} s")
