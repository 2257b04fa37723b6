"""Start-up checks of the sign-in security settings (SEC-1)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

MIN_AUDIT_DAYS = 180  # 等保 2.0 level 3: audit records kept at least six months


@register()
def auth_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    auth = settings.GRIDCARE_AUTH
    errors = []
    if auth["AUDIT_KEEP_DAYS"] < MIN_AUDIT_DAYS:
        errors.append(Error(f"GRIDCARE_AUTH_AUDIT_KEEP_DAYS must be at least {MIN_AUDIT_DAYS}.", id="gridcare.E101"))
    if auth["ADDRESS_FAILURE_LIMIT"] < auth["ACCOUNT_FAILURE_LIMIT"]:
        errors.append(
            Error(
                "GRIDCARE_LOGIN_ADDRESS_FAILURE_LIMIT must not be below GRIDCARE_LOGIN_ACCOUNT_FAILURE_LIMIT "
                "(one address serves a whole hall).",
                id="gridcare.E102",
            )
        )
    return errors
