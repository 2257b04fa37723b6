"""Pure rules of the notice service: SMS segments, template checks, quiet hours, back-off,
outage notice periods, percentiles. No database here."""

from __future__ import annotations

import math
import string
import unicodedata
from collections.abc import Sequence
from datetime import datetime, time, timedelta

from django.utils.translation import gettext as _

from gridcare.core.timezone import SHANGHAI
from gridcare.notices.models import Category, OutageKind, OutageStatus

# One SMS carries 70 Chinese characters (UCS-2); a longer message is split into parts of 67, the
# other 3 carrying the part header. Operators bill per part.
SMS_SINGLE = 70
SMS_PART = 67

# Sent even in quiet hours: an outage, a queue call the customer is waiting for in the hall, or
# the sign-in code the customer has just asked for.
URGENT_CATEGORIES = frozenset({Category.OUTAGE, Category.QUEUE, Category.VERIFICATION})
# A customer may unsubscribe from reminders and marketing; never from outage notices, the
# confirmation of a payment, a work order they opened, or a peak-shifting order for their plant.
# A cut-off notice and its last warning (Category.DISCONNECTION) are required notices (the rules
# table: in writing 3-7 days before, again 30 minutes before), so an opted-out customer gets them.
OPT_OUT_CATEGORIES = frozenset({Category.BILL, Category.ARREARS, Category.BALANCE, Category.SERVICE})
# A required notice goes by the channel the customer chose for its kind of message (the portal's
# 消息设置 offers the opt-out categories only): the cut-off notice as chosen for 欠费提醒.
CHANNEL_CHOSEN_AS: dict[str, str] = {Category.DISCONNECTION: Category.ARREARS}

# Claim order: the customer standing in the hall first, then outages and peak-shifting orders,
# then answers to the customer's own actions, then reminders.
PRIORITY: dict[str, int] = {
    Category.QUEUE: 0,
    Category.VERIFICATION: 0,
    Category.OUTAGE: 1,
    Category.PEAK_SHIFT: 1,
    Category.DISCONNECTION: 1,
    Category.PAYMENT: 2,
    Category.WORK_ORDER: 2,
}


def priority_of(category: str) -> int:
    return PRIORITY.get(category, 3)


# The widest value each known variable takes, used to check a template's length when it is
# saved: a template that only fits with short values would overflow on real data.
VARIABLE_WIDTH: dict[str, int] = {
    "account_no": 10,
    "amount": 9,
    "balance": 8,
    "threshold": 6,
    "period": 8,
    "due_date": 11,
    "paid_at": 16,
    "days": 3,
    "hall": 10,
    "number": 4,
    "ahead": 3,
    "reason": 12,
    "area": 16,
    "start": 16,
    "end": 16,
    "eta": 16,
    "at": 16,
    "status": 8,
    "limit_kw": 6,
    "date": 11,
    "code": 6,
    "minutes": 2,
}
DEFAULT_WIDTH = 10


def sms_segments(text: str) -> int:
    """How many SMS parts ``text`` takes."""
    if len(text) <= SMS_SINGLE:
        return 1
    return math.ceil(len(text) / SMS_PART)


class TemplateProblem(ValueError):
    """A template text that cannot be rendered safely; ``args[0]`` says why (Chinese)."""


def template_fields(text: str) -> list[str]:
    """The variable names of ``text``; refuses anything but plain ``{name}`` fields (no
    positional ``{}``, attribute access, indexing, conversions or format specs), so rendering
    can never fail or leak an object's attributes."""
    names: list[str] = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise TemplateProblem(_("花括号不成对，变量应写作 {name}。")) from exc
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise TemplateProblem(_("变量 {%(name)s} 写法不正确，应写作 {name}。") % {"name": name})
        names.append(name)
    return names


def widest_length(text: str) -> int:
    """The length of ``text`` with every variable at its widest value."""
    length = len(text)
    for name in template_fields(text):
        length += VARIABLE_WIDTH.get(name, DEFAULT_WIDTH) - len(name) - 2
    return length


# -- quiet hours ------------------------------------------------------------------------------
def parse_quiet_hours(value: str) -> tuple[time, time] | None:
    """``"22:00-08:00"`` → (22:00, 08:00); empty → None (no quiet hours)."""
    if not value.strip():
        return None
    start, end = (time.fromisoformat(part.strip()) for part in value.split("-", 1))
    return start, end


def in_quiet_hours(moment: datetime, quiet: tuple[time, time] | None) -> bool:
    """Whether ``moment`` (aware) falls in the quiet hours, read in Shanghai time."""
    if quiet is None:
        return False
    local = moment.astimezone(SHANGHAI).time()
    start, end = quiet
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def quiet_hours_end(moment: datetime, quiet: tuple[time, time] | None) -> datetime | None:
    """When the quiet hours around ``moment`` end (aware, Shanghai); None outside them."""
    if quiet is None or not in_quiet_hours(moment, quiet):
        return None
    local = moment.astimezone(SHANGHAI)
    end = datetime.combine(local.date(), quiet[1], tzinfo=SHANGHAI)
    return end if end > local else end + timedelta(days=1)


# -- retries ------------------------------------------------------------------------------------
def backoff(attempt: int, *, base_seconds: int, cap_seconds: int = 3600) -> timedelta:
    """Wait before try ``attempt + 1`` after ``attempt`` failures: base, 2×, 4× … up to the cap."""
    return timedelta(seconds=min(cap_seconds, base_seconds * 2 ** max(0, attempt - 1)))


# -- outages ----------------------------------------------------------------------------------
def moment_within(value: datetime, *, now: datetime, days_back: int, days_ahead: int) -> datetime | None:
    """``value`` as an aware time (a time without zone is Shanghai's) when it lies between
    ``days_back`` days before ``now`` and ``days_ahead`` days after; None otherwise, including
    times no calendar arithmetic can reach (year 1, year 9999 west of Greenwich)."""
    aware = value if value.utcoffset() is not None else value.replace(tzinfo=SHANGHAI)
    try:
        offset = aware - now
    except OverflowError:
        return None
    return aware if -timedelta(days=days_back) <= offset <= timedelta(days=days_ahead) else None


def outage_notice_problem(
    *, kind: str, starts_at: datetime, ends_at: datetime, now: datetime, planned_days: int, temporary_hours: int
) -> dict[str, str]:
    """Why an outage may not be registered as given ({field: message}); empty when it may.

    供电营业规则: planned maintenance is announced 7 days ahead; temporary maintenance 24 hours
    ahead to important customers; an emergency or a fault is announced at once."""
    problems: dict[str, str] = {}
    if ends_at <= starts_at:
        problems["ends_at"] = _("恢复送电时间应晚于停电开始时间。")
    if kind == OutageKind.PLANNED and starts_at - now < timedelta(days=planned_days):
        problems["starts_at"] = _("计划停电须提前%(days)s天通知；不足%(days)s天请登记为临时检修或紧急停电。") % {
            "days": planned_days
        }
    elif kind == OutageKind.TEMPORARY and starts_at - now < timedelta(hours=temporary_hours):
        problems["starts_at"] = _("临时检修停电须提前%(hours)s小时通知重要客户。") % {"hours": temporary_hours}
    elif kind == OutageKind.EMERGENCY and ends_at <= now:
        problems["ends_at"] = _("紧急停电的恢复时间已过。")
    return problems


# -- figures ----------------------------------------------------------------------------------
def percentile(sorted_values: Sequence[float], fraction: float) -> float | None:
    """The ``fraction`` percentile (nearest rank) of already sorted values; None when empty."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


# -- an SMS reply that unsubscribes (NOTE-3) --------------------------------------------------
# What the house's messages end with ("回复TD退订"): a reply of either word opts the phone out.
UNSUBSCRIBE_WORDS = frozenset({"TD", "退订"})


def is_unsubscribe(text: str) -> bool:
    """Whether an inbound SMS asks to unsubscribe: TD or 退订 alone, in any case or width, with
    spaces and punctuation around it ("td", "ＴＤ", "退订。")."""
    plain = unicodedata.normalize("NFKC", text or "").strip()
    plain = plain.strip(string.punctuation + string.whitespace + "。！，、；：？…「」『』“”‘’").upper()
    return plain in UNSUBSCRIBE_WORDS


def outage_is_coming(*, status: str, starts_at: datetime, ends_at: datetime, now: datetime) -> bool:
    """Whether a customer is told of an outage as coming or under way (else it is past): not yet
    over and neither restored nor cancelled; a cancelled one whose start is still ahead too, so
    the customer sees that it will not happen."""
    if status == OutageStatus.CANCELLED:
        return starts_at > now
    return status in (OutageStatus.ANNOUNCED, OutageStatus.ONGOING) and ends_at > now
