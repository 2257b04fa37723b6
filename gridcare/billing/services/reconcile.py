"""Daily reconciliation (对账, BILL-5): a channel's statement against the posted payments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils.translation import gettext as _

from gridcare.billing.exceptions import BillingError
from gridcare.billing.models import Payment, PaymentChannel, Reconciliation, ReconciliationItem
from gridcare.billing.services.readings import _number, table_from_file

STATEMENT_COLUMNS = {
    "channel_txn_id": ("流水号", "channel_txn_id"),
    "account_no": ("户号", "account_no"),
    "amount": ("金额", "amount"),
}


def parse_statement(file_name: str, content: bytes) -> dict[str, tuple[str, Decimal]]:
    """txn id → (account no, amount). Any unreadable line refuses the whole statement."""
    table = table_from_file(file_name, content)
    if not table:
        raise BillingError(_("对账文件是空的。"))
    head = [str(c).strip() for c in table[0]]
    col = {}
    for key, aliases in STATEMENT_COLUMNS.items():
        found = [i for i, h in enumerate(head) if h in aliases]
        if not found:
            raise BillingError(_("对账文件缺少列：%(c)s。") % {"c": aliases[0]})
        col[key] = found[0]
    out: dict[str, tuple[str, Decimal]] = {}
    errors = {}
    for line, cells in enumerate(table[1:], start=2):
        try:
            txn = str(cells[col["channel_txn_id"]]).strip()
            if not txn or txn in out:
                raise ValueError(_("流水号为空或重复"))
            out[txn] = (str(cells[col["account_no"]]).strip(), _number(cells[col["amount"]]))
        except (ValueError, IndexError) as exc:
            errors[_("第%(n)s行") % {"n": line}] = str(exc)
    if errors:
        raise BillingError(_("对账文件有 %(n)s 行无法读取。") % {"n": len(errors)}, errors=errors)
    return out


def reconcile(
    *, channel: str, business_date: date, file_name: str, content: bytes, actor: User | AnonymousUser | None
) -> Reconciliation:
    if channel not in PaymentChannel.values:
        raise BillingError(_("缴费渠道不存在。"), errors={"channel": _("取值不在允许范围内。")})
    statement = parse_statement(file_name, content)
    posted = {
        p.channel_txn_id: p
        for p in Payment.objects.filter(channel=channel, business_date=business_date).select_related("account")
    }
    # A statement line may be for a payment we posted on another business date.
    elsewhere = {
        p.channel_txn_id: p
        for p in Payment.objects.filter(
            channel=channel, channel_txn_id__in=set(statement) - set(posted)
        ).select_related("account")
    }
    items = []
    for txn, (account_no, amount) in statement.items():
        payment = posted.get(txn) or elsewhere.get(txn)
        if payment is None:
            items.append(
                ReconciliationItem(kind="missing", channel_txn_id=txn, account_no=account_no, statement_amount=amount)
            )
        elif payment.amount != amount or payment.account.account_no != account_no:
            items.append(
                ReconciliationItem(
                    kind="different",
                    channel_txn_id=txn,
                    account_no=account_no,
                    statement_amount=amount,
                    posted_amount=payment.amount,
                )
            )
    for txn, payment in posted.items():
        if txn not in statement:
            items.append(
                ReconciliationItem(
                    kind="extra",
                    channel_txn_id=txn,
                    account_no=payment.account.account_no,
                    posted_amount=payment.amount,
                )
            )
    with transaction.atomic():
        rec = Reconciliation.objects.create(
            channel=channel,
            business_date=business_date,
            statement_name=file_name[:200],
            matched=len(statement) - sum(1 for i in items if i.kind != "extra"),
            actor=actor if isinstance(actor, User) else None,
        )
        for item in items:
            item.reconciliation = rec
        ReconciliationItem.objects.bulk_create(items)
    return rec
