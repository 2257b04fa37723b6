"""Planned and fault outages (NOTE-2) and their records for reliability figures (PLAN-4).

Registering an outage writes, in one transaction, the outage, one row per affected account and
one outbox message per phone behind its feeders/台区. The accounts and phones are read from the
customers selectors in id order and written in bulk (COPY on PostgreSQL) through the outbox
writer; the text is rendered once per 台区 (it names the 台区) into a shared ``NoticeText`` that
the messages point at, which keeps a million rows narrow. Cancelling an
announced outage withdraws its queued notices and tells the phones already told.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from gridcare.core import timezone as tz
from gridcare.core.bulk import insert_rows
from gridcare.core.events import Actor, actor_user
from gridcare.customers.models import Feeder, TransformerArea
from gridcare.customers.selectors import (
    FAN_OUT_CHUNK,
    account_count_in_areas,
    account_ids_in_areas,
    account_phones,
    account_reached,
    area_ids_of_accounts,
)
from gridcare.notices import rules
from gridcare.notices.access import grid_filter
from gridcare.notices.conf import notice_setting
from gridcare.notices.events import outage_event
from gridcare.notices.exceptions import InvalidTransition, NoticeError
from gridcare.notices.models import (
    OUTAGE_TRANSITIONS,
    Notice,
    NoticeStatus,
    NoticeText,
    Outage,
    OutageAccount,
    OutageEvent,
    OutageKind,
    OutageStatus,
)
from gridcare.notices.services.outbox import NewNotice, notice_enqueue, notice_texts_create, notices_enqueue
from gridcare.org.access import Capability, Scope, require


@dataclass(frozen=True)
class NewOutage:
    kind: str
    reason: str
    starts_at: datetime
    ends_at: datetime
    feeders: Sequence[str] = field(default_factory=list)
    areas: Sequence[str] = field(default_factory=list)


def _when(moment: datetime) -> str:
    local = moment.astimezone(tz.SHANGHAI)
    return f"{local.month}月{local.day}日{local:%H:%M}"


def _grid(scope: Scope, data: NewOutage) -> tuple[list[Feeder], list[TransformerArea], dict[str, str]]:
    feeders = list(Feeder.objects.filter(grid_filter(scope), code__in=list(data.feeders)).select_related("unit"))
    areas = list(
        TransformerArea.objects.filter(grid_filter(scope, "feeder__unit"), code__in=list(data.areas)).select_related(
            "feeder__unit"
        )
    )
    problems: dict[str, str] = {}
    unknown = sorted(set(data.feeders) - {f.code for f in feeders})
    if unknown:
        problems["feeders"] = _("线路不存在或不在您的管辖范围：%(codes)s。") % {"codes": "、".join(unknown)}
    unknown = sorted(set(data.areas) - {a.code for a in areas})
    if unknown:
        problems["areas"] = _("台区不存在或不在您的管辖范围：%(codes)s。") % {"codes": "、".join(unknown)}
    if not data.feeders and not data.areas:
        problems["areas"] = _("请选择停电的线路或台区。")
    return feeders, areas, problems


def _plausible_times(data: NewOutage, moment: datetime) -> tuple[NewOutage, dict[str, str]]:
    """``data`` with aware times (a time without zone is Shanghai's), and the problems of times
    outside the configured window or of an outage longer than the configured hours."""
    back, ahead = int(notice_setting("OUTAGE_DAYS_BACK")), int(notice_setting("OUTAGE_DAYS_AHEAD"))
    starts = rules.moment_within(data.starts_at, now=moment, days_back=back, days_ahead=ahead)
    ends = rules.moment_within(data.ends_at, now=moment, days_back=back, days_ahead=ahead + 1)
    window = _("应在%(back)d天前至%(ahead)d天后之间。") % {"back": back, "ahead": ahead}
    problems = {name: window for name, value in (("starts_at", starts), ("ends_at", ends)) if value is None}
    if starts is None or ends is None:
        return data, problems
    hours = int(notice_setting("OUTAGE_MAX_HOURS"))
    if ends - starts > timedelta(hours=hours):
        problems["ends_at"] = _("一次停电不能超过%(hours)d小时。") % {"hours": hours}
    return replace(data, starts_at=starts, ends_at=ends), problems


def _checked(scope: Scope, data: NewOutage, moment: datetime) -> tuple[NewOutage, list[Feeder], list[TransformerArea]]:
    """``data`` checked as registering it checks it (NoticeError with a sentence per field)."""
    require(scope, Capability.OUTAGE_EDIT, message=_("只有规划员和系统管理员可以登记停电。"))
    data, times = _plausible_times(data, moment)
    feeders, areas, problems = _grid(scope, data)
    if not data.reason.strip():
        problems["reason"] = _("请填写停电原因。")
    if data.kind not in OutageKind.values:
        problems["kind"] = _("停电类型不正确。")
    rules_conf: dict[str, Any] = settings.GRIDCARE_RULES
    problems.update(
        times
        or rules.outage_notice_problem(
            kind=data.kind,
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            now=moment,
            planned_days=int(rules_conf["PLANNED_OUTAGE_NOTICE_DAYS"]),
            temporary_hours=int(rules_conf["TEMPORARY_MAINTENANCE_NOTICE_HOURS"]),
        )
    )
    if data.kind == OutageKind.FAULT and not problems:
        already = ongoing_fault_outage(area_ids=[a.pk for a in areas], feeder_ids=[f.pk for f in feeders])
        if already is not None:
            # One fault, one record: the 95598 side may have confirmed it from customers' reports.
            problems["areas"] = _("这些台区已有处理中的故障停电（%(start)s起），不能重复登记。") % {
                "start": _when(already.starts_at)
            }
    if problems:
        raise NoticeError(_("停电未登记。"), errors=problems)
    return data, feeders, areas


@dataclass(frozen=True)
class OutagePreview:
    """What registering an outage would do, before anything is written."""

    accounts: int  # accounts (not closed) behind its feeders and 台区: each phone gets one message
    areas: int


def outage_preview(*, scope: Scope, data: NewOutage, now: datetime | None = None) -> OutagePreview:
    """The same checks as ``outage_register`` and the count of accounts it would notify; nothing
    written (the page asks "将向 N 户发送停电通知" before registering)."""
    data, feeders, areas = _checked(scope, data, now or tz.now())
    area_ids = {a.pk for a in areas} | set(
        TransformerArea.objects.filter(feeder__in=feeders).values_list("id", flat=True)
    )
    return OutagePreview(accounts=account_count_in_areas(area_ids=sorted(area_ids)), areas=len(area_ids))


def outage_register(
    *, scope: Scope, actor: User | AnonymousUser, data: NewOutage, now: datetime | None = None
) -> Outage:
    """Register an outage and notify every customer behind its feeders/台区."""
    moment = now or tz.now()
    data, feeders, areas = _checked(scope, data, moment)
    company_id = (feeders[0].unit if feeders else areas[0].feeder.unit).company_id
    with transaction.atomic():
        return _create(
            company_id=company_id,
            data=data,
            feeders=feeders,
            areas=areas,
            actor=actor_user(actor),
            moment=moment,
        )


def _create(
    *,
    company_id: int,
    data: NewOutage,
    feeders: Sequence[Feeder],
    areas: Sequence[TransformerArea],
    actor: User | None,
    moment: datetime,
    source: str = "",
) -> Outage:
    """The outage, its affected accounts, one message per phone and the event (in the caller's transaction)."""
    outage = Outage.objects.create(
        company_id=company_id,
        kind=data.kind,
        status=OutageStatus.ONGOING if data.kind == OutageKind.FAULT else OutageStatus.ANNOUNCED,
        reason=data.reason.strip(),
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        created_by=actor,
    )
    outage.feeders.set(feeders)
    outage.areas.set(areas)
    affected, queued = _record_and_notify(outage, moment)
    outage.affected_accounts, outage.notices_queued = affected, queued
    outage.save(update_fields=["affected_accounts", "notices_queued"])
    parameters: dict[str, Any] = {"affected_accounts": affected, "notices": queued}
    if source:
        parameters["source"] = source
    outage_event(outage=outage, type=OutageEvent.Type.REGISTERED, actor=actor, **parameters)
    return outage


def ongoing_fault_outage(
    *, area_ids: Sequence[int] = (), feeder_ids: Sequence[int] = (), started_by: datetime | None = None
) -> Outage | None:
    """The fault outage still on (not restored) that cuts off any of these 台区 or any 台区 of
    these feeders, directly or through its feeder, and had begun by ``started_by`` if given; the
    earliest if there are several."""
    covered = set(area_ids) | set(
        TransformerArea.objects.filter(feeder_id__in=list(feeder_ids)).values_list("id", flat=True)
    )
    if not covered:
        return None
    feeders_of = TransformerArea.objects.filter(pk__in=sorted(covered)).values("feeder_id")
    ongoing = Outage.objects.filter(kind=OutageKind.FAULT, status=OutageStatus.ONGOING)
    if started_by is not None:
        ongoing = ongoing.filter(starts_at__lte=started_by)
    return (
        ongoing.filter(Q(areas__in=sorted(covered)) | Q(feeders__in=feeders_of))
        .order_by("starts_at", "id")
        .distinct()
        .first()
    )


def fault_outage_open_or_join(
    *,
    company_id: int,
    area_ids: Sequence[int] = (),
    feeder_ids: Sequence[int] = (),
    reason: str,
    starts_at: datetime,
    ends_at: datetime,
    actor: User | AnonymousUser | None,
    now: datetime | None = None,
) -> tuple[Outage, bool]:
    """The fault outage of these 台区 (or feeders): the one already on, or a new record, with its
    affected accounts and one fault notice per phone, as a registration would. (outage, created).

    For the 95598 side when customers' fault reports are confirmed as one outage (WO-4): the
    caller decides who may confirm. Call inside the caller's transaction."""
    areas = list(TransformerArea.objects.filter(pk__in=list(area_ids), feeder__unit__company_id=company_id))
    feeders = list(Feeder.objects.filter(pk__in=list(feeder_ids), unit__company_id=company_id))
    if not areas and not feeders:
        raise NoticeError(_("请选择停电的线路或台区。"), errors={"areas": _("请选择停电的线路或台区。")})
    already = ongoing_fault_outage(area_ids=[a.pk for a in areas], feeder_ids=[f.pk for f in feeders])
    if already is not None:
        return already, False
    data = NewOutage(kind=OutageKind.FAULT, reason=reason, starts_at=starts_at, ends_at=ends_at)
    person = actor_user(actor)
    created = _create(
        company_id=company_id,
        data=data,
        feeders=feeders,
        areas=areas,
        actor=person,
        moment=now or tz.now(),
        source="workorders",
    )
    return created, True


def outage_area_ids(outage: Outage) -> list[int]:
    area_ids = set(outage.areas.values_list("id", flat=True))
    area_ids |= set(TransformerArea.objects.filter(feeder__in=outage.feeders.all()).values_list("id", flat=True))
    return sorted(area_ids)


@contextmanager
def _bulk_session() -> Iterator[None]:
    """On SQLite, a 256 MB page cache for the length of a million-row write (the default 2 MB
    thrashes on the outbox's indexes). SQLite's temp_store cannot be changed inside a
    transaction, and this always runs in one."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        cache_size = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA cache_size = -262144")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA cache_size = {cache_size}")


def _record_and_notify(outage: Outage, moment: datetime) -> tuple[int, int]:
    """Write the affected accounts and one message per phone; (accounts, messages)."""
    area_ids = outage_area_ids(outage)
    if not area_ids:
        return 0, 0
    with _bulk_session():
        accounts = account_ids_in_areas(area_ids=area_ids)
        affected = 0
        while chunk := list(islice(accounts, FAN_OUT_CHUNK)):
            affected += insert_rows(OutageAccount, ("outage_id", "account_id"), [(outage.pk, a) for a in chunk])
        return affected, _notify(outage, "notice", area_ids, account_phones(area_ids=area_ids), moment)


def _stage_text(outage: Outage, stage: str) -> tuple[str, dict[str, str]]:
    """The template and the variables common to every message of one stage of an outage."""
    if stage == "restored":
        return "power_restored", {"at": _when(outage.restored_at or tz.now())}
    if stage == "cancelled":
        return "outage_cancelled", {"start": _when(outage.starts_at), "end": _when(outage.ends_at)}
    if outage.kind == OutageKind.FAULT:
        return "fault_outage", {"eta": _when(outage.ends_at)}
    return "planned_outage", {"reason": outage.reason, "start": _when(outage.starts_at), "end": _when(outage.ends_at)}


def _hold_until(outage: Outage, stage: str, moment: datetime) -> datetime | None:
    """A planned or temporary outage announced (or called off) at night is told in the morning;
    a fault, an emergency or a restoration goes out at once."""
    if stage not in ("notice", "cancelled") or outage.kind not in (OutageKind.PLANNED, OutageKind.TEMPORARY):
        return None
    return rules.quiet_hours_end(moment, rules.parse_quiet_hours(str(notice_setting("QUIET_HOURS"))))


def _first_per_phone(rows: Iterable[tuple[int, int | None, str]]) -> Iterator[tuple[int, int | None, str]]:
    """One row per phone, however many accounts share it: the first (rows come in account order)."""
    seen: set[str] = set()
    for account_id, area_id, phone in rows:
        if phone not in seen:
            seen.add(phone)
            yield account_id, area_id, phone


def _notify(
    outage: Outage, stage: str, area_ids: list[int], phones: Iterable[tuple[int, int | None, str]], moment: datetime
) -> int:
    """A message of ``stage`` to each phone of ``phones`` (account, 台区, phone), pointing at its
    台区's text, rendered once per 台区 (it names the 台区)."""
    code, common = _stage_text(outage, stage)
    names = dict(TransformerArea.objects.filter(pk__in=area_ids).order_by("id").values_list("id", "name"))
    shared = notice_texts_create(template_code=code, variables=[{**common, "area": name} for name in names.values()])
    texts = dict(zip(names, shared, strict=True))
    if not texts:
        return 0
    messages = (
        NewNotice(recipient=phone, account_id=account_id, text=texts[area_id])
        for account_id, area_id, phone in _first_per_phone(phones)
        if area_id in texts
    )
    return notices_enqueue(
        template_code=code,
        messages=messages,
        not_before=_hold_until(outage, stage, moment),
        outage_id=outage.pk,
        now=moment,
    )


def outage_restore(
    *,
    scope: Scope,
    actor: User | AnonymousUser,
    outage: Outage,
    restored_at: datetime | None = None,
    now: datetime | None = None,
) -> Outage:
    """Power is back: record when (for SAIDI) and, after a fault, tell everyone who was told."""
    require(scope, Capability.OUTAGE_EDIT, message=_("只有规划员和系统管理员可以登记恢复送电。"))
    moment = now or tz.now()
    back = int(notice_setting("OUTAGE_DAYS_BACK")) + int(notice_setting("OUTAGE_MAX_HOURS")) // 24 + 1
    at = rules.moment_within(restored_at or moment, now=moment, days_back=back, days_ahead=0)
    if OutageStatus.RESTORED not in OUTAGE_TRANSITIONS[outage.status]:
        raise InvalidTransition(
            _("该停电已是“%(status)s”状态，不能再登记恢复送电。") % {"status": outage.get_status_display()}
        )
    if at is None or at <= outage.starts_at:
        raise NoticeError(_("恢复送电时间不正确。"), errors={"restored_at": _("应晚于停电开始时间，且不晚于现在。")})
    with transaction.atomic():
        updated = Outage.objects.filter(pk=outage.pk, status=outage.status).update(
            status=OutageStatus.RESTORED, restored_at=at
        )
        if not updated:
            raise InvalidTransition(_("该停电刚被他人更新，请刷新后重试。"))
        outage.refresh_from_db()
        _restoration_record(outage, at=at, actor=actor, moment=moment, notify=outage.kind == OutageKind.FAULT)
    return outage


def _restoration_record(
    outage: Outage, *, at: datetime, actor: Actor, moment: datetime, notify: bool, **source: str
) -> int:
    """After restoration ``at`` was written: tell everyone told of the outage (if ``notify``) and
    write the event. Returns the messages queued."""
    queued = _notify_restored(outage, moment) if notify else 0
    outage_event(
        outage=outage, type=OutageEvent.Type.RESTORED, actor=actor, restored_at=at.isoformat(), notices=queued, **source
    )
    return queued


@dataclass(frozen=True)
class Reporter:
    """A customer who reported the fault (a 95598 order): the phone to tell, their account if
    known, and the place to name."""

    phone: str
    account_id: int | None = None
    area: str = ""


def fault_outage_restore(
    *,
    outage: Outage,
    restored_at: datetime,
    reporters: Sequence[Reporter] = (),
    actor: User | AnonymousUser | None,
    now: datetime | None = None,
) -> int:
    """Power is back after a fault outage the 95598 side worked (WO-4): record the restoration
    unless it is recorded already, tell every phone behind the outage once, and each reporter
    the outage did not reach (a passer-by, a phone not in the archive) once. Messages queued.
    Call inside the caller's transaction, with the orders' own restoration."""
    moment = now or tz.now()
    queued = 0
    restored = Outage.objects.filter(pk=outage.pk, status=OutageStatus.ONGOING).update(
        status=OutageStatus.RESTORED, restored_at=restored_at
    )
    outage.refresh_from_db()
    if restored:
        queued = _restoration_record(
            outage, at=restored_at, actor=actor, moment=moment, notify=True, source="workorders"
        )
    if outage.status != OutageStatus.RESTORED:
        return queued
    return queued + _tell_reporters(outage, reporters)


def _tell_reporters(outage: Outage, reporters: Sequence[Reporter]) -> int:
    """Each reporter not told yet: not by their phone, nor by a phone of their account."""
    told: set[str] = set()
    for recipient, fallback in Notice.objects.filter(outage_id=outage.pk, template_code="power_restored").values_list(
        "recipient", "fallback_phone"
    ):
        told |= {recipient, fallback}
    first_area = outage.areas.order_by("id").values_list("name", flat=True).first() or ""
    queued = 0
    for reporter in reporters:
        if not reporter.phone or reporter.phone in told:
            continue
        if reporter.account_id and account_reached(account_id=reporter.account_id, phones=told):
            continue
        told.add(reporter.phone)
        area = reporter.area or first_area or _("您所在区域")
        notice = notice_enqueue(
            template_code="power_restored",
            variables={"area": area, "at": _when(outage.restored_at or tz.now())},
            recipient=reporter.phone,
            account_id=reporter.account_id,
            dedupe_key=f"outage:{outage.pk}:power_restored:{reporter.phone}",
            outage_id=outage.pk,
        )
        queued += notice is not None
    return queued


def _notify_restored(outage: Outage, moment: datetime) -> int:
    affected = OutageAccount.objects.filter(outage=outage).values("account_id")
    area_ids = area_ids_of_accounts(account_ids=affected)
    with _bulk_session():
        return _notify(outage, "restored", area_ids, account_phones(account_ids=affected), moment)


def outage_cancel(*, scope: Scope, actor: User | AnonymousUser, outage: Outage, now: datetime | None = None) -> Outage:
    """Call an announced outage off. Its notices still queued are withdrawn (never sent); every
    phone whose notice has left (being sent, sent, delivered) is told, through the outbox, that
    the outage will not happen. All in one transaction with the status change, which is
    conditional, so a second cancellation (a retry, or a colleague at the same moment) is refused
    and tells nobody twice."""
    require(scope, Capability.OUTAGE_EDIT, message=_("只有规划员和系统管理员可以取消停电。"))
    if OutageStatus.CANCELLED not in OUTAGE_TRANSITIONS[outage.status]:
        raise InvalidTransition(_("该停电已是“%(status)s”状态，不能取消。") % {"status": outage.get_status_display()})
    moment = now or tz.now()
    with transaction.atomic():
        if not Outage.objects.filter(pk=outage.pk, status=outage.status).update(status=OutageStatus.CANCELLED):
            raise InvalidTransition(_("该停电刚被他人更新，请刷新后重试。"))
        outage.refresh_from_db()
        withdrawn, told = _withdraw_and_tell(outage, moment)
        outage_event(
            outage=outage,
            type=OutageEvent.Type.CANCELLED,
            actor=actor,
            withdrawn=withdrawn,
            notices=told,
        )
    return outage


# The outage notices a customer may have read: those that left, or are leaving, for the gateway.
TOLD = (NoticeStatus.SENDING, NoticeStatus.SENT, NoticeStatus.DELIVERED)


def _withdraw_and_tell(outage: Outage, moment: datetime) -> tuple[int, int]:
    """(messages withdrawn, cancellation notices queued) for a cancelled outage."""
    announced = Notice.objects.filter(outage_id=outage.pk, template_code__in=announced_codes())
    # Conditional on QUEUED: a sender's claim is conditional on it too, so each row is either
    # withdrawn here or claimed (and then told below), never both and never neither.
    withdrawn = announced.filter(status=NoticeStatus.QUEUED).update(
        status=NoticeStatus.WITHDRAWN, last_error="outage cancelled", lease_until=None
    )
    told = announced.filter(status__in=TOLD).exclude(text_id=None)
    text_ids = sorted(set(told.values_list("text_id", flat=True).distinct()))
    if not text_ids:
        return withdrawn, 0
    code, common = _stage_text(outage, "cancelled")
    areas = NoticeText.objects.filter(pk__in=text_ids).order_by("id").values_list("id", "variables")
    originals = dict(areas)
    shared = notice_texts_create(
        template_code=code,
        variables=[{**common, "area": str(v.get("area", ""))} for v in originals.values()],
    )
    texts = dict(zip(originals, shared, strict=True))
    # To each phone the way its notice went (WeChat or SMS), a message per message told.
    messages = (
        NewNotice(recipient=recipient, account_id=account_id, channel=channel, fallback_phone=fallback, text=texts[t])
        for channel, recipient, fallback, account_id, t in told.order_by("id")
        .values_list("channel", "recipient", "fallback_phone", "account_id", "text_id")
        .iterator(chunk_size=FAN_OUT_CHUNK)
    )
    with _bulk_session():
        queued = notices_enqueue(
            template_code=code,
            messages=messages,
            not_before=_hold_until(outage, "cancelled", moment),
            outage_id=outage.pk,
            now=moment,
        )
    return withdrawn, queued


def announced_codes() -> tuple[str, str]:
    """The templates of an outage's first notice (planned/temporary/emergency, or fault)."""
    return ("planned_outage", "fault_outage")
