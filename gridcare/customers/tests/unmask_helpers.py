"""Shared steps of the unmasking tests (CUST-4)."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from gridcare.customers.models import AccountEvent, UnmaskAlert, UnmaskAudit

GOOD_REASON = {"reason_code": "caller_check", "reason_text": "客户来电查询电费，核实身份"}


def unmask_api(client: Client, account_no: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(
        f"/api/v1/accounts/{account_no}/unmask",
        data=json.dumps(GOOD_REASON if body is None else body),
        content_type="application/json",
    )


def unmask_page(client: Client, account_no: str, code: str = "caller_check", text: str = "客户来电核实身份") -> Any:
    return client.post(f"/customers/{account_no}/unmask/", {"unmask-reason_code": code, "unmask-reason_text": text})


def audit_counts() -> tuple[int, int, int, int]:
    """(shown audits, refused audits, `unmasked` history rows, alerts)."""
    return (
        UnmaskAudit.objects.filter(outcome="shown").count(),
        UnmaskAudit.objects.filter(outcome="refused").count(),
        AccountEvent.objects.filter(type=AccountEvent.Type.UNMASKED).count(),
        UnmaskAlert.objects.count(),
    )


def privacy(settings: Any, **values: int) -> None:
    settings.GRIDCARE_PRIVACY = {**settings.GRIDCARE_PRIVACY, **values}
