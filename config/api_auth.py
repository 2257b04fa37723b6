"""Who calls the JSON API: staff with a bearer token or their page session, and the hall's own
devices with their device credential (``Authorization: Device <credential>``).

Kept apart from config/api.py so an app's router can name its operations' callers without
importing the API that imports the router.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from gridcare.org.access import api_user


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_user(token)
        if user is not None:
            request.user = user
        return user


class SignedInSession(SessionAuth):
    """The browser's session, for the pages' own calls. Nobody signed in is a 401 like a missing
    token; the CSRF check applies only to a real session (ninja checks it first, which answered
    an anonymous client 403 "CSRF check Failed")."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


class DeviceCredential(HttpBearer):
    """A hall's registered kiosk, board or pad (gridcare.halls: HallDevice). Accepted only by the
    operations that name it (``DEVICE_OR_STAFF``), which check the device's kind, hall and
    counter; everywhere else the header is no credential at all (401). ``request.auth`` is the
    device; ``request.user`` stays anonymous: a device is not staff."""

    openapi_scheme = "device"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from gridcare.halls.access import device_for_secret

        return device_for_secret(token)


# Staff callers: every operation by default (config.api).
STAFF = [BearerToken(), SignedInSession()]
# Operations a hall device may call as well (taking a ticket, checking an appointment in, rating).
DEVICE_OR_STAFF = [DeviceCredential(), *STAFF]
