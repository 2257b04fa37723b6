from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from gridcare.org.access import request_scope


def staff(request: HttpRequest) -> dict[str, Any]:
    """The signed-in person's scope, for the navigation bar."""
    scope = request_scope(request)
    return {"scope": scope, "staff": scope.staff}
