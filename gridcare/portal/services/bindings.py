"""Binding accounts (户号) to a customer's sign-in (SELF-2): the account number with the
holder's name or the last six characters of the holder's ID number. A wrong proof says the same
whatever was wrong, and a customer gets a limited number of wrong proofs a day."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from gridcare.core import timezone as tz
from gridcare.core.exceptions import InvalidInput
from gridcare.customers.selectors import binding_facts
from gridcare.portal import rules
from gridcare.portal.events import portal_event
from gridcare.portal.exceptions import AccountNotBound, BindingRefused, TooManyRequests
from gridcare.portal.models import Binding, PortalEvent, PortalUser

NAME_MAX = 100
ID_LAST = 6


def account_bind(
    *, user: PortalUser, account_no: str, name: str = "", id_last6: str = "", now: datetime | None = None
) -> Binding:
    """Binds ``account_no`` to ``user`` (already bound: the same binding, nothing new)."""
    now = now or tz.now()
    number = (account_no or "").strip()
    name = (name or "").strip()
    id_last6 = (id_last6 or "").strip()
    errors: dict[str, str] = {}
    if not number:
        errors["account_no"] = _("请填写户号。")
    elif len(number) > 10 or not (number.isascii() and number.isdigit()):
        errors["account_no"] = _("户号为10位以内的数字。")
    if not name and not id_last6:
        errors["name"] = _("请填写户主姓名，或证件号码后六位。")
    if len(name) > NAME_MAX:
        errors["name"] = _("户主姓名过长。")
    if id_last6 and len(id_last6) != ID_LAST:
        errors["id_last6"] = _("请填写证件号码的后六位。")
    if errors:
        raise InvalidInput(_("请检查填写的内容。"), errors=errors)
    day_ago = now - timedelta(days=1)
    failures = user.events.filter(type=PortalEvent.Type.BIND_REFUSED, created_at__gt=day_ago).count()
    if failures >= rules.portal_setting("BIND_FAILURES_PER_DAY"):
        raise TooManyRequests(_("今日绑定未通过的次数过多，请明天再试，或携带证件到营业厅办理。"))
    facts = binding_facts(account_no=number)
    proof = None
    if facts is not None and not facts.closed:
        proof = rules.proof_matches(
            name=facts.holder_name, id_number=facts.holder_id_number, given_name=name, given_id_last6=id_last6
        )
    if facts is None or proof is None:
        portal_event(user, PortalEvent.Type.BIND_REFUSED, at=now, account_no=number)
        message = _("户号与户主信息不符，请核对后重试。")
        raise BindingRefused(message, errors={"account_no": message})
    with transaction.atomic():
        PortalUser.objects.select_for_update().filter(pk=user.pk).first()  # one binding at a time per customer
        existing = Binding.objects.filter(user=user, account_id=facts.account_id, unbound_at__isnull=True).first()
        if existing is not None:
            return existing
        binding = Binding.objects.create(user=user, account_id=facts.account_id, bound_at=now, proof=proof)
        portal_event(user, PortalEvent.Type.BOUND, at=now, account_no=facts.account_no, proof=proof)
    return binding


def account_unbind(*, user: PortalUser, account_no: str, now: datetime | None = None) -> None:
    """Ends the binding of ``account_no``; an account not bound is the same 404 as a missing one."""
    now = now or tz.now()
    with transaction.atomic():
        binding = (
            Binding.objects.select_for_update()
            .filter(user=user, account__account_no=str(account_no)[:10], unbound_at__isnull=True)
            .select_related("account")
            .first()
        )
        if binding is None:
            raise AccountNotBound(_("没有绑定这个户号。"))
        binding.unbound_at = now
        binding.save(update_fields=["unbound_at"])
        portal_event(user, PortalEvent.Type.UNBOUND, at=now, account_no=binding.account.account_no)


def bindings_end_for_transfer(*, account_id: int, now: datetime | None = None) -> int:
    """A transfer (过户) ends every customer's binding of the account in the transfer's own
    transaction: the old holder no longer sees the new holder's bills and usage; the new holder
    binds the account with their own name or ID number. Returns how many bindings ended."""
    now = now or tz.now()
    ended = 0
    bindings = (
        Binding.objects.select_for_update()
        .filter(account_id=account_id, unbound_at__isnull=True)
        .select_related("user", "account")
        .order_by("pk")
    )
    for binding in bindings:
        binding.unbound_at = now
        binding.save(update_fields=["unbound_at"])
        portal_event(
            binding.user, PortalEvent.Type.UNBOUND, at=now, account_no=binding.account.account_no, cause="transfer"
        )
        ended += 1
    return ended
