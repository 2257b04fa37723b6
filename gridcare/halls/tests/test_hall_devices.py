"""Security review item 12: the kiosk, the board and the pads are registered devices of a hall, not
staff sessions. The hall manager registers them (each action confirmed), pairs a browser with a
one-time link and revokes them; a device reaches only its own screen and endpoints."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client

from gridcare.core.testing import City, signed_in
from gridcare.core.timezone import now
from gridcare.halls.access import DEVICE_COOKIE
from gridcare.halls.models import HallDevice, HallDeviceEvent, Ticket, TicketEvent
from gridcare.halls.services.devices import device_revoke
from gridcare.halls.tests.appointments_helpers import TUESDAY, Clock, at, book
from gridcare.halls.tests.conftest import post
from gridcare.halls.tests.helpers import device_api, device_browser, issue, paired
from gridcare.org.access import scope_for

DEVICES = "/halls/H1/devices/"


def _register(client: Client, **fields: str) -> str:
    """Register through the page (ask, then confirm); the pairing link shown once."""
    asked = client.post(DEVICES, {"action": "register", **fields})
    assert 'id="confirm"' in asked.content.decode()
    page = client.post(DEVICES, {"action": "register", "confirmed": "1", **fields}).content.decode()
    link = re.search(r'value="(http://testserver/halls/device/pair/[^"]+/)"', page)
    assert link is not None
    return link.group(1).removeprefix("http://testserver")


@pytest.mark.django_db
def test_the_manager_registers_a_kiosk_and_pairs_a_browser_that_then_opens_only_its_screen(hall_town: City) -> None:
    manager = signed_in(hall_town.manager)
    assert manager.post(DEVICES, {"action": "register", "kind": "kiosk", "name": "大厅取号机"}).status_code == 200
    assert HallDevice.objects.count() == 0  # asked first, nothing registered
    link = _register(manager, kind="kiosk", name="大厅取号机")
    device = HallDevice.objects.get()
    assert (device.kind, device.name, device.hall, device.registered_by) == (
        "kiosk",
        "大厅取号机",
        hall_town.hall,
        hall_town.manager,
    )
    assert device.credential_digest is None and device.pairing_digest is not None
    assert link.split("/")[-2] not in manager.get(DEVICES).content.decode()  # shown once

    kiosk = Client()
    assert "确认配对" in kiosk.get(link).content.decode()
    response = kiosk.post(link)
    assert "本浏览器已配对为城区营业厅的“大厅取号机”" in response.content.decode()
    cookie = response.cookies[DEVICE_COOKIE]
    assert (cookie["httponly"], cookie["samesite"], cookie["max-age"]) == (True, "Strict", 365 * 86400)
    device.refresh_from_db()
    assert device.credential_digest is not None and device.pairing_digest is None and device.paired_at is not None
    assert [e.type for e in HallDeviceEvent.objects.order_by("id")] == ["registered", "paired"]
    assert HallDeviceEvent.objects.get(type="registered").actor == hall_town.manager

    assert kiosk.get("/halls/H1/kiosk/").status_code == 200
    for elsewhere in (
        "/customers/?q=张",
        "/halls/H1/board/",
        "/halls/H1/guide/",
        "/",
        f"/halls/pad/{hall_town.counters[0].pk}/",
    ):
        answer = kiosk.get(elsewhere)
        assert (answer.status_code, answer["Location"].split("?")[0]) == (302, "/login/"), elsewhere
    # The link worked once.
    again = Client().post(link)
    assert again.status_code == 404
    assert "配对链接无效、已使用或已过期" in again.content.decode()


@pytest.mark.django_db
def test_a_pairing_code_expires_and_nothing_is_paired(hall_town: City, monkeypatch: pytest.MonkeyPatch) -> None:
    link = _register(signed_in(hall_town.manager), kind="board", name="叫号屏")
    device = HallDevice.objects.get()
    HallDevice.objects.filter(pk=device.pk).update(pairing_expires_at=now() - timedelta(seconds=1))
    assert Client().post(link).status_code == 404
    device.refresh_from_db()
    assert device.credential_digest is None and device.paired_at is None


@pytest.mark.django_db
def test_a_pad_needs_a_counter_of_the_hall_and_bad_input_registers_nothing(hall_town: City) -> None:
    manager = signed_in(hall_town.manager)
    other_counter = hall_town.other_hall.counters.get()
    for fields in (
        {"kind": "pad", "name": "评价器"},
        {"kind": "pad", "name": "评价器", "counter": str(other_counter.pk)},
        {"kind": "printer", "name": "x"},
        {"kind": "kiosk", "name": ""},
        {"kind": "kiosk", "name": "长" * 51},
        {"kind": "pad", "name": "x", "counter": "abc"},
    ):
        page = manager.post(DEVICES, {"action": "register", "confirmed": "1", **fields}).content.decode()
        assert "设备信息有误，请按提示修改。" in page, fields
    assert (HallDevice.objects.count(), HallDeviceEvent.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_revoking_is_confirmed_audited_and_immediate(hall_town: City) -> None:
    device, credential = paired(hall_town, "kiosk")
    kiosk = device_browser(credential)
    assert kiosk.get("/halls/H1/kiosk/").status_code == 200
    manager = signed_in(hall_town.manager)
    asked = manager.post(DEVICES, {"action": "revoke", "device": str(device.pk)}).content.decode()
    assert "确定吊销“kiosk”吗？" in asked
    assert HallDevice.objects.get().revoked_at is None
    manager.post(DEVICES, {"action": "revoke", "device": str(device.pk), "confirmed": "1"})
    device.refresh_from_db()
    assert (device.revoked_by, device.credential_digest) == (hall_town.manager, None)
    assert HallDeviceEvent.objects.filter(type="revoked", actor=hall_town.manager).count() == 1
    assert kiosk.get("/halls/H1/kiosk/").status_code == 302
    before = (Ticket.objects.count(), TicketEvent.objects.count())
    response = post(device_api(credential), "/api/v1/halls/H1/tickets", {"business_type": "payment"})
    assert response.status_code == 401
    assert (Ticket.objects.count(), TicketEvent.objects.count()) == before


@pytest.mark.django_db
def test_a_new_pairing_link_replaces_the_old_browser(hall_town: City) -> None:
    device, old = paired(hall_town, "board")
    manager = signed_in(hall_town.manager)
    assert manager.post(DEVICES, {"action": "pair", "device": str(device.pk)}).status_code == 200
    page = manager.post(DEVICES, {"action": "pair", "device": str(device.pk), "confirmed": "1"}).content.decode()
    link = re.search(r'value="http://testserver(/halls/device/pair/[^"]+/)"', page)
    assert link is not None
    assert device_browser(old).get("/halls/H1/board/").status_code == 200  # until the new link is used
    browser = Client()
    browser.post(link.group(1))
    assert browser.get("/halls/H1/board/").status_code == 200
    assert device_browser(old).get("/halls/H1/board/").status_code == 302


# Who may open the devices page and register: the hall manager (and administrators) only.
DEVICE_PAGE = {
    "manager": 200,
    "admin": 200,
    "clerk": 403,
    "guide": 403,
    "supervisor": 403,
    "other_manager": 404,
    "agent": 404,
    "outsider": 404,
}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(DEVICE_PAGE))
def test_only_the_hall_manager_registers_devices(hall_town: City, persona: str) -> None:
    client = signed_in(hall_town.users[persona])
    assert client.get(DEVICES).status_code == DEVICE_PAGE[persona]
    fields = {"action": "register", "confirmed": "1", "kind": "kiosk", "name": "取号机"}
    assert client.post(DEVICES, fields).status_code == DEVICE_PAGE[persona]
    assert HallDevice.objects.count() == (1 if DEVICE_PAGE[persona] == 200 else 0)


@pytest.mark.django_db
def test_a_manager_cannot_revoke_another_halls_device(hall_town: City) -> None:
    device, credential = paired(hall_town, "kiosk", hall=hall_town.other_hall)
    response = signed_in(hall_town.manager).post(
        DEVICES, {"action": "revoke", "device": str(device.pk), "confirmed": "1"}
    )
    assert "未找到设备" in response.content.decode()
    device.refresh_from_db()
    assert device.revoked_at is None
    assert device_browser(credential).get("/halls/H2/kiosk/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "url", "counter_index"),
    [
        ("kiosk", "/halls/H1/kiosk/", None),
        ("board", "/halls/H1/board/", None),
        ("pad", "/halls/pad/{pk}/", 0),
    ],
)
def test_each_device_opens_its_own_screen_and_no_other(
    hall_town: City, kind: str, url: str, counter_index: int | None
) -> None:
    counter = hall_town.counters[counter_index] if counter_index is not None else None
    _device, credential = paired(hall_town, kind, counter=counter)
    browser = device_browser(credential)
    own = url.format(pk=counter.pk if counter else "")
    assert browser.get(own).status_code == 200
    screens = {
        "/halls/H1/kiosk/",
        "/halls/H1/board/",
        "/halls/H2/kiosk/",
        "/halls/H2/board/",
        *(f"/halls/pad/{c.pk}/" for c in hall_town.counters),
        "/halls/H1/floor/",
        "/halls/H1/figures/",
        f"/halls/counter/{hall_town.counters[0].pk}/",
        "/customers/",
        "/api/v1/me",
    }
    for other in sorted(screens - {own}):
        assert browser.get(other).status_code in (302, 401), other
    assert device_api(credential).get("/api/v1/accounts?q=张").status_code == 401
    assert device_api(credential).get("/api/v1/halls/H1/queue").status_code == 401


@pytest.mark.django_db
def test_the_kiosk_device_takes_tickets_and_checks_in_at_its_own_hall_only(hall_town: City, clock: Clock) -> None:
    device, credential = paired(hall_town, "kiosk")
    kiosk = device_api(credential)
    response = post(kiosk, "/api/v1/halls/H1/tickets", {"business_type": "consultation", "priority": "elderly"})
    assert response.status_code == 201
    ticket = Ticket.objects.get()
    assert (ticket.source, ticket.priority, ticket.events.get().parameters["device"]) == ("kiosk", "elderly", device.pk)
    before = (Ticket.objects.count(), TicketEvent.objects.count())
    assert post(kiosk, "/api/v1/halls/H2/tickets", {"business_type": "payment"}).status_code == 401
    vip = post(kiosk, "/api/v1/halls/H1/tickets", {"business_type": "payment", "priority": "vip"})
    assert (vip.status_code, vip.json()["errors"]) == (422, {"priority": "取号机只能取普通号或绿色通道号。"})
    assert (Ticket.objects.count(), TicketEvent.objects.count()) == before

    own = book(hall_town)  # Tuesday 10:00-10:30 at H1
    other = book(hall_town, hall="H2", phone="13900001111")
    clock.set(at(TUESDAY, 9, 40))
    assert post(kiosk, f"/api/v1/appointments/{other.reference}/check-in").status_code == 404
    checked = post(kiosk, f"/api/v1/appointments/{own.reference}/check-in")
    assert checked.status_code == 201
    own.refresh_from_db()
    assert (own.status, own.ticket.source, own.events.get(type="checked_in").parameters["device"]) == (
        "checked_in",
        "appointment",
        device.pk,
    )
    other.refresh_from_db()
    assert other.status == "booked"


@pytest.mark.django_db
def test_a_device_of_another_kind_or_hall_is_no_api_caller(hall_town: City) -> None:
    issue(hall_town, "payment")
    before = (Ticket.objects.count(), TicketEvent.objects.count())
    board = device_api(paired(hall_town, "board")[1])
    pad = device_api(paired(hall_town, "pad", counter=hall_town.counters[0])[1])
    other_kiosk = device_api(paired(hall_town, "kiosk", hall=hall_town.other_hall)[1])
    for client in (board, pad, other_kiosk):
        assert post(client, "/api/v1/halls/H1/tickets", {"business_type": "payment"}).status_code == 401
        assert post(client, "/api/v1/appointments/ABCD2345/check-in").status_code in (401, 404)
        assert post(client, f"/api/v1/counters/{hall_town.counters[0].pk}/call-next").status_code == 401
    assert post(board, "/api/v1/appointments/ABCD2345/check-in").status_code == 401
    assert (Ticket.objects.count(), TicketEvent.objects.count()) == before


@pytest.mark.django_db
def test_a_device_calling_the_api_pairs_with_its_code_once(hall_town: City) -> None:
    from gridcare.halls.services.devices import device_register

    device, code = device_register(
        scope=scope_for(hall_town.manager),
        actor=hall_town.manager,
        hall=hall_town.hall,
        kind="pad",
        name="评价器",
        counter_id=hall_town.counters[1].pk,
    )
    answer = post(Client(), "/api/v1/devices/pair", {"code": code})
    assert answer.status_code == 201
    body = answer.json()
    assert {k: body[k] for k in ("kind", "hall", "counter_number", "name")} == {
        "kind": "pad",
        "hall": "H1",
        "counter_number": 2,
        "name": "评价器",
    }
    assert post(Client(), "/api/v1/devices/pair", {"code": code}).status_code == 404
    device.refresh_from_db()
    from gridcare.core.tokens import token_digest

    assert device.credential_digest == token_digest(body["credential"])


@pytest.mark.django_db
def test_the_manager_previews_the_screens_but_takes_no_ticket_there(hall_town: City) -> None:
    manager = signed_in(hall_town.manager)
    assert "预览：本页仅供营业厅经理查看" in manager.get("/halls/H1/kiosk/").content.decode()
    assert manager.get("/halls/H1/board/").status_code == 200
    assert manager.get(f"/halls/pad/{hall_town.counters[0].pk}/").status_code == 200
    assert manager.post("/halls/H1/kiosk/", {"kind": "payment"}).status_code == 403
    assert Ticket.objects.count() == 0
    for persona in ("clerk", "guide", "supervisor", "admin"):
        status = signed_in(hall_town.users[persona]).get("/halls/H1/kiosk/").status_code
        assert status == (200 if persona == "admin" else 403), persona


@pytest.mark.django_db
def test_pairing_signs_a_staff_session_in_that_browser_out(hall_town: City) -> None:
    from gridcare.halls.services.devices import device_register

    _device, code = device_register(scope=None, actor=None, hall=hall_town.hall, kind="kiosk", name="取号机")
    browser = signed_in(hall_town.guide)
    browser.post(f"/halls/device/pair/{code}/")
    assert "_auth_user_id" not in browser.session
    assert browser.get("/halls/H1/kiosk/").status_code == 200
    assert browser.get("/customers/").status_code == 302


@pytest.mark.django_db
def test_the_revoke_service_refuses_staff_other_than_the_manager(hall_town: City) -> None:
    from gridcare.core.exceptions import Forbidden

    device, _credential = paired(hall_town, "board")
    with pytest.raises(Forbidden):
        device_revoke(scope=scope_for(hall_town.clerk), actor=hall_town.clerk, device=device)
    device.refresh_from_db()
    assert device.revoked_at is None
