"""Signing in with a phone and a one-time code (SELF-2): sent through the outbox, valid five
minutes, used once, dead after five wrong tries, sending limited per phone and per address, the
same answer whether or not the phone is known."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from gridcare.core.testing import City
from gridcare.notices.models import Notice
from gridcare.portal.models import LoginCode, PortalToken, PortalUser
from gridcare.portal.services import auth
from gridcare.portal.tests.conftest import PHONE, last_code

CODE = "/api/v1/portal/auth/code"
TOKEN = "/api/v1/portal/auth/token"


def _post(client: Client, url: str, body: dict[str, str]) -> object:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_a_code_goes_out_through_the_outbox_and_only_its_hash_is_kept(town: City) -> None:
    answer = _post(Client(), CODE, {"phone": "136 1234 0000"})
    assert (answer.status_code, answer.json()) == (202, {"detail": "验证码已发送，5分钟内有效。"})
    [notice] = Notice.objects.filter(template_code="portal_login_code")
    code = notice.variables["code"]
    assert (notice.recipient, notice.category, len(code), code.isdigit()) == (PHONE, "verification", 6, True)
    assert (
        notice.body
        == f"【国网示范市供电公司】您的登录验证码为{code}，5分钟内有效。请勿告诉他人，工作人员不会向您索要验证码。"
    )
    row = LoginCode.objects.get()
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert (row.expires_at - row.created_at) == timedelta(minutes=5)


def test_a_known_and_an_unknown_phone_get_the_same_answer(town: City) -> None:
    known = _post(Client(), CODE, {"phone": "13812345678"})  # 张三's contact phone
    unknown = _post(
        Client(),
        CODE,
        {"phone": "13512345678"},
    )
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())


@pytest.mark.parametrize("phone", ["", "12345", "23812345678", "1381234567a", "1" * 40, "\u0661" * 11])
def test_a_phone_that_is_no_mobile_number_is_refused_on_its_field(town: City, phone: str) -> None:
    answer = _post(Client(), CODE, {"phone": phone})
    assert answer.status_code == 422
    assert answer.json()["errors"] == {"phone": "请输入11位手机号码。"}
    assert not LoginCode.objects.exists() and not Notice.objects.exists()


def test_the_right_code_gives_a_token_once(town: City) -> None:
    auth.code_request(phone=PHONE, address="1.2.3.4")
    code = last_code(PHONE)
    first = _post(Client(), TOKEN, {"phone": PHONE, "code": code})
    assert first.status_code == 200
    token = first.json()["token"]
    assert token.startswith("gcp_") and first.json()["token_type"] == "Bearer"
    assert PortalToken.objects.get().key_hash != token
    again = _post(Client(), TOKEN, {"phone": PHONE, "code": code})
    assert (again.status_code, again.json()["errors"]) == (
        422,
        {"code": "验证码不正确或已失效，请重新输入或重新获取。"},
    )
    assert PortalToken.objects.count() == 1
    assert PortalUser.objects.get().phone == PHONE


def test_an_expired_code_is_refused(town: City, monkeypatch: pytest.MonkeyPatch) -> None:
    auth.code_request(phone=PHONE, address="1.2.3.4")
    code = last_code(PHONE)
    later = timezone.now() + timedelta(minutes=5, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    answer = _post(Client(), TOKEN, {"phone": PHONE, "code": code})
    assert answer.status_code == 422
    assert not PortalUser.objects.exists()


def test_five_wrong_tries_kill_the_code_even_for_the_right_one(town: City) -> None:
    auth.code_request(phone=PHONE, address="1.2.3.4")
    code = last_code(PHONE)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for n in range(1, 6):
        answer = _post(Client(), TOKEN, {"phone": PHONE, "code": wrong})
        assert answer.status_code == 422
        assert LoginCode.objects.get().tries == n  # kept although the refusal was raised
    dead = _post(Client(), TOKEN, {"phone": PHONE, "code": code})
    assert (dead.status_code, dead.json()["errors"]) == (422, {"code": "验证码错误次数过多，请重新获取。"})
    assert not PortalUser.objects.exists() and not PortalToken.objects.exists()


def test_only_the_latest_code_counts(town: City, monkeypatch: pytest.MonkeyPatch) -> None:
    auth.code_request(phone=PHONE, address="1.2.3.4")
    first = last_code(PHONE)
    later = timezone.now() + timedelta(seconds=61)
    monkeypatch.setattr(timezone, "now", lambda: later)
    auth.code_request(phone=PHONE, address="1.2.3.4")
    second = last_code(PHONE)
    if first != second:
        assert _post(Client(), TOKEN, {"phone": PHONE, "code": first}).status_code == 422
    assert _post(Client(), TOKEN, {"phone": PHONE, "code": second}).status_code == 200


def test_asking_again_within_a_minute_sends_nothing(town: City) -> None:
    assert _post(Client(), CODE, {"phone": PHONE}).status_code == 202
    again = _post(Client(), CODE, {"phone": PHONE})
    assert again.status_code == 429
    assert again.json()["detail"].startswith("验证码已发送，请 ")
    assert Notice.objects.count() == 1


def test_a_phone_gets_five_codes_an_hour(town: City, monkeypatch: pytest.MonkeyPatch) -> None:
    start = timezone.now()
    for n in range(6):
        moment = start + timedelta(minutes=2 * n)
        monkeypatch.setattr(timezone, "now", lambda moment=moment: moment)
        answer = _post(Client(), CODE, {"phone": PHONE})
        assert answer.status_code == (202 if n < 5 else 429)
    assert Notice.objects.count() == 5


def test_an_address_gets_thirty_codes_an_hour_whatever_the_phones(town: City) -> None:
    for n in range(31):
        phone = f"1350000{n:04d}"
        answer = Client(REMOTE_ADDR="10.9.9.9").post(
            CODE, data=json.dumps({"phone": phone}), content_type="application/json"
        )
        assert answer.status_code == (202 if n < 30 else 429), n
    assert Notice.objects.count() == 30
    other = Client(REMOTE_ADDR="10.9.9.8").post(
        CODE, data=json.dumps({"phone": "13500009999"}), content_type="application/json"
    )
    assert other.status_code == 202
