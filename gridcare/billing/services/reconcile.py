"""Daily reconciliation (对账, BILL-5): a channel's statement against the posted payments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils.translation import gettext as _

from gridcare.billing.access import work_unit
from gridcare.billing.exceptions import BillingError
from gridcare.billing.models import Payment, PaymentChannel, Reconciliation, ReconciliationItem
from gridcare.billing.rules.bill_dates import day_check
from gridcare.billing.services.readings import _number, table_from_file
from gridcare.core.events import actor_user
from gridcare.customers.models import Account
from gridcare.org.access import Scope
from gridcare.org.models import SupplyUnit

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


def _other_units(statement: dict[str, tuple[str, Decimal]], unit: SupplyUnit) -> dict[str, str]:
    """Lines of a unit's statement that name another unit's account (line 2 is the first)."""
    units = dict(
        Account.objects.filter(account_no__in={no for no, _a in statement.values()}).values_list(
            "account_no", "supply_unit_id"
        )
    )
    return {
        _("第%(n)s行") % {"n": line}: _("户号 %(no)s 不属于%(unit)s") % {"no": no, "unit": unit.name}
        for line, (no, _a) in enumerate(statement.values(), start=2)
        if no in units and units[no] != unit.pk
    }


def reconcile(
    *,
    channel: str,
    business_date: date,
    file_name: str,
    content: bytes,
    actor: User | AnonymousUser | None,
    unit: SupplyUnit | None = None,
) -> Reconciliation:
    """Compare the statement with the payments posted for the channel and day (of ``unit``'s
    accounts only, when given: a line of another unit's account then refuses the statement)."""
    if channel not in PaymentChannel.values:
        raise BillingError(_("缴费渠道不存在。"), errors={"channel": _("取值不在允许范围内。")})
    statement = parse_statement(file_name, content)
    payments = Payment.objects.filter(channel=channel).select_related("account")
    if unit is not None:
        if errors := _other_units(statement, unit):
            raise BillingError(_("对账文件有 %(n)s 行不属于本供电单位，未对账。") % {"n": len(errors)}, errors=errors)
        payments = payments.filter(account__supply_unit=unit)
    posted = {p.channel_txn_id: p for p in payments.filter(business_date=business_date)}
    # A statement line may be for a payment we posted on another business date.
    elsewhere = {p.channel_txn_id: p for p in payments.filter(channel_txn_id__in=set(statement) - set(posted))}
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
            unit=unit,
            statement_name=file_name[:200],
            matched=len(statement) - sum(1 for i in items if i.kind != "extra"),
            actor=actor_user(actor),
        )
        for item in items:
            item.reconciliation = rec
        ReconciliationItem.objects.bulk_create(items)
    return rec


def reconciliation_upload(
    *,
    scope: Scope,
    actor: User,
    channel: str,
    business_date: date,
    file_name: str,
    content: bytes,
    unit_code: str | None,
) -> Reconciliation:
    """Reconciliation from the staff page: a billing clerk reconciles their unit's payments."""
    unit = work_unit(scope, unit_code)
    day_check(business_date, "business_date")
    return reconcile(
        channel=channel, business_date=business_date, file_name=file_name, content=content, actor=actor, unit=unit
    )
