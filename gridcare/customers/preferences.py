"""A customer's own message settings on their contacts (NOTE-3 opt-out, SELF-2 消息设置): the
channel of each kind of message that may be opted out of, opting out of reminders (never of
outage notices: ``notices.rules.OPT_OUT_CATEGORIES`` does not hold them), and the e-mail address
for e-invoices.

The settings live on the ``Contact`` rows, where the outbox and the sender read them: the outbox
routes a message of a kind by its phone's chosen channel, the sender drops an opted-out phone's
reminders when they fall due. A change is saved on every contact of the account's customer (the
phones its messages go to) and is a row in the history of each of that customer's accounts. The
portal calls these only for an account bound to the signed-in customer; the inbound-SMS webhook
calls ``contacts_opt_out`` for the phone that replied TD."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from gridcare.core.exceptions import Conflict, InvalidInput
from gridcare.customers import rules
from gridcare.customers.events import account_event
from gridcare.customers.models import Account, AccountEvent, Contact
from gridcare.customers.rules import Preferences

EMAIL_MAX = 254
SOURCES = ("portal", "sms")


def _kinds() -> tuple[frozenset[str], frozenset[str]]:
    """(the message kinds a customer may choose for, the channels they may choose): the notice
    service's own lists (notices reads customers: imported late)."""
    from gridcare.notices.models import Channel
    from gridcare.notices.rules import OPT_OUT_CATEGORIES

    return frozenset(str(c) for c in OPT_OUT_CATEGORIES), frozenset({Channel.SMS, Channel.WECHAT, Channel.EMAIL})


def _clean(channels: Mapping[str, object], invoice_email: object) -> tuple[dict[str, str], str]:
    kinds, allowed = _kinds()
    errors: dict[str, str] = {}
    clean: dict[str, str] = {}
    for kind, channel in channels.items():
        if kind not in kinds:
            errors[f"channels.{kind}"] = _("这类消息不能选择接收渠道（停电通知等总是发送）。")
        elif channel in ("", None):
            continue  # the house's way (WeChat if followed, else SMS)
        elif channel not in allowed:
            errors[f"channels.{kind}"] = _("接收渠道只能是短信、微信或电子邮件。")
        else:
            clean[kind] = str(channel)
    email = str(invoice_email or "").strip() if isinstance(invoice_email, str | None) else None
    if email is None:
        errors["invoice_email"] = _("邮箱格式不正确。")
    elif email:
        try:
            if len(email) > EMAIL_MAX:
                raise ValidationError("too long")
            validate_email(email)
        except ValidationError:
            errors["invoice_email"] = _("邮箱格式不正确。")
    if not errors and "email" in clean.values() and not email:
        errors["invoice_email"] = _("选择电子邮件接收，请先填写邮箱。")
    if errors:
        raise InvalidInput(_("消息设置有误。"), errors=errors)
    return clean, email or ""


def _accounts_of(customer_ids: set[int]) -> dict[int, list[Account]]:
    accounts: dict[int, list[Account]] = {}
    for account in Account.objects.filter(customer_id__in=customer_ids).order_by("id"):
        accounts.setdefault(account.customer_id, []).append(account)
    return accounts


def _record(contact: Contact, accounts: list[Account], old: Preferences, new: Preferences, source: str) -> None:
    phone = rules.mask_phone(contact.phone)
    for account in accounts:
        for kind in sorted(set(old.channels) | set(new.channels)):
            if old.channels.get(kind) != new.channels.get(kind):
                account_event(
                    account=account,
                    type=AccountEvent.Type.MESSAGE_CHANNEL,
                    actor=None,
                    source=source,
                    phone=phone,
                    category=kind,
                    channel=new.channels.get(kind, "default"),
                )
        if old.opted_out != new.opted_out:
            kind = AccountEvent.Type.OPTED_OUT if new.opted_out else AccountEvent.Type.OPTED_IN
            account_event(account=account, type=kind, actor=None, source=source, phone=phone)
        if old.invoice_email != new.invoice_email:
            account_event(
                account=account,
                type=AccountEvent.Type.INVOICE_EMAIL,
                actor=None,
                source=source,
                email=rules.mask_email(new.invoice_email),
            )


def _save(contact: Contact, new: Preferences) -> None:
    contact.channels = dict(new.channels)
    contact.opted_out = new.opted_out
    contact.invoice_email = new.invoice_email
    contact.save(update_fields=["channels", "opted_out", "invoice_email"])


def contact_preferences_set(
    *,
    account: Account,
    channels: Mapping[str, object],
    opted_out: bool,
    invoice_email: object,
    source: str = "portal",
) -> Preferences:
    """Save the customer's message settings on every contact (with a phone) of ``account``'s
    customer: ``channels`` (kind → "sms" | "wechat" | "email", empty for the house's way; kinds
    that may not be opted out are refused on their field), ``opted_out`` (reminders only) and the
    e-invoice address. Each change is a history row of each of the customer's accounts; saving the
    same settings again writes nothing. An account without a contact phone is a ``Conflict``."""
    assert source in SOURCES
    clean, email = _clean(channels, invoice_email)
    new = Preferences(channels=clean, opted_out=bool(opted_out), invoice_email=email)
    with transaction.atomic():
        contacts = list(
            Contact.objects.select_for_update().filter(customer_id=account.customer_id).exclude(phone="").order_by("id")
        )
        if not contacts:
            raise Conflict(_("该户号没有登记手机号码，请到营业厅或拨打95598登记后再设置。"))
        accounts = _accounts_of({account.customer_id}).get(account.customer_id, [])
        for contact in contacts:
            old = rules.preferences_of(contact.channels, contact.opted_out, contact.invoice_email)
            if old != new:
                _save(contact, new)
                _record(contact, accounts, old, new, source)
    return new


def contacts_opt_out(*, phone: str, source: str = "sms") -> int:
    """Opt ``phone`` out of reminders on every contact that has it (an SMS reply TD/退订): the
    same as the portal's switch, one history row per account of each contact's customer. A phone
    already opted out, or unknown, changes nothing. Returns how many contacts changed."""
    assert source in SOURCES
    with transaction.atomic():
        contacts = list(Contact.objects.select_for_update().filter(phone=phone, opted_out=False).order_by("id"))
        accounts = _accounts_of({c.customer_id for c in contacts})
        for contact in contacts:
            old = rules.preferences_of(contact.channels, contact.opted_out, contact.invoice_email)
            new = Preferences(channels=old.channels, opted_out=True, invoice_email=old.invoice_email)
            _save(contact, new)
            _record(contact, accounts.get(contact.customer_id, []), old, new, source)
    return len(contacts)
