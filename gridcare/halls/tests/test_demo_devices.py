"""The demo registers every hall's screens once (unpaired: the hall manager pairs a browser) and
seats demo clerk hNN.cN at counter N."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from gridcare.core.testing import City
from gridcare.halls.demo import seat_demo_clerks, seed_devices
from gridcare.halls.models import CounterSetup, HallDevice, HallDeviceEvent


@pytest.mark.django_db
def test_the_demo_registers_a_kiosk_a_board_and_a_pad_per_counter_once(hall_town: City) -> None:
    assert seed_devices() == 2 + 3 + 2 + 1 + 2 + 0  # H1: kiosk, board, 3 pads; H2: 2 + 1 pad; X1H: 2
    assert seed_devices() == 0
    h1 = HallDevice.objects.filter(hall=hall_town.hall).order_by("kind", "counter__number")
    assert [(d.kind, d.name, d.counter.number if d.counter else None) for d in h1] == [
        ("board", "叫号屏", None),
        ("kiosk", "取号机", None),
        ("pad", "1号窗口评价器", 1),
        ("pad", "2号窗口评价器", 2),
        ("pad", "3号窗口评价器", 3),
    ]
    assert not HallDevice.objects.filter(credential_digest__isnull=False).exists()  # nobody paired yet
    assert HallDeviceEvent.objects.filter(type="registered").count() == HallDevice.objects.count()


@pytest.mark.django_db
def test_demo_clerk_n_is_seated_at_counter_n(hall_town: City) -> None:
    clerk = get_user_model().objects.create_user(username="h1.c2")
    assert seat_demo_clerks() == 1
    assert CounterSetup.objects.get(counter=hall_town.counters[1]).clerk == clerk
    assert seat_demo_clerks() == 0
