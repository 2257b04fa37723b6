"""Pure work-order rules: the transition table and the deadline arithmetic (WO-3). No database."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from gridcare.core.calendar import Reckoned, add_working_days_at, add_working_time, working_time_between
from gridcare.core.exceptions import InvalidInput
from gridcare.workorders.models import Deadline, OrderType, Status

FAULT_ONLY = frozenset({Status.ARRIVED, Status.RESTORED})

# The one transition table: from each status, the statuses an order may move to. Fault orders go
# through arrival and restoration; the others are answered (replied) instead.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.RECEIVED: frozenset({Status.ACCEPTED, Status.DISPATCHED, Status.REPLIED}),
    Status.ACCEPTED: frozenset({Status.DISPATCHED, Status.REPLIED}),
    Status.DISPATCHED: frozenset({Status.ARRIVED, Status.REPLIED}),
    Status.ARRIVED: frozenset({Status.RESTORED}),
    Status.RESTORED: frozenset({Status.CLOSED}),
    Status.REPLIED: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset({Status.CALLED_BACK, Status.ACCEPTED}),
    Status.CALLED_BACK: frozenset({Status.ACCEPTED}),
    # A merged duplicate stays merged: its customer is served on the order it was merged into.
    Status.MERGED: frozenset(),
}
# Any open order may be merged into another (issue 18).
for _open in (Status.RECEIVED, Status.ACCEPTED, Status.DISPATCHED, Status.ARRIVED, Status.RESTORED, Status.REPLIED):
    TRANSITIONS[_open] = TRANSITIONS[_open] | {Status.MERGED}
del _open

# The statuses a fault order passes through on its way to restoration, in order.
FAULT_PATH: tuple[Status, ...] = (
    Status.RECEIVED,
    Status.ACCEPTED,
    Status.DISPATCHED,
    Status.ARRIVED,
    Status.RESTORED,
)


def setting(name: str) -> int:
    """A whole-number work-order setting (GRIDCARE_WORKORDERS)."""
    value: Any = settings.GRIDCARE_WORKORDERS[name]
    return int(value)


def can_transition(order_type: str, current: str, target: str) -> bool:
    if Status(target) not in TRANSITIONS.get(Status(current), frozenset()):
        return False
    is_fault = order_type == OrderType.FAULT
    if Status(target) in FAULT_ONLY and not is_fault:
        return False
    return not (is_fault and target == Status.REPLIED)


@dataclass(frozen=True)
class DeadlineRules:
    """The regulatory numbers that set deadlines (GRIDCARE_RULES and GRIDCARE_WORKORDERS)."""

    arrival_minutes: dict[str, int]
    restoration_minutes: dict[str, int]
    complaint_contact_hours: int
    reply_working_days: dict[str, int]
    warning_lead_percent: int

    @classmethod
    def from_settings(cls) -> DeadlineRules:
        rules: dict[str, Any] = settings.GRIDCARE_RULES
        wo: dict[str, Any] = settings.GRIDCARE_WORKORDERS
        reply = dict(wo["REPLY_WORKING_DAYS"])
        reply[OrderType.COMPLAINT] = rules["COMPLAINT_REPLY_WORKING_DAYS"]
        reply[OrderType.REPORT] = rules["REPORT_REPLY_WORKING_DAYS"]
        return cls(
            arrival_minutes=dict(rules["REPAIR_ARRIVAL_MINUTES"]),
            restoration_minutes=dict(rules["RESTORATION_MINUTES"]),
            complaint_contact_hours=rules["COMPLAINT_CONTACT_HOURS"],
            reply_working_days=reply,
            warning_lead_percent=wo["WARNING_LEAD_PERCENT"],
        )


@dataclass(frozen=True)
class PlannedDeadline:
    kind: Deadline.Kind
    due_at: datetime
    warn_at: datetime
    # A working-day deadline: reckoned from ``start_at`` over ``working_days``, and the years
    # without a holiday notice it was reckoned over (then it is provisional).
    start_at: datetime | None = None
    working_days: int | None = None
    unknown_years: frozenset[int] = field(default_factory=frozenset)

    @property
    def provisional(self) -> bool:
        return bool(self.unknown_years)


def warn_time(start: datetime, due: datetime, lead_percent: int) -> datetime:
    """When a warning goes out: with ``lead_percent`` of the time from start to due left."""
    return due - (due - start) * lead_percent / 100


def _planned(kind: Deadline.Kind, start: datetime, due: datetime, rules: DeadlineRules) -> PlannedDeadline:
    return PlannedDeadline(kind, due, warn_time(start, due, rules.warning_lead_percent))


def restoration_due(arrived_at: datetime, area_type: str, rules: DeadlineRules) -> datetime:
    return arrived_at + timedelta(minutes=rules.restoration_minutes[area_type])


def plan_deadlines(
    order_type: str, area_type: str, received_at: datetime, rules: DeadlineRules
) -> list[PlannedDeadline]:
    """The deadlines an order gets at intake.

    Fault: arrival within 45/90/120 minutes (urban/rural/remote) and restoration within 3/4 hours
    of arrival, planned at intake from the arrival deadline and moved when the crew arrives.
    Complaint: contact within 24 hours, reply within 5 working days. Other types: a reply within
    their working days (Shanghai clock time on the n-th working day after the intake date).
    """
    if order_type == OrderType.FAULT:
        arrival = received_at + timedelta(minutes=rules.arrival_minutes[area_type])
        return [
            _planned(Deadline.Kind.ARRIVAL, received_at, arrival, rules),
            _planned(Deadline.Kind.RESTORATION, received_at, restoration_due(arrival, area_type, rules), rules),
        ]
    planned: list[PlannedDeadline] = []
    if order_type == OrderType.COMPLAINT:
        contact = received_at + timedelta(hours=rules.complaint_contact_hours)
        planned.append(_planned(Deadline.Kind.CONTACT, received_at, contact, rules))
    days = rules.reply_working_days.get(order_type, 0)
    if days > 0:
        planned.append(reply_in_working_days(received_at, days, (), rules))
    return planned


def reply_in_working_days(
    start: datetime, days: int, pauses: Sequence[tuple[datetime, datetime]], rules: DeadlineRules
) -> PlannedDeadline:
    """A reply due ``days`` working days after ``start``, moved on by the working time of each
    finished pause (paused, resumed) since: how it was reckoned at intake and at each resume, so
    replaying it on a changed calendar gives exactly what the new calendar would have given."""
    due = add_working_days_at(start, days)
    unknown = set(due.unknown_years)
    due_at, warn_at = due.value, warn_time(start, due.value, rules.warning_lead_percent)
    for paused_at, resumed_at in pauses:
        moved_due = resumed(due_at, paused_at, resumed_at, working_days=True)
        moved_warn = resumed(warn_at, paused_at, resumed_at, working_days=True)
        unknown |= moved_due.unknown_years | moved_warn.unknown_years
        due_at, warn_at = moved_due.value, moved_warn.value
    return PlannedDeadline(Deadline.Kind.REPLY, due_at, warn_at, start, days, frozenset(unknown))


def reply_deadline(order_type: str, start: datetime, rules: DeadlineRules) -> PlannedDeadline | None:
    """A fresh reply deadline for a reopened order (none for faults and praise)."""
    days = rules.reply_working_days.get(order_type, 0)
    if order_type == OrderType.FAULT or days <= 0:
        return None
    return reply_in_working_days(start, days, (), rules)


def resumed(
    moment: datetime, paused_at: datetime, resumed_at: datetime, *, working_days: bool = False
) -> Reckoned[datetime]:
    """A deadline after a pause: the time spent waiting for the customer does not count.

    Hour and minute commitments (contact, arrival, restoration) move by the clock time waited.
    A reply due in working days moves by the working-day time waited, counted and added on the
    holiday calendar, so a pause over a weekend costs nothing and the new due never lands on a
    rest day. The result says which years without a holiday notice it was reckoned over."""
    if not working_days:
        return Reckoned(moment + (resumed_at - paused_at))
    waited = working_time_between(paused_at, resumed_at)
    moved = add_working_time(moment, waited.value)
    return Reckoned(moved.value, waited.unknown_years | moved.unknown_years)


# Which transition keeps which commitment.
MEETS: dict[Status, tuple[Deadline.Kind, ...]] = {
    Status.ARRIVED: (Deadline.Kind.ARRIVAL,),
    Status.RESTORED: (Deadline.Kind.ARRIVAL, Deadline.Kind.RESTORATION),
    Status.REPLIED: (Deadline.Kind.CONTACT, Deadline.Kind.REPLY),
}


def requested_capacity(raw: object, *, maximum: Decimal, places: int) -> Decimal:
    """A new connection's requested capacity in kVA: from 0 (not stated yet, the API's default)
    to ``maximum``, with at most ``places`` decimals (the column's). Anything else — "1e300",
    NaN, text, a negative, 0.25 — raises ``InvalidInput`` with the ``capacity_kva`` message."""
    if isinstance(raw, bool):
        raw = "NaN"  # JSON true is not a number of kVA
    text = str("0" if raw is None else raw).strip() or "0"
    try:
        value = Decimal(text)
    except ArithmeticError:
        value = Decimal("NaN")
    message = None
    if not value.is_finite():
        message = _("申请容量应为数字（kVA），例如 8 或 315.5。")
    elif value < 0:
        message = _("申请容量不能为负数。")
    elif value > maximum:
        message = _("申请容量不能超过%(max)s kVA。") % {"max": maximum}
    elif value != value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN):
        message = _("申请容量最多保留%(n)d位小数。") % {"n": places}
    if message is not None:
        raise InvalidInput(_("报装信息有误。"), errors={"capacity_kva": message})
    return value.quantize(Decimal(1).scaleb(-places))


# -- complaint figures (ASSESS-6, the work-order figures) -------------------------------------------


def per_10k(count: int, customers: int) -> float | None:
    """``count`` per 10,000 customers (None without customers to divide by)."""
    return count * 10_000 / customers if customers else None


@dataclass(frozen=True)
class Filed:
    """One complaint as the repeat rule reads it: who filed it (account, else phone) and when
    (its Shanghai date, and its exact time and id to order complaints of the same day)."""

    pk: int
    account_id: int | None
    phone: str
    received_at: datetime
    day: date


def _same_customer(a: Filed, b: Filed) -> bool:
    """The same account; where either names no account, the same (non-empty) phone."""
    if a.account_id is not None and b.account_id is not None:
        return a.account_id == b.account_id
    return bool(a.phone) and a.phone == b.phone


def repeats(filed: Iterable[Filed], *, of: Collection[int], days: int) -> set[int]:
    """The complaints among ``of`` (ids) filed again by a customer who had complained before on
    the same day or one of the ``days`` days before it, counted in Shanghai calendar days and
    inclusive: with 30, a complaint 30 days after the first repeats it, one 31 days after does
    not. ``filed`` holds them and every earlier complaint they may repeat (any place)."""
    by_account: dict[int, list[Filed]] = {}
    by_phone: dict[str, list[Filed]] = {}
    every = sorted(filed, key=lambda f: (f.received_at, f.pk))
    found: set[int] = set()
    for f in every:
        if f.pk in of:
            earlier = by_account.get(f.account_id, []) if f.account_id is not None else []
            earlier = earlier + by_phone.get(f.phone, []) if f.phone else earlier
            first_day = f.day - timedelta(days=days)
            if any(e.day >= first_day and _same_customer(e, f) for e in earlier):
                found.add(f.pk)
        if f.account_id is not None:
            by_account.setdefault(f.account_id, []).append(f)
        if f.phone:
            by_phone.setdefault(f.phone, []).append(f)
    return found


# -- attachments (issue 18): what a file is, read from its first bytes, never from its name ---------

# kind → (content type, the names a file of that kind may carry)
ATTACHMENT_KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "jpg": ("image/jpeg", (".jpg", ".jpeg")),
    "png": ("image/png", (".png",)),
    "pdf": ("application/pdf", (".pdf",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
}
# The part of an Office Open XML package that says what it is.
_OOXML_MAIN = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


def sniff(content: bytes) -> str | None:
    """The kind of a file (jpg, png, pdf, docx, xlsx) from its content, or None: a renamed HTML
    page or program, or anything else, is none of them whatever its name says."""
    import zipfile
    from io import BytesIO

    if content.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(content)) as package:
                names = set(package.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        return next((kind for kind, main in _OOXML_MAIN.items() if main in names), None)
    return None


def size_words(size: int) -> str:
    """10 MB, 512 KB: a size limit as a person reads it."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.3g} MB"
    return f"{size / 1024:.3g} KB"


def attachment_problem(*, name: str, content: bytes, max_bytes: int, allowed: Collection[str]) -> tuple[str, str]:
    """(kind, "") for an acceptable file, or ("", the Chinese reason it is refused)."""
    if not content:
        return "", _("文件为空。")
    if len(content) > max_bytes:
        return "", _("文件超过 %(limit)s 的上限。") % {"limit": size_words(max_bytes)}
    kind = sniff(content)
    names = ", ".join(sorted(allowed))
    if kind is None or kind not in allowed:
        return "", _("只能上传以下类型的文件：%(kinds)s（按文件内容识别）。") % {"kinds": names}
    if not name.lower().endswith(ATTACHMENT_KINDS[kind][1]):
        return "", _("文件名与文件内容不符（内容为 %(kind)s）。") % {"kind": kind}
    return kind, ""
