"""Reads of estimated readings (估抄) and meter exchanges (换表) for pages and the API."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gridcare.billing.models import Bill, Reading
from gridcare.customers.models import MeterExchange
from gridcare.org.access import Scope


def last_actual_reading(*, account_id: int) -> Reading | None:
    """The account's newest reading that was read, not estimated (a meter exchange's "last")."""
    return Reading.objects.filter(account_id=account_id, estimated=False).order_by("-period").first()


def estimates_waiting(*, scope: Scope) -> QuerySet[Reading]:
    """Estimated readings not yet trued up by an actual one, of the accounts in ``scope``."""
    return (
        Reading.objects.filter(scope.account_filter("account__supply_unit"), estimated=True, trued_up_by__isnull=True)
        .select_related("account", "account__customer", "account__supply_unit")
        .order_by("period", "account__account_no")
    )


def bill_reading(bill: Bill) -> Reading | None:
    """The reading a bill was computed from (estimated? across a meter exchange?)."""
    return (
        Reading.objects.filter(account_id=bill.account_id, period=bill.period)
        .select_related("exchange", "exchange__old_meter", "exchange__new_meter")
        .first()
    )


def exchange_of_bill(bill: Bill) -> MeterExchange | None:
    reading = bill_reading(bill)
    return reading.exchange if reading else None


@dataclass(frozen=True)
class ReadingNotes:
    estimated: bool
    lines: list[tuple[str, str]]


def reading_notes(bill: Bill) -> ReadingNotes:
    """What a bill says of its reading: 估 (estimated, trued up by the next actual reading), the
    estimates a true-up deducts, and 换表电量 (the old meter's part across a meter exchange)."""
    reading = bill_reading(bill)
    if reading is None:
        return ReadingNotes(estimated=False, lines=[])
    lines: list[tuple[str, str]] = []
    if reading.estimated:
        lines.append((_("抄表方式"), _("估抄（估）：下次实抄后按实际用电多退少补")))
    if reading.true_up_kwh > 0:
        lines.append((_("冲减估抄电量"), _("%(k)s kWh（本期按实抄示数结算此前估抄电量）") % {"k": reading.true_up_kwh}))
    if reading.exchange is not None:
        e = reading.exchange
        lines.append(
            (
                _("换表电量"),
                _("%(k)s kWh（旧表 %(old)s：%(l)s → %(r)s，倍率 %(m)s；%(d)s 换表）")
                % {
                    "k": e.old_kwh,
                    "old": e.old_meter.meter_no,
                    "l": e.last_register,
                    "r": e.removal_register,
                    "m": e.old_multiplier,
                    "d": e.exchanged_on.isoformat(),
                },
            )
        )
    return ReadingNotes(estimated=reading.estimated, lines=lines)
