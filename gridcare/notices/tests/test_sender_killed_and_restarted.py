"""The real thing on PostgreSQL: a ``send_notices`` process is killed (SIGKILL) mid-batch and a
new sender takes over. Every message reaches the gateway's handsets exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection

from gridcare.notices.models import Notice
from gridcare.notices.services.gateways import gateway_for
from gridcare.notices.services.sender import send_pending
from gridcare.notices.testing import LocalSmsGateway
from gridcare.notices.tests.conftest import notice_settings
from gridcare.notices.tests.helpers import queue

ROOT = Path(django_settings.BASE_DIR)


def sender_process(gateway: LocalSmsGateway, *args: str) -> subprocess.Popen[bytes]:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "GRIDCARE_SMS_GATEWAY": "http",
        "GRIDCARE_SMS_URL": gateway.url,
        "GRIDCARE_SMS_SECRET": "s",
        "GRIDCARE_SMS_RATE": "20",
        "GRIDCARE_SMS_CONNECTIONS": "1",
        "GRIDCARE_NOTICE_LEASE_SECONDS": "1",
        "GRIDCARE_NOTICE_QUIET_HOURS": "",
    }
    return subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", "send_notices", "--channel", "sms", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def wait_for(condition: Any, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_sender_killed_mid_batch_and_started_again_loses_nothing_and_sends_nothing_twice(settings: Any) -> None:
    notices = [queue(phone=f"138{i:08d}") for i in range(40)]
    with LocalSmsGateway("s") as gateway:
        first = sender_process(gateway, "--loop")
        try:
            wait_for(lambda: gateway.state.requests >= 10 or first.poll() is not None, 120)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        taken_before_restart = len(gateway.state.handset)
        assert first.stderr is not None
        assert first.returncode == -signal.SIGKILL, first.stderr.read()
        assert 10 <= taken_before_restart < 40
        assert Notice.objects.filter(status="sending").exists()
        recorded_by_the_dead = Notice.objects.filter(status="sent").count()

        time.sleep(1.2)  # the dead sender's lease (1 s) runs out
        notice_settings(settings, SMS_GATEWAY="http", SMS_URL=gateway.url, SMS_SECRET="s", QUIET_HOURS="")
        result = send_pending(channel="sms", gateway=gateway_for("sms"))
        assert result.sent == 40 - recorded_by_the_dead

    assert Notice.objects.filter(status="sent").count() == 40
    assert sorted(gateway.state.handset) == sorted(str(n.pk) for n in notices)
    assert set(gateway.state.handset.values()) == {1}
    assert gateway.state.requests == 40 + gateway.state.duplicates
    # Each outcome was written as soon as the gateway answered: the kill could repeat only the
    # one message the sender's one connection had with the gateway (issue 21).
    assert gateway.state.duplicates <= 1
