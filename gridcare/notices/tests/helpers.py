"""Small builders shared by the notice tests."""

from __future__ import annotations

from datetime import datetime

from gridcare.notices.models import Notice
from gridcare.notices.services.gateways import gateway_for
from gridcare.notices.services.outbox import notice_enqueue
from gridcare.notices.services.sender import RoundResult, send_pending


def queue(code: str = "arrears_reminder", phone: str = "13812345678", **variables: object) -> Notice:
    defaults: dict[str, dict[str, object]] = {
        "arrears_reminder": {"account_no": "0000000018", "amount": "120.50", "days": 5},
        "bill_issued": {"account_no": "0000000018", "period": "2026年10月", "amount": "88.00", "due_date": "11月30日"},
        "fault_outage": {"area": "城一线1号台区", "eta": "11月24日18:00"},
        "queue_near": {"hall": "城区营业厅", "number": "A012", "ahead": 3},
    }
    notice = notice_enqueue(template_code=code, variables={**defaults[code], **variables}, recipient=phone)
    assert notice is not None
    return notice


def send(now: datetime) -> RoundResult:
    return send_pending(channel="sms", gateway=gateway_for("sms"), now=now)
