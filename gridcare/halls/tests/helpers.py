"""Small builders for the hall tests (not fixtures: plain functions)."""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.test import Client

from gridcare.core.testing import City
from gridcare.core.timezone import now
from gridcare.halls.access import DEVICE_COOKIE, DEVICE_COOKIE_SALT
from gridcare.halls.models import DeviceKind, HallDevice, Ticket
from gridcare.halls.services.devices import device_pair, device_register
from gridcare.halls.services.tickets import ticket_issue
from gridcare.org.access import scope_for
from gridcare.org.models import Counter, Hall


def issue(
    town: City, kind: str, *, priority: str = "normal", minutes_ago: int = 0, phone: str = "", hall: str = "H1"
) -> Ticket:
    """Issue a ticket as the guide; ``minutes_ago`` backdates its issue time."""
    user = town.guide if hall == "H1" else town.other_manager
    target = town.hall if hall == "H1" else town.other_hall
    ticket = ticket_issue(
        scope=scope_for(user), actor=user, hall=target, kind=kind, source="guide", priority=priority, phone=phone
    )
    if minutes_ago:
        Ticket.objects.filter(pk=ticket.pk).update(issued_at=now() - timedelta(minutes=minutes_ago))
        ticket.refresh_from_db()
    return ticket


def paired(
    town: City, kind: str, *, counter: Counter | None = None, hall: Hall | None = None
) -> tuple[HallDevice, str]:
    """A device registered by the hall manager and paired: the device and its credential."""
    target = hall or town.hall
    manager = town.manager if target == town.hall else town.other_manager
    device, code = device_register(
        scope=scope_for(manager),
        actor=manager,
        hall=target,
        kind=kind,
        name=f"{kind} {counter.number if counter else ''}".strip(),
        counter_id=counter.pk if counter else None,
    )
    return device_pair(code=code)


def device_browser(credential: str) -> Client:
    """A browser holding a paired device's cookie (as the pairing page leaves it)."""
    client = Client()
    client.cookies[DEVICE_COOKIE] = signing.get_cookie_signer(salt=DEVICE_COOKIE + DEVICE_COOKIE_SALT).sign(credential)
    return client


def device_api(credential: str) -> Client:
    """A device calling the API with its credential."""
    return Client(headers={"Authorization": f"Device {credential}"})


def kiosk_browser(town: City) -> Client:
    return device_browser(paired(town, DeviceKind.KIOSK)[1])


def pad_browser(town: City, counter: Counter) -> Client:
    return device_browser(paired(town, DeviceKind.PAD, counter=counter)[1])
