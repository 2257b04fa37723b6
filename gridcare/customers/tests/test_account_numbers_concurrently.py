"""Concurrent account openings never share an account number (PostgreSQL, real threads)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from gridcare.core.testing import city
from gridcare.customers.models import Account
from gridcare.customers.services import NewCustomer, customer_create
from gridcare.org.access import scope_for


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_openings_get_twenty_different_numbers() -> None:
    town = city()
    scope = scope_for(town.clerk)
    barrier = threading.Barrier(20)
    errors: list[BaseException] = []

    def open_one(i: int) -> None:
        try:
            barrier.wait()
            customer_create(
                scope=scope,
                actor=town.clerk,
                data=NewCustomer(
                    name=f"并发客户{i}", customer_class="residential", address="上城区解放路100号", supply_unit="U1"
                ),
            )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_one, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = list(Account.objects.filter(customer__name__startswith="并发客户").values_list("account_no", flat=True))
    assert len(numbers) == 20
    assert len(set(numbers)) == 20
    assert sorted(numbers)[0] == "0000000042"  # the first serial after the three persona accounts
