"""The portal's pages (SELF-2): signing in with the code, binding, home, bills, unbinding after
a confirmation, 长辈模式 remembered; nobody signed in goes to the sign-in page."""

from __future__ import annotations

from datetime import date

from django.test import Client

from gridcare.billing.tests.helpers import issued_bill
from gridcare.core.testing import City
from gridcare.customers.rules import mask_name
from gridcare.portal.access import COOKIE
from gridcare.portal.models import Binding, PortalUser
from gridcare.portal.tests.conftest import PHONE, last_code


def _signed_in_page_client() -> Client:
    client = Client()
    sent = client.post("/portal/login/", {"phone": PHONE, "next": "/portal/accounts/"})
    assert sent.status_code == 200
    assert "验证码已发送到您的手机，5分钟内有效。" in sent.content.decode()
    done = client.post("/portal/login/verify/", {"phone": PHONE, "code": last_code(PHONE), "next": "/portal/accounts/"})
    assert (done.status_code, done["Location"]) == (302, "/portal/accounts/")
    assert COOKIE in client.cookies
    assert "_auth_user_id" not in client.session  # the staff session (messages may use it) signs nobody in
    return client


def test_nobody_signed_in_goes_to_the_sign_in_page(town: City) -> None:
    answer = Client().get("/portal/accounts/")
    assert (answer.status_code, answer["Location"]) == (302, "/portal/login/?next=%2Fportal%2Faccounts%2F")


def test_a_wrong_code_stays_on_the_page_with_the_reason(town: City) -> None:
    client = Client()
    client.post("/portal/login/", {"phone": PHONE})
    wrong = f"{(int(last_code(PHONE)) + 1) % 1_000_000:06d}"
    answer = client.post("/portal/login/verify/", {"phone": PHONE, "code": wrong})
    assert answer.status_code == 200
    assert "验证码不正确或已失效，请重新输入或重新获取。" in answer.content.decode()
    assert not PortalUser.objects.exists()


def test_sign_in_bind_home_bills_and_unbind(town: City) -> None:
    issued_bill(town.account, "2026-10", "88.00", date(2030, 1, 25))
    client = _signed_in_page_client()
    refused = client.post("/portal/accounts/", {"account_no": town.account.account_no, "name": "李四"})
    assert "户号与户主信息不符，请核对后重试。" in refused.content.decode()
    bound = client.post("/portal/accounts/", {"account_no": town.account.account_no, "name": "张三"}, follow=True)
    assert f"户号 {town.account.account_no} 已绑定。" in bound.content.decode()
    home = client.get("/portal/").content.decode()
    assert "¥88.00" in home and "最新账单 2026-10" in home
    bills = client.get(f"/portal/accounts/{town.account.account_no}/bills/").content.decode()
    assert "2026-10" in bills and "¥88.00" in bills
    assert client.get(f"/portal/accounts/{town.other_unit_account.account_no}/bills/").status_code == 404
    asked = client.post(f"/portal/accounts/{town.account.account_no}/unbind/")
    assert "确定解绑吗？" in asked.content.decode()
    assert Binding.objects.get().unbound_at is None  # asked, not done
    done = client.post(f"/portal/accounts/{town.account.account_no}/unbind/", {"confirmed": "1"}, follow=True)
    assert f"户号 {town.account.account_no} 已解绑。" in done.content.decode()
    assert Binding.objects.get().unbound_at is not None


def test_elderly_mode_is_remembered_for_the_customer(town: City) -> None:
    client = _signed_in_page_client()
    client.post("/portal/elderly/", {"on": "1", "next": "/portal/"})
    assert PortalUser.objects.get().elderly_mode is True
    assert 'class="portal elderly"' in client.get("/portal/").content.decode()
    other_browser = Client()
    other_browser.post("/portal/login/", {"phone": PHONE})
    # a second code needs the resend wait; the customer's choice is read once signed in
    assert 'class="portal"' in other_browser.get("/portal/login/").content.decode()


def test_signing_out_ends_the_portal_session(town: City) -> None:
    client = _signed_in_page_client()
    out = client.post("/portal/logout/", follow=True)
    assert "您已安全退出。" in out.content.decode()
    assert client.get("/portal/").status_code == 302


def test_every_customer_page_is_english_when_chosen(town: City) -> None:
    from django.conf import settings

    from gridcare.core.tests.probes.test_english_pages import _data_runs, _english_text, _runs

    issued_bill(town.account, "2026-10", "88.00", date(2030, 1, 25))
    client = _signed_in_page_client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post("/portal/accounts/", {"account_no": town.account.account_no, "name": "张三"})
    pages = ["/portal/", "/portal/accounts/", f"/portal/accounts/{town.account.account_no}/bills/"]
    masked = _runs(mask_name(town.account.customer.name))  # the holder's name as shown: 张*
    for url in pages:
        text = _english_text(client, url)
        assert text is not None, url
        assert sorted(_runs(text) - _data_runs() - masked) == [], url
    signed_out = Client()
    signed_out.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = _english_text(signed_out, "/portal/login/")
    assert text is not None and "Sign in with your mobile number" in text
    assert sorted(_runs(text) - _data_runs()) == []


def test_a_customer_page_that_is_not_there_looks_like_the_portal(town: City) -> None:
    client = _signed_in_page_client()
    answer = client.get("/portal/accounts/9999999999/bills/")
    assert answer.status_code == 404
    page = answer.content.decode()
    assert "没有找到这个户号，或尚未绑定。" in page and "portal/portal.css" in page and "95598" in page
    assert "gridcare.css" not in page  # not the staff site's page
