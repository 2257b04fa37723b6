from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from gridcare.notices.models import Notice
from gridcare.notices.tests.conftest import notice_settings
from gridcare.notices.tests.helpers import queue


@pytest.mark.django_db
def test_send_notices_writes_messages_to_the_file_gateway_by_default(settings: Any, tmp_path: Path) -> None:
    out_file = tmp_path / "notices.jsonl"
    notice_settings(settings, FILE=str(out_file), QUIET_HOURS="")
    first = queue("queue_near")
    second = queue("fault_outage", phone="13900001111")
    out = StringIO()
    call_command("send_notices", "--channel", "sms", stdout=out)
    assert out.getvalue().strip() == "sent 2, retried 0, failed 0, suppressed 0"
    lines = [json.loads(line) for line in out_file.read_text(encoding="utf-8").splitlines()]
    assert [(line["id"], line["to"], line["body"]) for line in lines] == [
        (first.pk, "138****5678", first.body),
        (second.pk, "139****1111", second.body),
    ]
    assert list(Notice.objects.order_by("pk").values_list("status", "gateway", "gateway_message_id")) == [
        ("sent", "sms-console", f"console-{first.pk}"),
        ("sent", "sms-console", f"console-{second.pk}"),
    ]
    call_command("send_notices", "--channel", "sms", stdout=StringIO())
    assert len(out_file.read_text(encoding="utf-8").splitlines()) == 2
