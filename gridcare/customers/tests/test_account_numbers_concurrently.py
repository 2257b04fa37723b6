"""Concurrent account openings never share an account number (PostgreSQL, real threads)."""

from __future__ import annotations

import pytest

from gridcare.core.testing import city, run_together
from gridcare.customers.models import Account
from gridcare.customers.services import NewCustomer, customer_create
from gridcare.org.access import scope_for


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_openings_get_twenty_different_numbers() -> None:
    town = city()
    scope = scope_for(town.clerk)

    def open_one(i: int) -> None:
        customer_create(
            scope=scope,
            actor=town.clerk,
            data=NewCustomer(
                name=f"并发客户{i}", customer_class="residential", address="上城区解放路100号", supply_unit="U1"
            ),
        )

    _, errors = run_together(20, open_one)
    assert errors == []
    numbers = list(Account.objects.filter(customer__name__startswith="并发客户").values_list("account_no", flat=True))
    assert len(numbers) == 20
    assert len(set(numbers)) == 20
    assert sorted(numbers)[0] == "0000000042"  # the first serial after the three persona accounts
