"""Issue 11 item 9: administrators see every token (never the token) and revoke any, confirmed."""

from __future__ import annotations

from django.test import Client

from gridcare.core.models import ApiToken
from gridcare.core.testing import City, api_client, signed_in
from gridcare.org.models import AuthEvent


def bearer_of(client: Client) -> str:
    return str(client.defaults["HTTP_AUTHORIZATION"]).removeprefix("Bearer ")


def test_the_list_shows_user_and_times_but_never_the_token_or_its_digest(town: City) -> None:
    clerk = api_client(town.clerk)
    token = ApiToken.objects.get()
    html = signed_in(town.admin).get("/security/tokens/").content.decode()
    assert "clerk" in html and "有效" in html
    assert f"/security/tokens/{token.pk}/revoke/" in html
    assert bearer_of(clerk) not in html and token.key_hash not in html
    assert "共 1 条" in html


def test_an_administrator_revokes_a_token_after_confirming(town: City) -> None:
    clerk = api_client(town.clerk)
    token = ApiToken.objects.get()
    admin = signed_in(town.admin)
    confirm = admin.get(f"/security/tokens/{token.pk}/revoke/").content.decode()
    assert "确定吊销 clerk 于" in confirm
    assert clerk.get("/api/v1/me").status_code == 200  # asking changed nothing
    response = admin.post(f"/security/tokens/{token.pk}/revoke/", follow=True)
    assert "已吊销 clerk 的令牌。" in response.content.decode()
    assert clerk.get("/api/v1/me").status_code == 401
    event = AuthEvent.objects.get(type=AuthEvent.Type.TOKEN_REVOKED)
    assert (event.username, event.actor, event.parameters) == (
        "clerk",
        town.admin,
        {"token": token.pk, "reason": "administrator"},
    )


def test_a_clerk_cannot_list_or_revoke_tokens_and_nothing_changes(town: City) -> None:
    api_client(town.admin)
    token = ApiToken.objects.get()
    clerk = signed_in(town.clerk)
    assert clerk.get("/security/tokens/").status_code == 404
    assert clerk.post(f"/security/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert not AuthEvent.objects.filter(type=AuthEvent.Type.TOKEN_REVOKED).exists()


def test_revoking_a_revoked_token_again_is_refused(town: City) -> None:
    api_client(town.clerk)
    token = ApiToken.objects.get()
    admin = signed_in(town.admin)
    admin.post(f"/security/tokens/{token.pk}/revoke/")
    response = admin.post(f"/security/tokens/{token.pk}/revoke/", follow=True)
    assert "该令牌已被吊销。" in response.content.decode()
    assert AuthEvent.objects.filter(type=AuthEvent.Type.TOKEN_REVOKED).count() == 1
    assert admin.get("/security/tokens/999999/revoke/").status_code == 404
