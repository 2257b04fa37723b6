from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gridcare.org.services import auth_audit_prune


class Command(BaseCommand):
    help = "Delete sign-in audit rows older than GRIDCARE_AUTH_AUDIT_KEEP_DAYS (at least 180; run daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = auth_audit_prune()
        self.stdout.write(", ".join(f"{name}: {n}" for name, n in counts.items()))
