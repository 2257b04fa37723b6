"""An account's invoice title (发票抬头) and tax number, and bill invoices on or off. Correcting
the title sends the account's failed invoices to be issued again with it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.core.events import Actor, actor_user
from gridcare.customers.models import Account
from gridcare.invoicing import rules
from gridcare.invoicing.events import invoice_event, title_event
from gridcare.invoicing.exceptions import TitleRefused
from gridcare.invoicing.models import (
    Invoice,
    InvoiceEvent,
    InvoiceStatus,
    InvoiceTitle,
    TitleEvent,
    TitleKind,
)
from gridcare.org.access import Capability, Scope, require


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _validated(kind: object, name: object, tax_number: object, email: object) -> rules.TitleIn:
    errors: dict[str, str] = {}
    if kind not in TitleKind.values:
        errors["kind"] = _("请选择抬头类型（个人或单位）。")
    data = rules.TitleIn(
        kind=str(kind), name=_text(name), tax_number=rules.uscc_normal(_text(tax_number)), email=_text(email)
    )
    sentences = {
        "name": _("发票抬头应为 1 至 %(n)s 个字符。") % {"n": rules.TITLE_NAME_MAX},
        "missing": _("单位抬头须填写统一社会信用代码。"),
        "check": _("统一社会信用代码应为 18 位，且校验位正确（请核对营业执照）。"),
        "personal": _("个人抬头不填写税号。"),
        "email": _("邮箱格式不正确。"),
    }
    if not errors:
        for field, code in rules.title_problems(data).items():
            errors[field] = sentences[code]
    if errors:
        raise TitleRefused(_("发票抬头有误。"), errors=errors)
    return data


def title_set(
    *,
    scope: Scope,
    actor: Actor,
    account: Account,
    kind: object,
    name: object,
    tax_number: object = "",
    email: object = "",
    bill_invoices: object = False,
) -> tuple[InvoiceTitle, bool]:
    """Set the account's invoice title. Returns (title, changed): the same values again change
    nothing and write no history. The account's failed invoices are queued again with it."""
    require(scope, Capability.INVOICE_TITLE_EDIT)
    data = _validated(kind, name, tax_number, email)
    if not isinstance(bill_invoices, bool):
        raise TitleRefused(_("发票抬头有误。"), errors={"bill_invoices": _("应为是或否。")})
    with transaction.atomic():
        Account.objects.select_for_update().filter(pk=account.pk).first()  # one change of an account at a time
        title = InvoiceTitle.objects.filter(account=account).first()
        values = {
            "kind": data.kind,
            "name": data.name,
            "tax_number": data.tax_number,
            "email": data.email,
            "bill_invoices": bill_invoices,
        }
        if title is not None and all(getattr(title, k) == v for k, v in values.items()):
            return title, False
        first = title is None
        if title is None:
            title = InvoiceTitle(account=account)
        for field, value in values.items():
            setattr(title, field, value)
        title.updated_at, title.updated_by = timezone.now(), actor_user(actor)
        title.save()
        title_event(
            title=title,
            type=TitleEvent.Type.SET if first else TitleEvent.Type.CHANGED,
            actor=actor,
            kind=data.kind,
            name=data.name,
            tax_number=data.tax_number,
            bill_invoices=bill_invoices,
        )
        _requeue_failed(title, actor)
    return title, True


def _requeue_failed(title: InvoiceTitle, actor: Actor) -> None:
    now = timezone.now()
    failed = Invoice.objects.select_for_update().filter(account_id=title.account_id, status=InvoiceStatus.FAILED)
    for invoice in failed:
        invoice.status = InvoiceStatus.PENDING
        invoice.title_kind, invoice.buyer_name, invoice.buyer_tax_number = title.kind, title.name, title.tax_number
        invoice.email = title.email or invoice.email
        invoice.attempts, invoice.next_attempt_at, invoice.last_error = 0, now, ""
        invoice.save(
            update_fields=[
                "status",
                "title_kind",
                "buyer_name",
                "buyer_tax_number",
                "email",
                "attempts",
                "next_attempt_at",
                "last_error",
            ]
        )
        invoice_event(invoice=invoice, type=InvoiceEvent.Type.REQUEUED, actor=actor)
