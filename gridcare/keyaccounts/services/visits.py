"""Visits (走访) of key accounts (KEY-2): planned for a day with a purpose, recorded with the
structured facts (``rules.facts``), or cancelled; the needs and follow-up tasks a visit leaves.

Recording a visit updates the account's profile: its outage impact grade (用电影响度) as found,
and the next visit due ``GRIDCARE_KEY_ACCOUNTS["VISIT_INTERVAL_DAYS"]`` days (by the account's
importance grade) after the planned day. The day before a planned visit its manager is reminded
once (``visit_reminders``, the worker's job ``key_account_visit_reminders``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from gridcare.core.events import Actor
from gridcare.core.exceptions import Conflict, Forbidden, InvalidInput
from gridcare.core.timezone import business_date, now
from gridcare.customers.models import Account
from gridcare.keyaccounts.access import portfolio_filter, staff_get
from gridcare.keyaccounts.events import KeyEventType, key_account_event
from gridcare.keyaccounts.models import (
    FollowUp,
    FollowUpStatus,
    ImpactGrade,
    NeedCategory,
    NeedStatus,
    Visit,
    VisitNeed,
    VisitSatisfaction,
    VisitStatus,
)
from gridcare.keyaccounts.rules import facts
from gridcare.keyaccounts.services.portfolio import acting_user, profile_of
from gridcare.notices.models import Channel
from gridcare.notices.services import notice_enqueue
from gridcare.org.access import Capability, Scope, require
from gridcare.org.models import Role, Staff

PURPOSE_MAX = 200
SUMMARY_MAX = 2000
PLAN_DAYS_AHEAD = 366
REMINDER_TEMPLATE = "key_account_visit_reminder"


def visit_interval_days(importance_grade: str) -> int:
    """Days from a visit to the next, by the account's importance grade (the setting)."""
    intervals = settings.GRIDCARE_KEY_ACCOUNTS["VISIT_INTERVAL_DAYS"]
    return int(intervals.get(importance_grade, intervals[""]))


def staff_recipient(staff: Staff) -> str:
    """Where a message to a member of staff goes: the staff app's push, by 工号 (staff have no
    phone in the archive)."""
    return f"staff:{staff.employee_no}"


def _require_visits(scope: Scope, account: Account) -> None:
    require(scope, Capability.KEY_VISIT)
    if not Account.objects.filter(portfolio_filter(scope), pk=account.pk).exists():
        raise Forbidden(_("该户不在您负责的客户范围内。"))


def _manager(scope: Scope, account: Account, employee_no: str, errors: dict[str, str]) -> Staff | None:
    """Who visits: a 大客户经理 themself; a supervisor picks one of the unit's (by default the
    account's own)."""
    if scope.role == Role.KEY_ACCOUNT_MANAGER and scope.staff is not None:
        return scope.staff
    code = (employee_no or "").strip() or (
        account.key_account_manager.employee_no if account.key_account_manager else ""
    )
    person = staff_get(scope=scope, employee_no=code, role=Role.KEY_ACCOUNT_MANAGER) if code else None
    if person is None:
        errors["manager"] = _("请选择走访的大客户经理。")
    return person


def visit_plan(
    *, scope: Scope, actor: Actor, account: Account, day: date | str, purpose: str, manager: str = ""
) -> Visit:
    """Put a visit of ``account`` on a day from today, with its purpose."""
    _require_visits(scope, account)
    errors: dict[str, str] = {}
    when = facts.date_of(day)
    today = business_date()
    if when is None or not today <= when <= today + timedelta(days=PLAN_DAYS_AHEAD):
        errors["day"] = _("走访日期应在今天至一年之内。")
    text, problem = facts.clean_text(purpose, limit=PURPOSE_MAX)
    if problem:
        errors["purpose"] = facts.text_message(_("走访目的"), problem, PURPOSE_MAX)
    person = _manager(scope, account, manager, errors)
    if errors:
        raise InvalidInput(_("走访计划有误，请按提示修改。"), errors=errors)
    assert when is not None and person is not None
    with transaction.atomic():
        visit = Visit.objects.create(
            account=account,
            manager=person,
            planned_for=when,
            purpose=text,
            created_by=acting_user(actor),
            created_at=now(),
        )
        key_account_event(
            KeyEventType.VISIT_PLANNED,
            actor=actor,
            account=account,
            visit=visit,
            manager=person.name,
            day=when.isoformat(),
            purpose=text,
        )
    return visit


@dataclass(frozen=True)
class VisitFacts:
    """What a visit found, as typed (lists of plain dicts; see ``rules.facts``)."""

    summary: str = ""
    load_composition: list[Any] = field(default_factory=list)
    critical_steps: list[Any] = field(default_factory=list)
    own_generation: list[Any] = field(default_factory=list)
    impact_grade: str = ""
    satisfaction: str = ""
    needs: list[Any] = field(default_factory=list)
    follow_ups: list[Any] = field(default_factory=list)


def _owners(scope: Scope, rows: list[dict[str, Any]], errors: dict[str, str]) -> list[Staff]:
    """The follow-ups' owners: active staff of the caller's unit (or company-wide posts)."""
    found: list[Staff] = []
    for n, row in enumerate(rows, start=1):
        person = Staff.objects.filter(unit_people(scope), employee_no=row["owner"]).first()
        if person is None:
            errors["follow_ups"] = _("跟进事项第%(n)d行：请选择本单位在岗的负责人。") % {"n": n}
            return []
        found.append(person)
    return found


def unit_people(scope: Scope) -> Q:
    """The active staff a follow-up may be given to: the caller's unit's and the company-wide posts."""
    people = Q(active=True) & (Q(company_id=scope.company_id) if scope.company_id else Q())
    if scope.everything or scope.unit_id is None:
        return people
    return people & (Q(unit_id=scope.unit_id) | Q(unit__isnull=True))


def _checked(scope: Scope, visit: Visit, data: VisitFacts) -> dict[str, Any]:
    errors: dict[str, str] = {}
    summary, problem = facts.clean_text(data.summary, limit=SUMMARY_MAX)
    if problem and problem != "missing":
        errors["summary"] = facts.text_message(_("走访记录"), problem, SUMMARY_MAX)
    clean: dict[str, Any] = {"summary": summary}
    for name, checked in (
        ("load_composition", facts.load_composition(data.load_composition)),
        ("critical_steps", facts.critical_steps(data.critical_steps)),
        ("own_generation", facts.own_generation(data.own_generation)),
        ("needs", facts.needs(data.needs, categories=NeedCategory.values)),
        ("follow_ups", facts.follow_ups(data.follow_ups, earliest=visit.planned_for)),
    ):
        clean[name] = checked.value
        errors.update(checked.errors)
    if data.impact_grade not in ImpactGrade.values:
        errors["impact_grade"] = _("请选择用电影响度。")
    if data.satisfaction not in VisitSatisfaction.values:
        errors["satisfaction"] = _("请选择客户满意度。")
    clean["owners"] = _owners(scope, clean["follow_ups"], errors) if "follow_ups" not in errors else []
    if errors:
        raise InvalidInput(_("走访记录有误，请按提示修改，未保存任何内容。"), errors=errors)
    return clean


def _claim(visit: Visit, to: str, **changes: Any) -> None:
    """Move a planned visit to ``to``, refusing it if it is no longer planned."""
    moved = Visit.objects.filter(pk=visit.pk, status=VisitStatus.PLANNED).update(status=to, **changes)
    if not moved:
        raise Conflict(_("这次走访已登记或已取消，不能再办理。"))
    visit.status = to
    for name, value in changes.items():
        setattr(visit, name, value)


def visit_record(*, scope: Scope, actor: Actor, visit: Visit, data: VisitFacts) -> Visit:
    """Record a planned visit with its facts, needs and follow-ups, and update the profile."""
    _require_visits(scope, visit.account)
    if visit.status != VisitStatus.PLANNED:
        raise Conflict(_("这次走访已登记或已取消，不能再办理。"))
    clean = _checked(scope, visit, data)
    moment = now()
    with transaction.atomic():
        _claim(
            visit,
            VisitStatus.DONE,
            visited_at=moment,
            summary=clean["summary"],
            load_composition=clean["load_composition"],
            critical_steps=clean["critical_steps"],
            own_generation=clean["own_generation"],
            impact_grade=data.impact_grade,
            satisfaction=data.satisfaction,
        )
        VisitNeed.objects.bulk_create(
            VisitNeed(visit=visit, account=visit.account, category=n["category"], text=n["text"])
            for n in clean["needs"]
        )
        FollowUp.objects.bulk_create(
            FollowUp(visit=visit, account=visit.account, text=f["text"], owner=owner, due_on=f["due_on"])
            for f, owner in zip(clean["follow_ups"], clean["owners"], strict=True)
        )
        next_visit = visit.planned_for + timedelta(days=visit_interval_days(visit.account.importance_grade))
        profile = profile_of(visit.account)
        profile.next_visit_on, profile.updated_at = next_visit, moment
        fields = ["next_visit_on", "updated_at"]
        if data.impact_grade:
            profile.impact_grade = data.impact_grade
            fields.append("impact_grade")
        profile.save(update_fields=fields)
        key_account_event(
            KeyEventType.VISIT_RECORDED,
            actor=actor,
            at=moment,
            account=visit.account,
            visit=visit,
            day=visit.planned_for.isoformat(),
            needs=len(clean["needs"]),
            follow_ups=len(clean["follow_ups"]),
            satisfaction=data.satisfaction,
            impact_grade=data.impact_grade,
            next_visit=next_visit.isoformat(),
        )
    return visit


def visit_cancel(*, scope: Scope, actor: Actor, visit: Visit, reason: str) -> Visit:
    """Call off a planned visit, with the reason."""
    _require_visits(scope, visit.account)
    text, problem = facts.clean_text(reason, limit=PURPOSE_MAX)
    if problem:
        message = facts.text_message(_("取消原因"), problem, PURPOSE_MAX)
        raise InvalidInput(message, errors={"reason": message})
    with transaction.atomic():
        _claim(visit, VisitStatus.CANCELLED)
        key_account_event(
            KeyEventType.VISIT_CANCELLED,
            actor=actor,
            account=visit.account,
            visit=visit,
            day=visit.planned_for.isoformat(),
            reason=text,
        )
    return visit


def need_set_status(*, scope: Scope, actor: Actor, need: VisitNeed, status: str, note: str = "") -> VisitNeed:
    """What became of a need: in progress, met or not possible."""
    _require_visits(scope, need.account)
    if status not in NeedStatus.values:
        raise InvalidInput(_("请选择需求的办理状态。"), errors={"status": _("请选择需求的办理状态。")})
    text, problem = facts.clean_text(note, limit=PURPOSE_MAX)
    if problem and problem != "missing":
        message = facts.text_message(_("说明"), problem, PURPOSE_MAX)
        raise InvalidInput(message, errors={"note": message})
    if need.status == status:
        raise Conflict(_("需求已是“%(status)s”。") % {"status": NeedStatus(status).label})
    with transaction.atomic():
        old = need.status
        if not VisitNeed.objects.filter(pk=need.pk, status=old).update(status=status):
            raise Conflict(_("需求的状态刚被他人改变，请刷新后重试。"))
        need.status = status
        key_account_event(
            KeyEventType.NEED_STATUS,
            actor=actor,
            account=need.account,
            visit=need.visit,
            category=need.category,
            text=need.text[:60],
            old=old,
            new=status,
            note=text,
        )
    return need


def follow_up_done(*, scope: Scope, actor: Actor, follow_up: FollowUp, note: str = "") -> FollowUp:
    """A follow-up task done (by its owner or anyone who may visit the account)."""
    _require_visits(scope, follow_up.account)
    text, problem = facts.clean_text(note, limit=300)
    if problem and problem != "missing":
        message = facts.text_message(_("备注"), problem, 300)
        raise InvalidInput(message, errors={"note": message})
    moment = now()
    with transaction.atomic():
        changed = FollowUp.objects.filter(pk=follow_up.pk, status=FollowUpStatus.OPEN).update(
            status=FollowUpStatus.DONE, done_at=moment, note=text
        )
        if not changed:
            raise Conflict(_("该跟进事项已完成或已取消。"))
        follow_up.status, follow_up.done_at, follow_up.note = FollowUpStatus.DONE, moment, text
        key_account_event(
            KeyEventType.FOLLOW_UP_DONE,
            actor=actor,
            at=moment,
            account=follow_up.account,
            visit=follow_up.visit,
            text=follow_up.text[:60],
            note=text,
        )
    return follow_up


def reminder_key(visit: Visit) -> str:
    return f"key_visit:{visit.pk}"


@transaction.atomic
def visit_reminders(*, today: date | None = None) -> int:
    """Remind each manager of tomorrow's planned visits, once per visit (the visit keeps its
    message; the dedupe key stops a second); returns the messages queued."""
    day = (today or business_date()) + timedelta(days=1)
    queued = 0
    visits = Visit.objects.filter(planned_for=day, status=VisitStatus.PLANNED, reminder_notice_id__isnull=True)
    for visit in visits.select_related("account__customer", "manager").order_by("id"):
        notice = notice_enqueue(
            template_code=REMINDER_TEMPLATE,
            variables={
                "day": f"{day.month}月{day.day}日",
                "customer": visit.account.customer.name,
                "account_no": visit.account.account_no,
                "purpose": visit.purpose or _("例行走访"),
            },
            recipient=staff_recipient(visit.manager),
            channel=Channel.PUSH,
            dedupe_key=reminder_key(visit),
        )
        if notice is not None:
            Visit.objects.filter(pk=visit.pk).update(reminder_notice_id=notice.pk)
            queued += 1
    return queued
