from __future__ import annotations

from datetime import time

import pytest
from django.utils import translation

from gridcare.core.exceptions import Forbidden, InvalidInput
from gridcare.core.testing import City, signed_in
from gridcare.halls.models import BusinessType, CounterSetup, HallPolicy
from gridcare.halls.services import setup
from gridcare.org.access import scope_for


@pytest.mark.django_db
def test_a_hall_gets_eight_business_types_with_prefixes_and_expected_times(hall_town: City) -> None:
    rows = list(
        BusinessType.objects.filter(hall=hall_town.hall)
        .order_by("prefix")
        .values_list("prefix", "kind", "expected_minutes")
    )
    assert rows == [
        ("A", "payment", 4),
        ("B", "new_connection", 15),
        ("C", "account_change", 12),
        ("D", "consultation", 5),
        ("E", "invoice", 3),
        ("F", "meter_test", 8),
        ("G", "complaint", 10),
        ("V", "key_account", 20),
    ]


@pytest.mark.django_db
def test_the_manager_changes_a_type_and_a_duplicate_prefix_is_refused(hall_town: City) -> None:
    scope = scope_for(hall_town.manager)
    invoice = BusinessType.objects.get(hall=hall_town.hall, kind="invoice")
    setup.business_type_update(
        scope=scope, business_type=invoice, name="发票打印", prefix="p", expected_minutes=2, active=True
    )
    invoice.refresh_from_db()
    assert (invoice.name, invoice.prefix, invoice.expected_minutes) == ("发票打印", "P", 2)
    with pytest.raises(InvalidInput):
        setup.business_type_update(
            scope=scope, business_type=invoice, name="", prefix="A", expected_minutes=2, active=True
        )
    invoice.refresh_from_db()
    assert invoice.prefix == "P"


@pytest.mark.django_db
def test_only_the_manager_configures(hall_town: City) -> None:
    invoice = BusinessType.objects.get(hall=hall_town.hall, kind="invoice")
    with pytest.raises(Forbidden):
        setup.business_type_update(
            scope=scope_for(hall_town.clerk),
            business_type=invoice,
            name="x",
            prefix="E",
            expected_minutes=9,
            active=True,
        )
    invoice.refresh_from_db()
    assert invoice.expected_minutes == 3


@pytest.mark.django_db
def test_the_setup_page_sets_counter_types_hours_and_ageing(hall_town: City) -> None:
    client = signed_in(hall_town.manager)
    counter = hall_town.counters[2]
    client.post("/halls/H1/setup/", {"counter": counter.pk, "kinds": ["payment", "invoice"]})
    assert sorted(CounterSetup.objects.get(counter=counter).business_types.values_list("kind", flat=True)) == [
        "invoice",
        "payment",
    ]
    client.post(
        "/halls/H1/setup/",
        {
            "policy": "1",
            "opens_at": "09:00",
            "closes_at": "17:00",
            "ageing_minutes": 25,
            "max_recalls": 3,
            "near_ahead": 2,
        },
    )
    hall_town.hall.refresh_from_db()
    assert (hall_town.hall.opens_at, hall_town.hall.closes_at) == (time(9, 0), time(17, 0))
    policy = HallPolicy.objects.get(hall=hall_town.hall)
    assert (policy.ageing_minutes, policy.max_recalls, policy.near_ahead) == (25, 3, 2)


@pytest.mark.django_db
def test_closing_before_opening_is_refused(hall_town: City) -> None:
    with pytest.raises(InvalidInput):
        setup.hall_policy_update(
            scope=scope_for(hall_town.manager),
            hall=hall_town.hall,
            opens_at=time(17),
            closes_at=time(9),
            ageing_minutes=20,
            max_recalls=2,
            near_ahead=3,
        )
    hall_town.hall.refresh_from_db()
    assert hall_town.hall.opens_at == time(8, 30)


@pytest.mark.django_db
def test_the_demo_set_up_is_idempotent(hall_town: City) -> None:
    from gridcare.halls.demo import seed_halls

    assert seed_halls() == 1  # the other company's hall, not set up by the fixture
    before = (BusinessType.objects.count(), CounterSetup.objects.count())
    assert seed_halls() == 0
    assert (BusinessType.objects.count(), CounterSetup.objects.count()) == before


@pytest.mark.django_db
def test_a_prefix_is_not_changed_on_a_day_the_type_has_issued_numbers(hall_town: City) -> None:
    from gridcare.core.exceptions import Conflict
    from gridcare.halls.tests.helpers import issue

    issue(hall_town, "invoice")
    invoice = BusinessType.objects.get(hall=hall_town.hall, kind="invoice")
    with pytest.raises(Conflict):
        setup.business_type_update(
            scope=scope_for(hall_town.manager),
            business_type=invoice,
            name="发票",
            prefix="P",
            expected_minutes=3,
            active=True,
        )
    invoice.refresh_from_db()
    assert invoice.prefix == "E"


@pytest.mark.django_db
def test_a_hall_set_up_in_english_keeps_its_business_types_in_chinese(town: City) -> None:
    """The stored names are the site's (the English of one is longer than the column)."""
    with translation.override("en"):
        setup.hall_setup_defaults(hall=town.hall)
    names = dict(BusinessType.objects.filter(hall=town.hall).values_list("kind", "name"))
    assert (names["new_connection"], names["key_account"]) == ("新装增容", "大客户服务")
