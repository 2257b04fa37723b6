"""Signing customers in (SELF-2): a six-digit code sent to the phone through the outbox, then a
session (pages) or a bearer token (the app).

The answer to "send me a code" is the same whether or not the phone belongs to a customer we
know: anybody with a mobile number may sign in and then bind their accounts. Sending is limited
per phone (one a minute, a few an hour) and per address; a code is valid for minutes, used once,
and dead after a few wrong tries, so guessing is hopeless within the limits."""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from gridcare.core import timezone as tz
from gridcare.core.exceptions import InvalidInput
from gridcare.notices.services.outbox import notice_enqueue
from gridcare.portal import rules
from gridcare.portal.events import portal_event
from gridcare.portal.exceptions import CodeRefused, TooManyRequests
from gridcare.portal.models import LoginCode, PortalEvent, PortalToken, PortalUser

CODE_TEMPLATE = "portal_login_code"


def _phone(raw: object) -> str:
    phone = rules.clean_phone(raw)
    if phone is None:
        message = _("请输入11位手机号码。")
        raise InvalidInput(message, errors={"phone": message})
    return phone


def code_request(*, phone: object, address: str | None, now: datetime | None = None) -> None:
    """Send a sign-in code to ``phone`` (through the outbox, in this transaction), unless the
    phone or the address has asked too often: then ``TooManyRequests`` and nothing is sent."""
    number = _phone(phone)
    now = now or tz.now()
    where = (address or "")[:45]
    hour = now - timedelta(hours=1)
    with transaction.atomic():
        sent = LoginCode.objects.filter(phone=number, sent=True, created_at__gt=hour)
        last = sent.order_by("-created_at").values_list("created_at", flat=True).first()
        wait = rules.portal_setting("CODE_RESEND_SECONDS")
        if last is not None and (now - last).total_seconds() < wait:
            seconds = wait - int((now - last).total_seconds())
            raise TooManyRequests(_("验证码已发送，请 %(s)d 秒后再获取。") % {"s": max(seconds, 1)})
        too_many = sent.count() >= rules.portal_setting("CODE_PER_PHONE_HOUR")
        if where and not too_many:
            from_here = LoginCode.objects.filter(address=where, created_at__gt=hour).count()
            too_many = from_here >= rules.portal_setting("CODE_PER_ADDRESS_HOUR")
        if too_many:
            LoginCode.objects.create(
                phone=number, code_hash="", address=where, created_at=now, expires_at=now, sent=False
            )
            raise TooManyRequests(_("获取验证码过于频繁，请稍后再试。"))
        code = rules.new_code()
        ttl = rules.portal_setting("CODE_TTL_SECONDS")
        row = LoginCode.objects.create(
            phone=number,
            code_hash=rules.code_hash(number, code),
            address=where,
            created_at=now,
            expires_at=now + timedelta(seconds=ttl),
        )
        notice_enqueue(
            template_code=CODE_TEMPLATE,
            variables={"code": code, "minutes": max(ttl // 60, 1)},
            recipient=number,
            dedupe_key=f"portal-code:{row.pk}",
        )


def code_verify(*, phone: object, code: object, now: datetime | None = None) -> PortalUser:
    """The customer of ``phone`` once ``code`` is the phone's latest code, unexpired, unused and
    not dead (created at the first sign-in). A wrong code counts a try (kept even though the
    refusal is raised); all refusals say the same."""
    number = _phone(phone)
    given = rules.clean_code(code)
    if given is None:
        message = _("请输入6位数字验证码。")
        raise InvalidInput(message, errors={"code": message})
    now = now or tz.now()
    refused = _("验证码不正确或已失效，请重新输入或重新获取。")
    with transaction.atomic():
        row = (
            LoginCode.objects.select_for_update().filter(phone=number, sent=True).order_by("-created_at", "-pk").first()
        )
        if row is None or row.used_at is not None or row.expires_at <= now:
            raise CodeRefused(refused, errors={"code": refused})
        if row.tries >= rules.portal_setting("CODE_MAX_TRIES"):
            dead = _("验证码错误次数过多，请重新获取。")
            raise CodeRefused(dead, errors={"code": dead})
        right = hmac.compare_digest(row.code_hash, rules.code_hash(number, given))
        if not right:
            row.tries += 1
            row.save(update_fields=["tries"])
        else:
            row.used_at = now
            row.save(update_fields=["used_at"])
            user, _created = PortalUser.objects.get_or_create(phone=number, defaults={"created_at": now})
            if not user.active:
                raise CodeRefused(refused, errors={"code": refused})
            user.last_sign_in_at = now
            user.save(update_fields=["last_sign_in_at"])
            portal_event(user, PortalEvent.Type.SIGNED_IN, at=now)
    if not right:
        raise CodeRefused(refused, errors={"code": refused})
    return user


def token_issue(*, user: PortalUser, now: datetime | None = None) -> str:
    """A new bearer token for the app (shown once; only its hash is kept)."""
    now = now or tz.now()
    token = rules.new_token()
    PortalToken.objects.create(
        user=user,
        key_hash=rules.token_hash(token),
        created_at=now,
        expires_at=now + timedelta(days=rules.portal_setting("TOKEN_DAYS")),
    )
    return token


def token_revoke(*, token: str, now: datetime | None = None) -> bool:
    """Ends the token (signing out of the app); False when it was not a live token."""
    ended = PortalToken.objects.filter(key_hash=rules.token_hash(token), revoked_at__isnull=True).update(
        revoked_at=now or tz.now()
    )
    return ended > 0
