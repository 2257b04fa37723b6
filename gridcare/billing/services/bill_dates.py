"""Periods ("2026-10") and the dates that follow from them."""

from __future__ import annotations

import re
from datetime import date

from django.utils.translation import gettext as _

from gridcare.billing.conf import billing_int
from gridcare.billing.exceptions import BillingError

PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def period_start(period: str) -> date:
    match = PERIOD.match(period or "")
    if not match:
        raise BillingError(_("账期格式应为 YYYY-MM。"), errors={"period": _("格式不正确。")})
    return date(int(match.group(1)), int(match.group(2)), 1)


def due_date_of(period: str) -> date:
    """A period's bills fall due on GRIDCARE_BILLING["DUE_DAY"] of the following month."""
    start = period_start(period)
    year, month = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
    return date(year, month, billing_int("DUE_DAY"))


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"
