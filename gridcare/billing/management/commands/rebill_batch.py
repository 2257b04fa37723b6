from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gridcare.billing.models import RebillBatch
from gridcare.billing.services.rebill_batch import rebill_batch_run
from gridcare.core.exceptions import DomainError


class Command(BaseCommand):
    help = "Run an opened batch re-bill (批量重新出账) to the end; resumes a killed one; idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, required=True, help="the batch's id (its page: /billing/rebill/<id>/)")
        parser.add_argument("--chunk", type=int, default=None, help="bills per transaction")

    def handle(self, *args: Any, batch: int, chunk: int | None, **options: Any) -> None:
        found = RebillBatch.objects.select_related("started_by").filter(pk=batch).first()
        if found is None:
            raise CommandError(f"no batch re-bill #{batch}")
        started = time.perf_counter()
        try:
            done = rebill_batch_run(batch=found, actor=found.started_by, chunk_size=chunk)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"batch re-bill #{done.pk} {done.period} {done.tariff_code}: {done.rebilled:,} re-billed, "
                f"{done.unchanged:,} unchanged, {done.amount_before} -> {done.amount_after} yuan, "
                f"{time.perf_counter() - started:.1f} s"
            )
        )
