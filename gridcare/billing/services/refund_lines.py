"""Refunds after the bank's file (issue 19): one line the bank could not pay recorded as failed
(the money back in the account's credit balance, the customer told), and every download of a
batch's file, which carries whole account numbers, recorded (who, when)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.billing.exceptions import RefundRefused
from gridcare.billing.models import Refund, RefundBatch, RefundBatchDownload, RefundEvent, RefundMethod, RefundStatus
from gridcare.billing.services.prepaid import prepaid_refund_failed
from gridcare.billing.services.refunds import refund_paid_tell, refund_transition
from gridcare.core.exceptions import InvalidInput
from gridcare.core.timezone import SHANGHAI
from gridcare.customers.models import Account
from gridcare.notices.services import notice_enqueue
from gridcare.org.access import Capability, Scope, require


def refund_line_failed(*, scope: Scope, actor: User, refund: Refund, reason: str) -> Refund:
    """The bank returned ``refund``'s line unpaid (before or after the batch was confirmed paid):
    the refund FAILED with the bank's reason, its amount back in the prepaid balance (refundable
    again, to a corrected account), a message to the customer. Once: a second time is refused."""
    require(scope, Capability.REFUND_REQUEST)
    text = (reason or "").strip()
    if not 2 <= len(text) <= 200:
        raise InvalidInput(_("请填写银行退回原因（2 至 200 字）。"), errors={"reason": _("请填写银行退回原因。")})
    with transaction.atomic():
        account = Account.objects.select_for_update().select_related("customer").get(pk=refund.account_id)
        done = refund_transition(
            refund=refund,
            to=RefundStatus.FAILED,
            actor=actor,
            event=RefundEvent.Type.FAILED,
            note=text,
            failure_reason=text,
        )
        prepaid_refund_failed(account=account, amount=done.amount, refund=done)
        phone = account.customer.contacts.filter(is_primary=True).values_list("phone", flat=True).first()
        if phone:
            to = (
                _("尾号 %(d)s 的银行账户") % {"d": done.bank_account[-4:]}
                if done.method == RefundMethod.BANK
                else _("原缴费渠道")
            )
            notice_enqueue(
                template_code="refund_failed",
                variables={"account_no": account.account_no, "amount": done.amount, "to": to, "reason": text},
                recipient=phone,
                account_id=account.pk,
                dedupe_key=f"refund_failed:{done.pk}",
            )
    return done


def refund_line_paid(*, scope: Scope, actor: User, refund: Refund) -> Refund:
    """The bank paid one exported line (the batch's other lines still open): the refund PAID, the
    customer told. The batch is confirmed paid as a whole by ``refund_batch_paid``."""
    require(scope, Capability.REFUND_REQUEST)
    if refund.status != RefundStatus.EXPORTED:
        raise RefundRefused(_("只有已导出的退款才能确认到账。"))
    with transaction.atomic():
        Account.objects.select_for_update().get(pk=refund.account_id)
        done = refund_transition(refund=refund, to=RefundStatus.PAID, actor=actor, event=RefundEvent.Type.PAID)
        refund_paid_tell(Refund.objects.select_related("account__customer", "payment").get(pk=done.pk))
    return done


def refund_batch_downloaded(*, scope: Scope, actor: User, batch: RefundBatch, fmt: str) -> RefundBatchDownload:
    """Record a download of the batch's bank file (whole account numbers): who and when."""
    require(scope, Capability.REFUND_REQUEST)
    return RefundBatchDownload.objects.create(
        batch=batch, user=actor, fmt="xlsx" if fmt == "xlsx" else "csv", at=timezone.now()
    )


def download_line(row: RefundBatchDownload) -> str:
    """A download as the batch page lists it."""
    who = getattr(getattr(row.user, "staff", None), "name", "") or row.user.username
    return f"{row.at.astimezone(SHANGHAI):%Y-%m-%d %H:%M} {who} ({row.fmt})"
