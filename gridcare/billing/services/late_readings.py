"""A late actual reading of an estimated month (估抄月份补录实抄, issue 19).

The reading of a month that was estimated arrives after the bill run. It is accepted and treated
as the correction it is, with no usage lost or doubled:

- the month is not billed yet (the run wrote the estimate but no bill): the actual reading takes
  the estimate's place, counted from the last actual register;
- the month is billed from the estimate: a cancel-and-re-bill request (更正, reason 抄表差错) for
  that bill with the actual kWh, which a second person approves as any correction. The approval
  writes the kWh into the estimate, which the next actual reading still trues up: it deducts
  what the corrected bill billed, so the months together bill exactly the registers' difference
  (if the request is rejected, the next reading trues up the estimate as it stands).

Refused, with a sentence: an estimate already trued up by a later reading (its usage is settled),
an earlier estimate still waiting (its actual reading first), a reading the usual checks hold, a
bill with a correction already pending, and an import without a person who may ask corrections
(the command: the page is the way)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser, User
from django.utils.translation import gettext as _

from gridcare.billing.models import (
    Bill,
    BillCorrection,
    BillStatus,
    CorrectionReason,
    CorrectionStatus,
    ExceptionKind,
    Reading,
)
from gridcare.billing.services.estimates import Carry
from gridcare.customers.models import Account
from gridcare.org.access import Capability, Scope, can

if TYPE_CHECKING:
    from gridcare.billing.services.readings import Row

ZERO = Decimal(0)


@dataclass(frozen=True)
class Late:
    """One accepted late line: the estimate it meets, the actual usage, and the bill (None: the
    month is not billed, the reading replaces the estimate)."""

    row: Row
    account: Account
    estimate: Reading
    kwh: Decimal
    peak: Decimal
    valley: Decimal
    bill: Bill | None


def late_check(
    *,
    row: Row,
    account: Account,
    carry: Carry | None,
    usage: tuple[Decimal, list[tuple[str, dict[str, str]]]],
    actor: User | AnonymousUser | None,
    scope: Scope | None,
) -> Late | str:
    """The accepted late line, or the sentence refusing it. ``usage``: the line's kWh counted
    from the last actual register and the problems the usual checks found."""
    pending = sorted(carry.estimates if carry else [], key=lambda r: r.period)
    estimate = next((r for r in pending if r.period == row.period), None)
    if estimate is None:
        return _("户号 %(no)s 的 %(p)s 为估抄，已由之后的实抄冲减，无需补录") % {"no": row.account_no, "p": row.period}
    if pending[0].period != row.period:
        return _("户号 %(no)s 在 %(p)s 之前还有估抄月份（%(e)s）未冲减，请先补录该月实抄") % {
            "no": row.account_no,
            "p": row.period,
            "e": pending[0].period,
        }
    kwh, found = usage
    if found:
        return _("户号 %(no)s 补录的 %(p)s 实抄有异常（%(d)s），请核实后再导入") % {
            "no": row.account_no,
            "p": row.period,
            "d": "、".join(str(ExceptionKind(kind).label) for kind, _detail in found),
        }
    peak, valley = (row.peak, row.valley) if row.peak + row.valley <= kwh else (ZERO, ZERO)
    bill = (
        Bill.objects.filter(account=account, period=row.period)
        .exclude(status=BillStatus.CANCELLED)
        .order_by("segment")
        .first()
    )
    if bill is not None:
        if not isinstance(actor, User) or scope is None or not can(scope, Capability.BILL_CORRECT_REQUEST):
            return _(
                "户号 %(no)s 的 %(p)s 已按估抄出账，补录实抄须由电费核算员在抄表导入页面办理（将提交账单更正申请）"
            ) % {
                "no": row.account_no,
                "p": row.period,
            }
        if BillCorrection.objects.filter(bill=bill, status=CorrectionStatus.PENDING).exists():
            return _("户号 %(no)s 的 %(p)s 账单已有待审批的更正申请，请审批后再补录") % {
                "no": row.account_no,
                "p": row.period,
            }
    return Late(row=row, account=account, estimate=estimate, kwh=kwh, peak=peak, valley=valley, bill=bill)


def late_usage_row(row: Row, carry: Carry | None) -> Row:
    """The line counted from the last actual register (the file's 上次示数 is the estimate's)."""
    if carry is None or carry.last_actual_register is None:
        return row
    return replace(row, previous=carry.last_actual_register)


def late_apply(late: Late, *, actor: User | AnonymousUser | None, scope: Scope | None) -> Reading | None:
    """Inside the import's transaction: the reading that replaces an unbilled estimate (to be
    saved with the file's readings; the estimate is deleted), or, for a billed month, the
    correction request raised (None returned)."""
    from gridcare.billing.services.rebill import CorrectionIn, correction_request

    r = late.row
    if late.bill is None:
        Reading.objects.filter(pk=late.estimate.pk, trued_up_by__isnull=True).delete()
        return Reading(
            account=late.account,
            period=r.period,
            read_on=r.read_on,
            register=r.register,
            kwh=late.kwh,
            kwh_peak=late.peak,
            kwh_valley=late.valley,
            kwh_flat=late.kwh - late.peak - late.valley,
            kvarh=r.kvarh,
            max_demand_kw=r.max_demand_kw,
        )
    assert isinstance(actor, User) and scope is not None
    note = _("%(p)s 估抄出账后补录实抄：%(d)s 抄表示数 %(reg)s，实用 %(kwh)s kWh") % {
        "p": r.period,
        "d": r.read_on.isoformat(),
        "reg": r.register,
        "kwh": late.kwh,
    }
    correction_request(
        scope=scope,
        actor=actor,
        bill=late.bill,
        data=CorrectionIn(
            reason=CorrectionReason.READING,
            note=note[:200],
            request_key=f"late:{late.bill.pk}:{r.register}",
            kwh=late.kwh,
            kwh_peak=late.peak,
            kwh_valley=late.valley,
        ),
    )
    return None
