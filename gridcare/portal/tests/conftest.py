"""Builders for the portal tests: a customer signed in through the real code flow."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from gridcare.core.testing import City
from gridcare.notices.models import Notice
from gridcare.portal.models import PortalUser
from gridcare.portal.services import auth, bindings

PHONE = "13612340000"
OTHER_PHONE = "13698760000"


def last_code(phone: str) -> str:
    notice = Notice.objects.filter(template_code="portal_login_code", recipient=phone).order_by("-pk").first()
    assert notice is not None, "no code was queued"
    return str(notice.variables["code"])


def sign_in_by_code(phone: str, *, address: str = "10.0.0.1") -> PortalUser:
    auth.code_request(phone=phone, address=address)
    return auth.code_verify(phone=phone, code=last_code(phone))


@dataclass
class Customer:
    user: PortalUser
    token: str

    def api(self) -> Client:
        return Client(HTTP_AUTHORIZATION=f"Bearer {self.token}")


@pytest.fixture
def zhang(town: City) -> Customer:
    """张三's phone, with his account 0000000018 bound by name."""
    user = sign_in_by_code(PHONE)
    bindings.account_bind(user=user, account_no=town.account.account_no, name="张三")
    return Customer(user, auth.token_issue(user=user))


@pytest.fixture
def li(town: City) -> Customer:
    """李四's phone, with his account (the other unit's) bound."""
    user = sign_in_by_code(OTHER_PHONE, address="10.0.0.2")
    bindings.account_bind(user=user, account_no=town.other_unit_account.account_no, name="李四")
    return Customer(user, auth.token_issue(user=user))
