"""Issue 11 item 8: a staff password older than 90 days sends its owner to the change page on
every page until it is changed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from gridcare.core.testing import PASSWORD, City, signed_in
from gridcare.org import demo
from gridcare.org.models import PasswordAge

pytestmark = pytest.mark.usefixtures("auth_limits")

NEW = "Counter-2026-new"


def travel(monkeypatch: pytest.MonkeyPatch, days: float) -> None:
    moment = timezone.now() + timedelta(days=days)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_on_day_ninety_one_every_page_leads_to_the_change_page(town: City, monkeypatch: pytest.MonkeyPatch) -> None:
    travel(monkeypatch, 91)
    client = signed_in(town.clerk)
    for path in ("/", "/customers/", "/halls/"):
        response = client.get(path)
        assert (response.status_code, response["Location"]) == (302, "/password/")
    page = client.get("/password/").content.decode()
    assert "您的密码已超过 90 天未修改，请先修改密码。" in page
    client.post("/password/", {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert client.get("/").status_code == 200


def test_on_day_eighty_nine_nothing_is_asked(town: City, monkeypatch: pytest.MonkeyPatch) -> None:
    travel(monkeypatch, 89)
    assert signed_in(town.clerk).get("/").status_code == 200


def test_the_age_counts_from_the_last_change(town: City, monkeypatch: pytest.MonkeyPatch) -> None:
    PasswordAge.objects.create(user=town.clerk, set_at=timezone.now() + timedelta(days=60))
    travel(monkeypatch, 140)
    assert signed_in(town.clerk).get("/").status_code == 200


def test_the_demo_users_count_as_set_at_seed_time(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    demo.seed_org(password="Gridcare-demo1")
    client = Client()
    client.post("/login/", {"username": "h01.c1", "password": "Gridcare-demo1"})
    assert client.get("/").status_code == 200
    assert PasswordAge.objects.count() == len(demo.demo_users())
    travel(monkeypatch, 91)
    later = Client()
    later.post("/login/", {"username": "h01.c1", "password": "Gridcare-demo1"})
    assert later.get("/")["Location"] == "/password/"
