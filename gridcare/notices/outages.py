"""Planned and fault outages (NOTE-2) and their records for reliability figures (PLAN-4).

Registering an outage writes, in one transaction, the outage, one row per affected account and
one outbox message per phone behind its feeders/台区. Both are single ``INSERT … SELECT``
statements, so a million rows never travel through Python; the text is rendered once per 台区
(it names the 台区) into a shared ``NoticeText`` that the messages point at. Cancelling an
announced outage withdraws its queued notices and tells the phones already told.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from gridcare.core import timezone as tz
from gridcare.core.exceptions import Conflict, Forbidden, InvalidInput
from gridcare.customers.models import Account, AccountStatus, Contact, Feeder, TransformerArea
from gridcare.notices import rules
from gridcare.notices.access import OUTAGE_ROLES, grid_filter
from gridcare.notices.conf import notice_setting
from gridcare.notices.models import (
    OUTAGE_TRANSITIONS,
    Category,
    Channel,
    Notice,
    NoticeStatus,
    NoticeText,
    Outage,
    OutageAccount,
    OutageEvent,
    OutageKind,
    OutageStatus,
    WeChatBinding,
)
from gridcare.notices.services import notice_enqueue, render, template_get
from gridcare.org.access import Scope

NOTICE_COLUMNS = (
    "channel",
    "category",
    "recipient",
    "account_id",
    "template_code",
    "template_version",
    "variables",
    "body",
    "dedupe_key",
    "status",
    "created_at",
    "not_before",
    "attempts",
    "gateway",
    "gateway_message_id",
    "sent_at",
    "delivered_at",
    "last_error",
    "segments",
    "claim_token",
    "lease_until",
    "priority",
    "outage_id",
    "text_id",
    "fallback_phone",
)


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


def outage_register(
    *, scope: Scope, actor: User | AnonymousUser, data: NewOutage, now: datetime | None = None
) -> Outage:
    """Register an outage and notify every customer behind its feeders/台区."""
    if not scope.has_role(OUTAGE_ROLES):
        raise Forbidden(_("只有规划员和系统管理员可以登记停电。"))
    moment = now or tz.now()
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
        raise InvalidInput(_("停电未登记。"), errors=problems)
    company_id = (feeders[0].unit if feeders else areas[0].feeder.unit).company_id
    with transaction.atomic():
        return _create(
            company_id=company_id,
            data=data,
            feeders=feeders,
            areas=areas,
            actor=actor if isinstance(actor, User) else None,
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
    OutageEvent.objects.create(outage=outage, type=OutageEvent.Type.REGISTERED, actor=actor, parameters=parameters)
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
        raise InvalidInput(_("请选择停电的线路或台区。"), errors={"areas": _("请选择停电的线路或台区。")})
    already = ongoing_fault_outage(area_ids=[a.pk for a in areas], feeder_ids=[f.pk for f in feeders])
    if already is not None:
        return already, False
    data = NewOutage(kind=OutageKind.FAULT, reason=reason, starts_at=starts_at, ends_at=ends_at)
    person = actor if isinstance(actor, User) else None
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
    """Room for a million-row statement, for this transaction only: on PostgreSQL memory for the
    per-phone sort; on SQLite a 256 MB page cache (the default 2 MB thrashes on the indexes).
    (SQLite's temp_store cannot be changed inside a transaction, and this always runs in one.)"""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL work_mem = '256MB'")
            yield
            return
        if connection.vendor != "sqlite":
            yield
            return
        cursor.execute("PRAGMA cache_size")
        cache_size = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA cache_size = -262144")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA cache_size = {cache_size}")


def _record_and_notify(outage: Outage, moment: datetime) -> tuple[int, int]:
    """Write the affected accounts and one message per phone; (accounts, messages)."""
    with _bulk_session():
        return _record_and_notify_all(outage, moment)


def _in_areas(area_ids: list[int]) -> tuple[str, list[Any]]:
    """The accounts (alias ``a``) an outage of these 台区 cuts off: every one not closed."""
    marks = ", ".join(["%s"] * len(area_ids))
    return f"a.transformer_area_id IN ({marks}) AND a.status <> %s", [*area_ids, AccountStatus.CLOSED.value]


def _record_and_notify_all(outage: Outage, moment: datetime) -> tuple[int, int]:
    area_ids = outage_area_ids(outage)
    if not area_ids:
        return 0, 0
    where, params = _in_areas(area_ids)
    q = connection.ops.quote_name
    table, account_t = q(OutageAccount._meta.db_table), q(Account._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (outage_id, account_id) SELECT %s, a.id FROM {account_t} a WHERE {where} ORDER BY a.id",  # noqa: S608 - names from model metadata
            [outage.pk, *params],
        )
        affected = cursor.rowcount
    return affected, _insert_notices(outage, "notice", area_ids, (where, params), moment)


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


def _area_texts(outage: Outage, stage: str, area_ids: list[int]) -> tuple[str, int, dict[int, tuple[int, int]]]:
    """Render the stage's text once per 台区 (it names the 台区) into ``NoticeText`` rows:
    (template code, its version, {台区 id: (text id, segments)})."""
    code, common = _stage_text(outage, stage)
    _category, version, template = template_get(code)
    rows = []
    for area_id, name in TransformerArea.objects.filter(pk__in=area_ids).order_by("id").values_list("id", "name"):
        variables = {**common, "area": name}
        body = render(template, variables)
        rows.append(
            (
                area_id,
                NoticeText(
                    template_code=code,
                    template_version=version,
                    variables=variables,
                    body=body,
                    segments=rules.sms_segments(body),
                ),
            )
        )
    NoticeText.objects.bulk_create([text for _area, text in rows])
    return code, version, {area_id: (text.pk, text.segments) for area_id, text in rows}


def _one_phone_each(where: str) -> str:
    """Per phone behind the accounts matching ``where``: the phone, its first account, that
    account's 台区 and the phone's WeChat openid if it follows the official account — one message
    per phone however many accounts share it. No second visit to the accounts table:
    PostgreSQL's DISTINCT ON keeps the first row's columns, and so does SQLite's MIN() for the
    other columns of its row."""
    q = connection.ops.quote_name
    account_t, contact_t = q(Account._meta.db_table), q(Contact._meta.db_table)
    wechat_t = q(WeChatBinding._meta.db_table)
    joined = (
        f"FROM {account_t} a JOIN {contact_t} c ON c.customer_id = a.customer_id "
        f"LEFT JOIN {wechat_t} w ON w.contact_id = c.id AND w.active "
        f"WHERE {where} AND c.phone <> ''"
    )
    columns = "c.phone AS phone, a.transformer_area_id AS area_id, w.openid AS openid"
    if connection.vendor == "sqlite":
        return f"SELECT MIN(a.id) AS account_id, {columns} {joined} GROUP BY c.phone"
    return f"SELECT DISTINCT ON (c.phone) a.id AS account_id, {columns} {joined} ORDER BY c.phone, a.id"


# A phone that follows the official account gets the message by WeChat, the phone kept as the
# SMS fallback; every other phone by SMS.
ROUTED_CHANNEL = "CASE WHEN f.openid IS NULL THEN %s ELSE %s END"
ROUTED_RECIPIENT = "COALESCE(f.openid, f.phone)"
ROUTED_FALLBACK = "CASE WHEN f.openid IS NULL THEN '' ELSE f.phone END"


def _insert_notices(
    outage: Outage, stage: str, area_ids: list[int], accounts: tuple[str, list[Any]], moment: datetime
) -> int:
    """One INSERT … SELECT: a message to every phone of the accounts matching ``accounts`` (a
    condition on alias ``a`` and its parameters), pointing at its 台区's text. Nothing passes
    through Python per row, which is what makes a million messages take seconds."""
    if not area_ids:
        return 0
    code, version, texts = _area_texts(outage, stage, area_ids)
    if not texts:
        return 0
    where, where_params = accounts
    q = connection.ops.quote_name
    values = ", ".join(["(CAST(%s AS integer), CAST(%s AS integer), CAST(%s AS integer))"] * len(texts))
    params: list[Any] = [
        value for area_id, (text_id, segments) in texts.items() for value in (area_id, text_id, segments)
    ]
    params += [Channel.SMS.value, Channel.WECHAT.value, Category.OUTAGE.value, code, version]
    params += [NoticeStatus.QUEUED.value, connection.ops.adapt_datetimefield_value(moment)]
    params += [connection.ops.adapt_datetimefield_value(_hold_until(outage, stage, moment))]
    params += [rules.priority_of(Category.OUTAGE), outage.pk, *where_params]
    sql = f"""
        INSERT INTO {q(Notice._meta.db_table)} ({", ".join(q(c) for c in NOTICE_COLUMNS)})
        WITH texts (area_id, text_id, segments) AS (VALUES {values})
        SELECT {ROUTED_CHANNEL}, %s, {ROUTED_RECIPIENT}, f.account_id, %s, %s, '{{}}', '', NULL, %s, %s, %s,
               0, '', '', NULL, NULL, '', t.segments, '', NULL, %s, %s, t.text_id, {ROUTED_FALLBACK}
        FROM ({_one_phone_each(where)}) f
        JOIN texts t ON t.area_id = f.area_id
    """  # noqa: S608 - table and column names come from model metadata, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def outage_restore(
    *,
    scope: Scope,
    actor: User | AnonymousUser,
    outage: Outage,
    restored_at: datetime | None = None,
    now: datetime | None = None,
) -> Outage:
    """Power is back: record when (for SAIDI) and, after a fault, tell everyone who was told."""
    if not scope.has_role(OUTAGE_ROLES):
        raise Forbidden(_("只有规划员和系统管理员可以登记恢复送电。"))
    moment = now or tz.now()
    back = int(notice_setting("OUTAGE_DAYS_BACK")) + int(notice_setting("OUTAGE_MAX_HOURS")) // 24 + 1
    at = rules.moment_within(restored_at or moment, now=moment, days_back=back, days_ahead=0)
    if OutageStatus.RESTORED not in OUTAGE_TRANSITIONS[outage.status]:
        raise Conflict(_("该停电已是“%(status)s”状态，不能再登记恢复送电。") % {"status": outage.get_status_display()})
    if at is None or at <= outage.starts_at:
        raise InvalidInput(_("恢复送电时间不正确。"), errors={"restored_at": _("应晚于停电开始时间，且不晚于现在。")})
    with transaction.atomic():
        updated = Outage.objects.filter(pk=outage.pk, status=outage.status).update(
            status=OutageStatus.RESTORED, restored_at=at
        )
        if not updated:
            raise Conflict(_("该停电刚被他人更新，请刷新后重试。"))
        outage.refresh_from_db()
        queued = 0
        if outage.kind == OutageKind.FAULT:
            queued = _notify_restored(outage, moment)
        OutageEvent.objects.create(
            outage=outage,
            type=OutageEvent.Type.RESTORED,
            actor=actor if isinstance(actor, User) else None,
            parameters={"restored_at": at.isoformat(), "notices": queued},
        )
    return outage


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
        queued = _notify_restored(outage, moment)
        OutageEvent.objects.create(
            outage=outage,
            type=OutageEvent.Type.RESTORED,
            actor=actor if isinstance(actor, User) else None,
            parameters={"restored_at": restored_at.isoformat(), "notices": queued, "source": "workorders"},
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
        if (
            reporter.account_id
            and Contact.objects.filter(customer__accounts=reporter.account_id, phone__in=told).exists()
        ):
            continue
        told.add(reporter.phone)
        area = reporter.area or first_area or _("您所在区域")
        notice = notice_enqueue(
            template_code="power_restored",
            variables={"area": area, "at": _when(outage.restored_at or tz.now())},
            recipient=reporter.phone,
            account_id=reporter.account_id,
            dedupe_key=f"outage:{outage.pk}:power_restored:{reporter.phone}",
        )
        if notice is not None:
            Notice.objects.filter(pk=notice.pk).update(outage_id=outage.pk)
            queued += 1
    return queued


def _notify_restored(outage: Outage, moment: datetime) -> int:
    affected = OutageAccount.objects.filter(outage=outage).values("account_id")
    area_ids = sorted(
        set(Account.objects.filter(pk__in=affected).values_list("transformer_area_id", flat=True).distinct()) - {None}
    )
    table = connection.ops.quote_name(OutageAccount._meta.db_table)
    where = f"a.id IN (SELECT oa.account_id FROM {table} oa WHERE oa.outage_id = %s)"  # noqa: S608 - model metadata
    with _bulk_session():
        return _insert_notices(outage, "restored", area_ids, (where, [outage.pk]), moment)


def outage_cancel(*, scope: Scope, actor: User | AnonymousUser, outage: Outage, now: datetime | None = None) -> Outage:
    """Call an announced outage off. Its notices still queued are withdrawn (never sent); every
    phone whose notice has left (being sent, sent, delivered) is told, through the outbox, that
    the outage will not happen. All in one transaction with the status change, which is
    conditional, so a second cancellation (a retry, or a colleague at the same moment) is refused
    and tells nobody twice."""
    if not scope.has_role(OUTAGE_ROLES):
        raise Forbidden(_("只有规划员和系统管理员可以取消停电。"))
    if OutageStatus.CANCELLED not in OUTAGE_TRANSITIONS[outage.status]:
        raise Conflict(_("该停电已是“%(status)s”状态，不能取消。") % {"status": outage.get_status_display()})
    moment = now or tz.now()
    with transaction.atomic():
        if not Outage.objects.filter(pk=outage.pk, status=outage.status).update(status=OutageStatus.CANCELLED):
            raise Conflict(_("该停电刚被他人更新，请刷新后重试。"))
        outage.refresh_from_db()
        withdrawn, told = _withdraw_and_tell(outage, moment)
        OutageEvent.objects.create(
            outage=outage,
            type=OutageEvent.Type.CANCELLED,
            actor=actor if isinstance(actor, User) else None,
            parameters={"withdrawn": withdrawn, "notices": told},
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
    told = announced.filter(status__in=TOLD)
    text_ids = sorted(set(told.exclude(text_id=None).values_list("text_id", flat=True).distinct()))
    if not text_ids:
        return withdrawn, 0
    code, common = _stage_text(outage, "cancelled")
    _category, version, template = template_get(code)
    pairs = []
    for original in NoticeText.objects.filter(pk__in=text_ids).order_by("id"):
        variables = {**common, "area": str(original.variables.get("area", ""))}
        body = render(template, variables)
        pairs.append(
            (
                original.pk,
                NoticeText(
                    template_code=code,
                    template_version=version,
                    variables=variables,
                    body=body,
                    segments=rules.sms_segments(body),
                ),
            )
        )
    NoticeText.objects.bulk_create([text for _original, text in pairs])
    q = connection.ops.quote_name
    values = ", ".join(["(CAST(%s AS integer), CAST(%s AS integer), CAST(%s AS integer))"] * len(pairs))
    params: list[Any] = [v for original, text in pairs for v in (original, text.pk, text.segments)]
    params += [Category.OUTAGE.value, code, version, NoticeStatus.QUEUED.value]
    params += [connection.ops.adapt_datetimefield_value(moment)]
    params += [connection.ops.adapt_datetimefield_value(_hold_until(outage, "cancelled", moment))]
    params += [rules.priority_of(Category.OUTAGE), outage.pk, outage.pk, *announced_codes(), *TOLD]
    # To each phone the way its notice went (WeChat or SMS), a message per message told.
    sql = f"""
        INSERT INTO {q(Notice._meta.db_table)} ({", ".join(q(c) for c in NOTICE_COLUMNS)})
        WITH texts (original_id, text_id, segments) AS (VALUES {values})
        SELECT n.channel, %s, n.recipient, n.account_id, %s, %s, '{{}}', '', NULL, %s, %s, %s, 0, '', '',
               NULL, NULL, '', t.segments, '', NULL, %s, %s, t.text_id, n.fallback_phone
        FROM {q(Notice._meta.db_table)} n JOIN texts t ON t.original_id = n.text_id
        WHERE n.outage_id = %s AND n.template_code IN (%s, %s) AND n.status IN (%s, %s, %s)
    """  # noqa: S608 - table and column names come from model metadata, values are parameters
    with _bulk_session(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return withdrawn, int(cursor.rowcount)


def announced_codes() -> tuple[str, str]:
    """The templates of an outage's first notice (planned/temporary/emergency, or fault)."""
    return ("planned_outage", "fault_outage")
