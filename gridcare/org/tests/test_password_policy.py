"""Issue 11 item 8: at least 8 characters of three classes, not common, not like the username."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from gridcare.core.testing import PASSWORD, City, signed_in
from gridcare.org.models import AuthEvent, PasswordAge
from gridcare.org.passwords import character_classes


def problems(password: str, user: object = None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return [str(code) for code in (e.code for e in exc.error_list)]
    return []


@pytest.mark.django_db
def test_the_passwords_of_the_probe_are_refused() -> None:
    assert problems("12345678") == ["password_too_simple", "password_too_common"]
    assert problems("password") == ["password_too_simple", "password_too_common"]


@pytest.mark.django_db
def test_length_and_classes() -> None:
    assert problems("Ab1-xyz") == ["password_too_short"]
    assert problems("kqmzbwxa1") == ["password_too_simple"]  # two classes
    assert problems("Kq7mzbwa") == []  # upper, lower, digit
    assert problems("kq7-mzbw") == []  # lower, digit, symbol
    assert (character_classes("Aa1!"), character_classes("供电abc"), character_classes("")) == (4, 1, 0)


@pytest.mark.django_db
def test_a_password_like_the_username_is_refused(town: City) -> None:
    town.clerk.username = "wangxiaoming"
    assert problems("Wangxiaoming1", town.clerk) == ["password_too_similar"]


def test_the_demo_password_meets_the_policy(town: City) -> None:
    assert settings.GRIDCARE_DEMO_PASSWORD == "Gridcare-demo1"
    for username in ("h01.c1", "admin", "sc.supervisor"):
        town.clerk.username = username
        assert problems("Gridcare-demo1", town.clerk) == []


def test_the_change_page_refuses_a_weak_password_and_changes_nothing(town: City) -> None:
    client = signed_in(town.clerk)
    before = list(PasswordAge.objects.values_list("user_id", "set_at"))
    events = AuthEvent.objects.count()
    response = client.post(
        "/password/", {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "这个密码太常见了。" in html and "密码须包含大写字母、小写字母、数字、符号中的至少 3 类。" in html
    town.clerk.refresh_from_db()
    assert town.clerk.check_password(PASSWORD)
    assert list(PasswordAge.objects.values_list("user_id", "set_at")) == before
    assert AuthEvent.objects.count() == events


def test_the_same_password_again_is_refused(town: City) -> None:
    response = signed_in(town.clerk).post(
        "/password/", {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    assert "新密码不能与当前密码相同。" in response.content.decode()


def test_a_good_change_is_recorded_and_keeps_the_person_signed_in(town: City) -> None:
    client = signed_in(town.clerk)
    assert 'href="/password/"' in client.get("/").content.decode()  # linked from the top bar
    response = client.post(
        "/password/",
        {"old_password": PASSWORD, "new_password1": "Counter-2026-new", "new_password2": "Counter-2026-new"},
    )
    assert response.status_code == 302 and response["Location"] == "/password/done/"
    assert client.get("/").status_code == 200
    town.clerk.refresh_from_db()
    assert town.clerk.check_password("Counter-2026-new")
    event = AuthEvent.objects.filter(type=AuthEvent.Type.PASSWORD_CHANGED, user=town.clerk).latest("id")
    assert PasswordAge.objects.get(user=town.clerk).set_at == event.created_at
    fresh = Client()
    fresh.post("/login/", {"username": "clerk", "password": PASSWORD})
    assert "_auth_user_id" not in fresh.session
