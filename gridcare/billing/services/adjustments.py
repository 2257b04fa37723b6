"""Credit and debit notes (退补电费, issue 19): asked with a reason code, approved by a second
person above ``ADJUSTMENT_APPROVAL_YUAN`` (below it, approved as asked), carried by the
account's next bill as a line (the bill run adds them, ``adjustments_for_chunk``). The request
form's key makes a double submit one note."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.billing.conf import billing_decimal
from gridcare.billing.events import adjustment_event
from gridcare.billing.exceptions import CorrectionRefused
from gridcare.billing.models import (
    SYSTEM_REASONS,
    Adjustment,
    AdjustmentEvent,
    AdjustmentKind,
    AdjustmentStatus,
    CorrectionReason,
)
from gridcare.billing.rules.numbers import decimal_error
from gridcare.billing.rules.rebill import Note, notes_to_apply
from gridcare.core.approval import claim, decision_note, second_person
from gridcare.core.exceptions import InvalidInput
from gridcare.core.money import ZERO, to_fen
from gridcare.customers.models import Account
from gridcare.org.access import Capability, Scope, require


@dataclass(frozen=True)
class AdjustmentIn:
    kind: str
    reason: str
    amount: Decimal
    note: str
    request_key: str


def _validate(data: AdjustmentIn) -> None:
    errors: dict[str, str] = {}
    if data.kind not in AdjustmentKind.values:
        errors["kind"] = _("请选择退减或补收。")
    if data.reason not in CorrectionReason.values or data.reason in SYSTEM_REASONS:
        errors["reason"] = _("请选择原因。")
    if problem := decimal_error(data.amount, Adjustment._meta.get_field("amount"), minimum=Decimal("0.01")):
        errors["amount"] = problem
    if not isinstance(data.note, str) or not 1 <= len(data.note.strip()) <= 200:
        errors["note"] = _("请填写说明（最多 200 字）。")
    if not isinstance(data.request_key, str) or not 1 <= len(data.request_key) <= 64:
        errors["request_key"] = _("申请表单已失效，请重新打开。")
    if errors:
        raise InvalidInput(_("退补申请有误。"), errors=errors)


def needs_approval(amount: Decimal) -> bool:
    return amount > billing_decimal("ADJUSTMENT_APPROVAL_YUAN")


def adjustment_request(*, scope: Scope, actor: User, account: Account, data: AdjustmentIn) -> tuple[Adjustment, bool]:
    """Ask for a note on ``account``. Returns (note, created); the same key again: the first."""
    require(scope, Capability.BILL_CORRECT_REQUEST)
    _validate(data)
    with transaction.atomic():
        existing = Adjustment.objects.filter(request_key=data.request_key).first()
        if existing is not None:
            if existing.account_id != account.pk or existing.amount != data.amount or existing.kind != data.kind:
                raise CorrectionRefused(_("这张申请表已提交过另一笔退补，请重新打开申请页面。"))
            return existing, False
        waits = needs_approval(data.amount)
        try:
            with transaction.atomic():
                note = Adjustment.objects.create(
                    request_key=data.request_key,
                    account=account,
                    kind=data.kind,
                    reason=data.reason,
                    amount=data.amount,
                    note=data.note.strip(),
                    status=AdjustmentStatus.PENDING if waits else AdjustmentStatus.APPROVED,
                    requested_by=actor,
                    requested_at=timezone.now(),
                )
        except IntegrityError:
            return Adjustment.objects.get(request_key=data.request_key), False
        adjustment_event(
            adjustment=note,
            type=AdjustmentEvent.Type.REQUESTED,
            actor=actor,
            kind=note.kind,
            reason=note.reason,
            amount=str(note.amount),
            approval=waits,
        )
    return note, True


def adjustment_decide(
    *, scope: Scope, actor: User, adjustment: Adjustment, approve: bool, note: str = ""
) -> Adjustment:
    """A second person approves (the next bill carries it) or rejects a note above the limit."""
    require(scope, Capability.BILL_CORRECT_APPROVE)
    second_person(asked_by_id=adjustment.requested_by_id, actor=actor, message=_("退补须由申请人以外的人审批。"))
    text = decision_note(note)
    with transaction.atomic():
        to = AdjustmentStatus.APPROVED if approve else AdjustmentStatus.REJECTED
        claim(
            Adjustment,
            pk=adjustment.pk,
            status=AdjustmentStatus.PENDING,
            to=to,
            decided_by=actor,
            decided_at=timezone.now(),
            decision_note=text,
        )
        adjustment.refresh_from_db()
        kind = AdjustmentEvent.Type.APPROVED if approve else AdjustmentEvent.Type.REJECTED
        adjustment_event(adjustment=adjustment, type=kind, actor=actor, **({"note": text} if text else {}))
    return adjustment


# -- the bill run's line (inside its chunk transaction) --------------------------------------
def adjustments_for_chunk(account_ids: np.ndarray, charges_fen: np.ndarray) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The notes waiting for the chunk's new bills: fen per bill (sorted ``account_ids``), and
    (note id, position) of each note carried. Few accounts have any: one indexed read."""
    out = np.zeros(len(account_ids), dtype=np.int64)
    if len(account_ids) == 0:
        return out, []
    waiting: dict[int, list[Note]] = {}
    for note in Adjustment.objects.filter(
        status=AdjustmentStatus.APPROVED, account_id__gte=int(account_ids[0]), account_id__lte=int(account_ids[-1])
    ).order_by("id"):
        waiting.setdefault(note.account_id, []).append(Note(key=note.pk, signed=note.signed))
    carried: list[tuple[int, int]] = []
    for account_id, notes in waiting.items():
        pos = int(np.searchsorted(account_ids, account_id))
        if pos >= len(account_ids) or account_ids[pos] != account_id:
            continue
        keys, total = notes_to_apply(Decimal(int(charges_fen[pos])) / 100, notes)
        out[pos] = to_fen(total)
        carried += [(key, pos) for key in keys]
    return out, carried


def adjustments_carried(carried: Sequence[tuple[int, int]], bill_ids: Sequence[int], period: str) -> None:
    """Mark the notes carried by the chunk's bills (``bill_ids`` by position) as applied."""
    for key, pos in carried:
        Adjustment.objects.filter(pk=key, status=AdjustmentStatus.APPROVED).update(
            status=AdjustmentStatus.APPLIED, bill_id=int(bill_ids[pos])
        )
        adjustment_event(adjustment=Adjustment(pk=key), type=AdjustmentEvent.Type.APPLIED, actor=None, period=period)


def adjustments_waiting(account: Account) -> Decimal:
    """What the approved notes not yet on a bill add to the account's next bill."""
    notes = Adjustment.objects.filter(account=account, status=AdjustmentStatus.APPROVED)
    return sum((n.signed for n in notes), ZERO)


# -- the credit an over-estimate leaves (估抄多计退补, written by the rules) ---------------------
@dataclass(frozen=True)
class TrueUpCredit:
    account_id: int
    bill_id: int  # the true-up bill that computed it
    amount: Decimal


def true_up_credits_record(credits: Sequence[TrueUpCredit], period: str) -> int:
    """Write the credit notes of the true-up bills just written, inside their transaction: what
    the estimates charged beyond the actual usage (``rules.estimates.true_up_charges``), approved
    as computed (no person asked, so none approves), carried by the account's next bill like
    every note. Once per account and period (the note's key): a resumed or repeated run, or the
    single-account path after the bill run, writes no second credit. The number written."""
    written = 0
    now = timezone.now()
    for credit in credits:
        if credit.amount <= 0:
            continue
        key = f"estimate:{credit.account_id}:{period}"
        if Adjustment.objects.filter(request_key=key).exists():
            continue
        note = Adjustment.objects.create(
            request_key=key,
            account_id=credit.account_id,
            kind=AdjustmentKind.CREDIT,
            reason=CorrectionReason.ESTIMATE,
            amount=credit.amount,
            note=_("%(period)s 实抄电量少于此前估抄电量，多收电费退还") % {"period": period},
            status=AdjustmentStatus.APPROVED,
            requested_at=now,
            decided_at=now,
            source_bill_id=credit.bill_id,
        )
        adjustment_event(
            adjustment=note,
            type=AdjustmentEvent.Type.COMPUTED,
            actor=None,
            kind=note.kind,
            reason=note.reason,
            amount=str(note.amount),
            period=period,
        )
        written += 1
    return written
