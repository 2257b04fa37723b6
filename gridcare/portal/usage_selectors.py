"""What the customer reads of their own accounts beyond the bill list (SELF-2, SELF-3): a bill in
depth, usage by month and by day, this month's forecast, the outages of their accounts, their
message settings and the public notices of their area. Every read goes through the owner app's
selectors and rules (billing, notices, customers) for an account already checked to be bound
(``portal.selectors.bound_account``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from gridcare.billing import selectors as billing
from gridcare.billing.models import Bill, TariffKind
from gridcare.billing.rules.bill_penalty import bill_penalty
from gridcare.billing.rules.compute import Usage, energy_charge
from gridcare.billing.rules.forecast import Forecast, months_before, period_of, usage_forecast
from gridcare.billing.rules.tier_usage import TierUsage, tier_usage
from gridcare.core.exceptions import NotFound
from gridcare.core.money import ZERO, yuan
from gridcare.customers.models import Account
from gridcare.customers.rules import Preferences
from gridcare.customers.selectors import contact_preferences
from gridcare.notices import selectors as notices
from gridcare.notices.models import Category, Publication
from gridcare.notices.rules import OPT_OUT_CATEGORIES
from gridcare.portal.models import Binding, PortalUser
from gridcare.portal.selectors import bindings

PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
MONTHS_DEFAULT, MONTHS_MAX = 36, 60
DAYS_DEFAULT, DAYS_MAX = 30, 92


def clean_period(raw: object) -> str | None:
    text = str(raw)
    return text if PERIOD.match(text) else None


# -- a bill in depth ------------------------------------------------------------------------------
@dataclass(frozen=True)
class BillDetail:
    bill: Bill
    tiers: TierUsage | None  # None: the tariff has no tiers
    penalty_to_date: Decimal
    owed: Decimal  # what is still to pay today: the unpaid electricity and the penalty to date
    settlements: list[billing.BillSettlement]


def bill_detail(account: Account, period: object, *, today: date, segment: object = None) -> BillDetail:
    """The bill of ``period`` of a bound account (``segment``: which of a period a transfer or a
    closure split, ``?segment=``); a malformed period or none billed is the same 404."""
    clean = clean_period(period)
    wanted = billing.segment_param(segment)
    bill = billing.account_bill(account=account, period=clean, segment=wanted) if clean else None
    if bill is None:
        raise NotFound(_("没有找到这期账单。"))
    penalty = bill_penalty(bill, today)
    return BillDetail(
        bill=bill,
        tiers=tier_usage(bill.tariff, kwh=bill.kwh, prior_kwh=bill.prior_kwh),
        penalty_to_date=penalty,
        owed=bill.amount - bill.paid + penalty,
        settlements=billing.bill_settlements(bill),
    )


# -- usage by month and by day --------------------------------------------------------------------
def months_param(raw: object) -> int:
    """?months= held between 1 and 60 (36 by default; anything unreadable is the default)."""
    try:
        value = int(str(raw))
    except ValueError:
        return MONTHS_DEFAULT
    return min(MONTHS_MAX, max(1, value))


def days_param(raw: object) -> int:
    try:
        value = int(str(raw))
    except ValueError:
        return DAYS_DEFAULT
    return min(DAYS_MAX, max(1, value))


def usage_months(account: Account, *, months: int, today: date) -> list[billing.MonthUsage]:
    """The billed usage of the last ``months`` months (this one included), oldest first."""
    since = months_before(period_of(today.year, today.month), months - 1)[-1] if months > 1 else f"{today:%Y-%m}"
    return billing.monthly_usage(account=account, since=since)


@dataclass(frozen=True)
class DailyUsage:
    available: bool  # the account has interval (load-curve) data at all
    days: list[tuple[date, Decimal]] = field(default_factory=list)


def usage_daily(account: Account, *, days: int, today: date) -> DailyUsage:
    """The metered kWh of each of the last ``days`` days up to today, from interval readings;
    an account without them has no daily usage (``available`` False), never made-up numbers."""
    if not billing.has_interval_data(account=account):
        return DailyUsage(available=False)
    found = billing.daily_usage(account=account, start=today - timedelta(days=days - 1), end=today)
    return DailyUsage(available=True, days=sorted(found.items()))


@dataclass(frozen=True)
class ForecastView:
    forecast: Forecast
    period: str
    amount: Decimal | None  # the energy charge it would come to (tiered/flat/TOU tariffs), or None


def forecast_of(account: Account, *, today: date) -> ForecastView | None:
    """This month's usage forecast (billing.rules.forecast) from the last 15 months' bills and this
    month's metered days, with the energy charge it would come to at the latest bill's tariff."""
    period = period_of(today.year, today.month)
    monthly = {m.period: m.kwh for m in usage_months(account, months=15, today=today) if m.period != period}
    daily = billing.daily_usage(account=account, start=today.replace(day=1), end=today) if today.day > 1 else {}
    found = usage_forecast(today=today, monthly=monthly, daily=daily)
    if found is None:
        return None
    return ForecastView(forecast=found, period=period, amount=_estimate(account, period, found.kwh))


def _estimate(account: Account, period: str, kwh: Decimal) -> Decimal | None:
    last = billing.bill_history(account=account).exclude(period=period).first()
    if last is None or last.tariff.kind == TariffKind.TWO_PART:
        return None  # a two-part bill's basic charge and power factor are not the customer's to guess
    # Peak and valley in the latest bill's shares (a time-of-use tariff prices them apart).
    peak = yuan(kwh * last.kwh_peak / last.kwh) if last.kwh else ZERO
    valley = yuan(kwh * last.kwh_valley / last.kwh) if last.kwh else ZERO
    usage = Usage(kwh=kwh, peak=peak, valley=valley, flat=kwh - peak - valley)
    return energy_charge(last.tariff, usage, billing.year_billed_kwh(account=account, period=period))


# -- outages of my accounts -----------------------------------------------------------------------
@dataclass(frozen=True)
class MyOutage:
    id: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    reason: str
    starts_at: datetime
    ends_at: datetime
    restored_at: datetime | None
    coming: bool
    account_nos: list[str]


def my_outages(user: PortalUser, *, days: int = 365, bound: Sequence[Binding] | None = None) -> list[MyOutage]:
    """The planned and fault outages that cut off any of the customer's bound accounts: coming
    (and under way) first, soonest first, then the past year's, latest first. ``bound``: the
    customer's bindings when the caller has read them already (the home page)."""
    numbers = {b.account_id: b.account.account_no for b in (bindings(user) if bound is None else bound)}
    found = notices.outages_of_accounts(account_ids=sorted(numbers), days=days)
    return [
        MyOutage(
            id=f.outage.pk,
            kind=f.outage.kind,
            kind_label=str(f.outage.get_kind_display()),
            status=f.outage.status,
            status_label=str(f.outage.get_status_display()),
            reason=f.outage.reason,
            starts_at=f.outage.starts_at,
            ends_at=f.outage.ends_at,
            restored_at=f.outage.restored_at,
            coming=f.coming,
            account_nos=[numbers[a] for a in f.account_ids],
        )
        for f in found
    ]


# -- message settings -----------------------------------------------------------------------------
# The kinds a customer may choose a channel for and opt out of, in the order the page lists them.
CHOOSABLE = [c for c in Category if c in OPT_OUT_CATEGORIES]


@dataclass(frozen=True)
class AccountPreferences:
    account_no: str
    phone: str  # masked; "" when the account has no contact phone (nothing can be set)
    settings: Preferences | None


def my_preferences(user: PortalUser) -> list[AccountPreferences]:
    rows = []
    for b in bindings(user):
        found = contact_preferences(account=b.account)
        rows.append(
            AccountPreferences(
                account_no=b.account.account_no,
                phone=found[0] if found else "",
                settings=found[1] if found else None,
            )
        )
    return rows


# -- public notices of my area --------------------------------------------------------------------
def _area(user: PortalUser, bound: Sequence[Binding] | None = None) -> tuple[set[int], set[int]]:
    accounts = [b.account for b in (bindings(user) if bound is None else bound)]
    return {a.supply_unit.company_id for a in accounts}, {a.supply_unit_id for a in accounts}


def my_publications(user: PortalUser, *, limit: int = 100, bound: Sequence[Binding] | None = None) -> list[Publication]:
    """The public notices for the customer's area (every customer's, their accounts' companies'
    and supply units'), latest first, at most ``limit``; a customer without a bound account sees
    those for all."""
    companies, units = _area(user, bound)
    return list(notices.publications_live(company_ids=companies, unit_ids=units)[:limit])


def my_publication(user: PortalUser, publication_id: object) -> Publication:
    """One of them; any other (another area's, a draft, a withdrawn one) is the same 404."""
    number = str(publication_id)
    companies, units = _area(user)
    found = None
    if number.isascii() and number.isdigit() and len(number) <= 12:
        found = notices.publications_live(company_ids=companies, unit_ids=units).filter(pk=int(number)).first()
    if found is None:
        raise NotFound(_("没有找到这条公告。"))
    return found
