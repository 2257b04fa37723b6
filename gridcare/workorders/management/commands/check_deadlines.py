"""Warn about deadlines close to breach and escalate broken ones. Run every minute (cron/systemd)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gridcare.workorders.services import deadlines_check


class Command(BaseCommand):
    help = "Warn before work-order deadlines are breached and escalate overdue orders to the unit's supervisor."

    def handle(self, *args: Any, **options: Any) -> None:
        result = deadlines_check()
        self.stdout.write(f"warned {result.warned}, escalated {result.escalated}")
