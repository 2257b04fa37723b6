"""Home service (上门服务, WO-9): a customer who cannot come to a hall (elderly, disabled, ill) asks
for a clerk to come to them — in the portal, through a 95598 agent or at a hall. The account's
hall owns the request: its manager picks a day and a half-hour slot (the hall's appointment
slots and days, ``appointments.slots``) and one of the hall's visiting clerks; the clerk records
the visit done or failed, with notes; the customer (before the visit) or staff (with a reason)
may cancel it. One open request per account and purpose: asking twice gives the same request.

Every step is one transaction: the status through the one transition table
(``home_rules.HOME_TRANSITIONS``, claimed with a conditional UPDATE), its ``HomeVisitEvent``,
and the customer's message in the outbox (at scheduling and at the outcome)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridcare.core.events import actor_user
from gridcare.core.exceptions import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from gridcare.core.timezone import business_date, now
from gridcare.customers import rules as customer_rules
from gridcare.customers.access import account_get_for_scope
from gridcare.customers.models import Account
from gridcare.halls import home_selectors
from gridcare.halls.events import home_visit_event
from gridcare.halls.home_rules import HOME_PURPOSES, NOTE_MAX, HomeAction, home_next, text_problem, visit_started
from gridcare.halls.models import HomeVisit, HomeVisitChannel, HomeVisitEvent, HomeVisitReason, HomeVisitStatus, Kind
from gridcare.halls.rules import appointment_rules, clock_text
from gridcare.halls.services.appointments.slots import check_day, check_start, parse_day, parse_start
from gridcare.notices.services import notice_enqueue
from gridcare.org.access import Capability, Scope, can, require
from gridcare.org.models import Hall, Role, Staff

Actor = User | AnonymousUser | None


def _text(value: object, *, field: str, limit: int, required: bool, errors: dict[str, str]) -> str:
    text, problem = text_problem(value, limit=limit, required=required)
    if problem == "missing":
        errors[field] = _("请填写此项。")
    elif problem == "long":
        errors[field] = _("最多%(n)d字。") % {"n": limit}
    elif problem == "control":
        errors[field] = _("含有无效字符。")
    return text


# --- asking for a visit ----------------------------------------------------------------------------


@dataclass(frozen=True)
class HomeVisitAsk:
    """What is asked: the business (``purpose``, a hall ``Kind``), why the customer cannot come
    (``reason``), a note, and the phone to call before coming."""

    purpose: str
    reason: str
    note: str = ""
    phone: str = ""


def _checked_ask(ask: HomeVisitAsk) -> HomeVisitAsk:
    errors: dict[str, str] = {}
    if ask.purpose not in HOME_PURPOSES:
        errors["purpose"] = _("请选择要办理的业务。")
    if ask.reason not in HomeVisitReason.values:
        errors["reason"] = _("请选择不能到厅办理的原因。")
    note = _text(ask.note, field="note", limit=NOTE_MAX, required=ask.reason == HomeVisitReason.OTHER, errors=errors)
    phone = ""
    try:
        phone = customer_rules.normalise_phone(ask.phone if isinstance(ask.phone, str) else "")
    except InvalidInput as exc:
        errors["phone"] = str(exc.message)
    if errors:
        raise InvalidInput(_("上门服务申请有误，请按提示修改。"), errors=errors)
    return HomeVisitAsk(purpose=ask.purpose, reason=ask.reason, note=note, phone=phone)


def hall_of_account(account: Account) -> Hall:
    """The hall that serves the account: its own, else the first hall of its supply unit."""
    if account.hall_id is not None:
        return account.hall  # type: ignore[return-value]  # hall_id set, so the hall is there
    hall = Hall.objects.filter(unit_id=account.supply_unit_id).order_by("code").first()
    if hall is None:
        message = _("该户所属供电所没有营业厅，无法安排上门服务，请联系供电所。")
        raise InvalidInput(message, errors={"account_no": message})
    return hall


def _create(*, account: Account, ask: HomeVisitAsk, channel: str, actor: Actor, by: str) -> tuple[HomeVisit, bool]:
    """The request, or the account's open one for that purpose (a double click asks once)."""
    hall = hall_of_account(account)
    existing = home_selectors.open_home_visit(account_id=account.pk, purpose=ask.purpose)
    if existing is not None:
        return existing, False
    at = now()
    try:
        with transaction.atomic():
            visit = HomeVisit.objects.create(
                hall=hall,
                account=account,
                purpose=ask.purpose,
                reason=ask.reason,
                note=ask.note,
                address=account.address,
                phone=ask.phone,
                channel=channel,
                requested_by=actor_user(actor),
                created_at=at,
            )
            extra = {"by": by} if by else {}
            home_visit_event(
                home_visit=visit,
                type=HomeVisitEvent.Type.REQUESTED,
                actor=actor,
                at=at,
                channel=channel,
                purpose=ask.purpose,
                reason=ask.reason,
                note=ask.note,
                **extra,
            )
    except IntegrityError:
        existing = home_selectors.open_home_visit(account_id=account.pk, purpose=ask.purpose)
        if existing is None:
            raise
        return existing, False
    return visit, True


def home_visit_request(*, scope: Scope, actor: Actor, account_no: str, ask: HomeVisitAsk) -> tuple[HomeVisit, bool]:
    """A 95598 agent or a hall clerk asks for a visit for an account in their reach (同城通办);
    returns the request and whether it is new."""
    require(scope, Capability.HOME_VISIT_REQUEST)
    errors: dict[str, str] = {}
    account = None
    number = account_no.strip() if isinstance(account_no, str) else ""
    if not number or not (number.isascii() and number.isdigit() and len(number) <= 10):
        errors["account_no"] = _("请选择用电户。")
    else:
        try:
            account = account_get_for_scope(scope=scope, account_no=number)
        except NotFound as exc:
            errors["account_no"] = str(exc.message)
    try:
        ask = _checked_ask(ask)
    except InvalidInput as exc:
        errors |= {k: str(v) for k, v in exc.errors.items()}
    if errors or account is None:
        raise InvalidInput(_("上门服务申请有误，请按提示修改。"), errors=errors)
    channel = HomeVisitChannel.AGENT if scope.role == Role.AGENT_95598 else HomeVisitChannel.HALL
    return _create(account=account, ask=ask, channel=channel, actor=actor, by="")


def home_visit_request_by_customer(*, account: Account, ask: HomeVisitAsk) -> tuple[HomeVisit, bool]:
    """The customer asks in the portal for an account bound to them (the portal checked that)."""
    return _create(account=account, ask=_checked_ask(ask), channel=HomeVisitChannel.PORTAL, actor=None, by="customer")


# --- the steps -------------------------------------------------------------------------------------


def _refuse_illegal(visit: HomeVisit, action: HomeAction) -> str:
    to = home_next(visit.status, action)
    if to is None:
        raise Conflict(
            _("该上门服务当前为“%(status)s”，不能%(action)s。")
            % {"status": HomeVisitStatus(visit.status).label, "action": ACTION_WORDS[action]}
        )
    return to


ACTION_WORDS: dict[HomeAction, Any] = {
    HomeAction.SCHEDULE: gettext_lazy("安排上门"),
    HomeAction.REASSIGN: gettext_lazy("改派"),
    HomeAction.DONE: gettext_lazy("登记办结"),
    HomeAction.FAILED: gettext_lazy("登记未办成"),
    HomeAction.CANCEL: gettext_lazy("取消"),
}


def _claim(visit: HomeVisit, to: str, **changes: Any) -> None:
    """Move the visit on with a conditional UPDATE; 0 rows means someone was first."""
    updated = HomeVisit.objects.filter(pk=visit.pk, status=visit.status).update(status=to, **changes)
    if not updated:
        raise Conflict(_("该上门服务的状态刚被他人改变，请刷新后重试。"))
    visit.status = to
    for name, value in changes.items():
        setattr(visit, name, value)


def _tell(visit: HomeVisit, template: str, key: str, **variables: Any) -> None:
    notice_enqueue(
        template_code=template,
        variables={"business": Kind(visit.purpose).label, **variables},
        recipient=visit.phone,
        account_id=visit.account_id,
        dedupe_key=f"home_visit:{visit.pk}:{key}",
    )


@dataclass(frozen=True)
class _Slot:
    day: date
    start: time
    end: time
    clerk: Staff


def _checked_slot(visit: HomeVisit, day: str | date, start: str | time, clerk: str) -> _Slot:
    errors: dict[str, str] = {}
    found: dict[str, Any] = {}
    try:
        found["day"] = parse_day(day if isinstance(day, str | date) else "")
        check_day(found["day"], appointment_rules())
    except DomainError as exc:
        errors["date"] = str(exc.errors.get("date", exc.message))
    try:
        found["start"] = parse_start(start if isinstance(start, str | time) else "")
        found["end"] = check_start(visit.hall, found["start"])
    except DomainError as exc:
        errors["start"] = str(exc.message)
    code = clerk.strip() if isinstance(clerk, str) else ""
    staff = home_selectors.visiting_clerks(visit.hall).filter(employee_no=code).first() if code else None
    if staff is None:
        errors["clerk"] = _("请选择本营业厅的上门人员。")
    if errors:
        raise InvalidInput(_("上门安排有误，请按提示修改。"), errors=errors)
    assert staff is not None
    return _Slot(day=found["day"], start=found["start"], end=found["end"], clerk=staff)


def home_visit_schedule(
    *,
    scope: Scope,
    actor: Actor,
    visit: HomeVisit,
    day: str | date,
    start: str | time,
    clerk: str,
    reassign: bool = False,
) -> HomeVisit:
    """The hall manager sends one of the hall's clerks (``clerk``: an employee number) on a day
    and in a half-hour slot; ``reassign`` changes a scheduled one. The customer is told."""
    require(scope, Capability.HOME_VISIT_MANAGE)
    action = HomeAction.REASSIGN if reassign else HomeAction.SCHEDULE
    with transaction.atomic():
        visit = _locked(visit)
        to = _refuse_illegal(visit, action)
        slot = _checked_slot(visit, day, start, clerk)
        if home_selectors.clerk_busy(clerk=slot.clerk, day=slot.day, start=slot.start, other_than=visit.pk):
            raise Conflict(
                _("%(clerk)s 在 %(day)s %(start)s 已有上门安排，请换一个时段或人员。")
                % {"clerk": slot.clerk.name, "day": slot.day.isoformat(), "start": clock_text(slot.start)}
            )
        if action is HomeAction.REASSIGN and (visit.clerk_id, visit.day, visit.starts_at) == (
            slot.clerk.pk,
            slot.day,
            slot.start,
        ):
            raise Conflict(_("改派的人员和时段与原安排相同。"))
        _claim(visit, to, day=slot.day, starts_at=slot.start, ends_at=slot.end, clerk=slot.clerk)
        at = now()
        event = HomeVisitEvent.Type.REASSIGNED if reassign else HomeVisitEvent.Type.SCHEDULED
        words = {"day": slot.day.isoformat(), "start": clock_text(slot.start), "end": clock_text(slot.end)}
        home_visit_event(home_visit=visit, type=event, actor=actor, at=at, clerk=slot.clerk.name, **words)
        _tell(
            visit,
            "home_visit_scheduled",
            f"scheduled:{slot.day.isoformat()}:{clock_text(slot.start)}:{slot.clerk.pk}",
            day=f"{slot.day.month}月{slot.day.day}日",
            start=words["start"],
            end=words["end"],
            clerk=slot.clerk.name,
        )
    return visit


def may_record_outcome(scope: Scope, visit: HomeVisit) -> bool:
    """The assigned clerk, or the hall's manager (an administrator)."""
    if can(scope, Capability.HOME_VISIT_MANAGE):
        return True
    return scope.staff is not None and visit.clerk_id == scope.staff.pk


def home_visit_finish(*, scope: Scope, actor: Actor, visit: HomeVisit, done: bool, note: str = "") -> HomeVisit:
    """The visit's outcome: done, or failed (the note says why, required), with the customer told."""
    action = HomeAction.DONE if done else HomeAction.FAILED
    with transaction.atomic():
        visit = _locked(visit)
        if not may_record_outcome(scope, visit):
            raise Forbidden(_("只有上门人员或营业厅经理可以登记上门结果。"))
        to = _refuse_illegal(visit, action)
        errors: dict[str, str] = {}
        clean = _text(note, field="note", limit=NOTE_MAX, required=not done, errors=errors)
        if errors:
            raise InvalidInput(_("上门结果有误，请按提示修改。"), errors=errors)
        at = now()
        assert visit.day is not None
        if business_date(at) < visit.day:
            raise Conflict(_("上门日期是%(day)s，到当天才能登记结果。") % {"day": visit.day.isoformat()})
        _claim(visit, to, outcome_note=clean, closed_at=at)
        event = HomeVisitEvent.Type.DONE if done else HomeVisitEvent.Type.FAILED
        home_visit_event(home_visit=visit, type=event, actor=actor, at=at, note=clean)
        _tell(visit, "home_visit_done" if done else "home_visit_failed", "outcome", note=clean or _("无"))
    return visit


def home_visit_cancel(*, scope: Scope, actor: Actor, visit: HomeVisit, reason: str) -> HomeVisit:
    """Staff cancel a request or a scheduled visit, with a reason; the customer is told."""
    if not (can(scope, Capability.HOME_VISIT_REQUEST) or can(scope, Capability.HOME_VISIT_MANAGE)):
        require(scope, Capability.HOME_VISIT_REQUEST)
    with transaction.atomic():
        visit = _locked(visit)
        to = _refuse_illegal(visit, HomeAction.CANCEL)
        errors: dict[str, str] = {}
        clean = _text(reason, field="reason", limit=NOTE_MAX, required=True, errors=errors)
        if errors:
            raise InvalidInput(_("请填写取消原因。"), errors=errors)
        at = now()
        _claim(visit, to, closed_at=at, outcome_note=clean)
        home_visit_event(home_visit=visit, type=HomeVisitEvent.Type.CANCELLED, actor=actor, at=at, why=clean)
        _tell(visit, "home_visit_cancelled", "cancelled", reason=clean)
    return visit


def home_visit_cancel_by_customer(*, visit: HomeVisit) -> HomeVisit:
    """The customer withdraws their request before the visit begins (the portal found it theirs)."""
    with transaction.atomic():
        visit = _locked(visit)
        to = _refuse_illegal(visit, HomeAction.CANCEL)
        at = now()
        if visit_started(visit.day, visit.starts_at, at):
            raise Conflict(_("上门时间已到，不能在线取消，请联系营业厅。"))
        _claim(visit, to, closed_at=at)
        home_visit_event(home_visit=visit, type=HomeVisitEvent.Type.CANCELLED, actor=None, at=at, by="customer")
    return visit


def _locked(visit: HomeVisit) -> HomeVisit:
    """The visit read again under its row lock (inside the caller's transaction)."""
    found = (
        HomeVisit.objects.select_for_update(of=("self",))
        .select_related("hall", "account", "clerk")
        .filter(pk=visit.pk)
        .first()
    )
    if found is None:  # pragma: no cover - rows are never deleted
        raise NotFound(_("未找到该上门服务。"))
    return found
