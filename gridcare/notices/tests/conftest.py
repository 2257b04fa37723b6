from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from gridcare.core.timezone import SHANGHAI
from gridcare.notices.testing import LocalSmsGateway

SECRET = "test-gateway-secret"
# A weekday morning in Shanghai, outside quiet hours; tests pass it as the clock.
MORNING = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)


def notice_settings(settings: Any, **changes: Any) -> None:
    settings.GRIDCARE_NOTICES = {**settings.GRIDCARE_NOTICES, **changes}


@pytest.fixture
def gateway(settings: Any) -> Iterator[LocalSmsGateway]:
    """A real HTTP SMS gateway on 127.0.0.1, configured as the SMS channel's gateway."""
    with LocalSmsGateway(SECRET, timeout_delay=3.0) as gw:
        notice_settings(
            settings,
            SMS_GATEWAY="http",
            SMS_URL=gw.url,
            SMS_SECRET=SECRET,
            SMS_RATE=1000,
            SMS_CONNECTIONS=2,
            SMS_TIMEOUT_SECONDS=2,  # generous: a loaded test machine must not look like a timeout
            RECEIPT_SECRET=SECRET,
            BACKOFF_SECONDS=30,
        )
        yield gw
