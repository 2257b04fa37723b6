"""The notice settings (settings.GRIDCARE_NOTICES), read at call time so tests can change them."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def notice_setting(name: str) -> Any:
    conf: dict[str, Any] = settings.GRIDCARE_NOTICES
    return conf[name]
