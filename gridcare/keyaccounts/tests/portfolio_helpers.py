"""The key-account tests' city: the persona city with two key accounts in U1, one managed by the
persona 大客户经理 (kam) and one by a second 大客户经理 of U1, and a key account in U2."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from gridcare.core.testing import PASSWORD, City, make_account
from gridcare.customers.models import Account, CustomerClass
from gridcare.org.models import Role, Staff


@dataclass
class Portfolio:
    town: City
    mine: Account  # the kam's, 一级重要
    others: Account  # another 大客户经理's of U1, 特级重要
    far: Account  # a key account in U2
    other_kam: User


def portfolio_city(town: City) -> Portfolio:
    kam = Staff.objects.get(user=town.kam)
    other_user = get_user_model().objects.create_user(username="kam2", password=PASSWORD)
    other = Staff.objects.create(
        user=other_user,
        employee_no="T0900",
        name="钱七",
        role=Role.KEY_ACCOUNT_MANAGER,
        company=town.company,
        unit=town.unit,
    )
    mine = make_account(
        11, town.unit, town.hall, "城东机械厂", phone="13811112222", customer_class=CustomerClass.LARGE_INDUSTRIAL
    )
    others = make_account(12, town.unit, town.hall, "城南医院", customer_class=CustomerClass.COMMERCIAL)
    far = make_account(13, town.other_unit, town.other_hall, "乡镇水厂", customer_class=CustomerClass.LARGE_INDUSTRIAL)
    Account.objects.filter(pk=mine.pk).update(
        importance_grade="first", key_account_manager=kam, contract_capacity_kva=Decimal("800")
    )
    Account.objects.filter(pk=others.pk).update(importance_grade="special", key_account_manager=other)
    Account.objects.filter(pk=far.pk).update(importance_grade="second")
    for a in (mine, others, far):
        a.refresh_from_db()
    return Portfolio(town=town, mine=mine, others=others, far=far, other_kam=other_user)
