"""The customer portal's own tables (SELF-2, issue 15): customers' sign-ins, kept apart from
staff users (a customer is no ``auth.User``, has no staff post and no staff token), the
accounts each one has bound, the one-time codes and the app's tokens.

Only hashes of codes and tokens are stored."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridcare.core.models import Event


class PortalUser(models.Model):
    """A customer signed in with a mobile number (created at the first sign-in)."""

    phone = models.CharField(_("手机号"), max_length=11, unique=True)
    created_at = models.DateTimeField(_("注册时间"))
    last_sign_in_at = models.DateTimeField(_("最近登录"), null=True, blank=True)
    elderly_mode = models.BooleanField(_("长辈模式"), default=False)
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("网上营业厅用户")
        verbose_name_plural = _("网上营业厅用户")

    def __str__(self) -> str:
        return self.phone[:3] + "****" + self.phone[-4:]


class Binding(models.Model):
    """An account (户号) a customer has bound, proven by the holder's name or the ID number's last
    six characters; unbinding ends it (the row stays for the history)."""

    user = models.ForeignKey(PortalUser, on_delete=models.PROTECT, related_name="bindings")
    account = models.ForeignKey("customers.Account", on_delete=models.PROTECT, related_name="+")
    bound_at = models.DateTimeField(_("绑定时间"))
    proof = models.CharField(_("验证方式"), max_length=10)  # name, id_last6
    unbound_at = models.DateTimeField(_("解绑时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("绑定户号")
        verbose_name_plural = _("绑定户号")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "account"], condition=Q(unbound_at__isnull=True), name="portal_binding_once"
            )
        ]
        indexes = [models.Index(fields=["user", "unbound_at"], name="portal_binding_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.account_id}"


class LoginCode(models.Model):
    """A six-digit sign-in code sent to a phone: valid a few minutes, used once, dead after a few
    wrong tries. Every request is a row (sent or held back by the throttle), which is what the
    per-phone and per-address limits count."""

    phone = models.CharField(max_length=11, db_index=True)
    code_hash = models.CharField(max_length=64)
    address = models.CharField(max_length=45, blank=True, default="", db_index=True)
    created_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    sent = models.BooleanField(default=True)  # False: throttled, nothing was sent

    class Meta:
        verbose_name = _("登录验证码")
        verbose_name_plural = _("登录验证码")
        indexes = [models.Index(fields=["phone", "-created_at"], name="portal_code_latest_idx")]

    def __str__(self) -> str:
        return f"{self.phone[:3]}****{self.phone[-4:]} {self.created_at:%Y-%m-%d %H:%M}"


class PortalToken(models.Model):
    """The app's bearer token of a customer (only its SHA-256 is kept)."""

    user = models.ForeignKey(PortalUser, on_delete=models.CASCADE, related_name="tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("网上营业厅令牌")
        verbose_name_plural = _("网上营业厅令牌")

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class PortalEvent(Event):
    """A customer's own history: sign-ins, bindings, refused bindings, preferences."""

    class Type(models.TextChoices):
        SIGNED_IN = "signed_in", _("登录")
        SIGNED_OUT = "signed_out", _("退出")
        BOUND = "bound", _("绑定户号")
        BIND_REFUSED = "bind_refused", _("绑定未通过")
        UNBOUND = "unbound", _("解绑户号")
        PREFERENCE = "preference", _("修改设置")

    user = models.ForeignKey(PortalUser, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(max_length=30, choices=Type.choices)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("网上营业厅记录")
        verbose_name_plural = _("网上营业厅记录")
        indexes = [models.Index(fields=["user", "type", "created_at"], name="portal_event_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.type}"
