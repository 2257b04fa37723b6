"""Planned and fault outages (NOTE-2) and their records for reliability figures (PLAN-4).

Registering an outage writes, in one transaction, the outage, one row per affected account and
one outbox message per phone behind its feeders/台区. Both are single ``INSERT … SELECT``
statements, so a million rows never travel through Python; the text is rendered once per 台区
(it names the 台区) and chosen in SQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import connection, transaction
from django.db.models import QuerySet, Value
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
    Outage,
    OutageAccount,
    OutageEvent,
    OutageKind,
    OutageStatus,
)
from gridcare.notices.services import render, template_get
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


def outage_register(
    *, scope: Scope, actor: User | AnonymousUser, data: NewOutage, now: datetime | None = None
) -> Outage:
    """Register an outage and notify every customer behind its feeders/台区."""
    if not scope.has_role(OUTAGE_ROLES):
        raise Forbidden(_("只有规划员和系统管理员可以登记停电。"))
    moment = now or tz.now()
    feeders, areas, problems = _grid(scope, data)
    if not data.reason.strip():
        problems["reason"] = _("请填写停电原因。")
    if data.kind not in OutageKind.values:
        problems["kind"] = _("停电类型不正确。")
    rules_conf: dict[str, Any] = settings.GRIDCARE_RULES
    problems.update(
        rules.outage_notice_problem(
            kind=data.kind,
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            now=moment,
            planned_days=int(rules_conf["PLANNED_OUTAGE_NOTICE_DAYS"]),
            temporary_hours=int(rules_conf["TEMPORARY_MAINTENANCE_NOTICE_HOURS"]),
        )
    )
    if problems:
        raise InvalidInput(_("停电未登记。"), errors=problems)
    company_id = (feeders[0].unit if feeders else areas[0].feeder.unit).company_id
    with transaction.atomic():
        outage = Outage.objects.create(
            company_id=company_id,
            kind=data.kind,
            status=OutageStatus.ONGOING if data.kind == OutageKind.FAULT else OutageStatus.ANNOUNCED,
            reason=data.reason.strip(),
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            created_by=actor if isinstance(actor, User) else None,
        )
        outage.feeders.set(feeders)
        outage.areas.set(areas)
        affected, queued = _record_and_notify(outage, moment)
        outage.affected_accounts, outage.notices_queued = affected, queued
        outage.save(update_fields=["affected_accounts", "notices_queued"])
        OutageEvent.objects.create(
            outage=outage,
            type=OutageEvent.Type.REGISTERED,
            actor=outage.created_by,
            parameters={"affected_accounts": affected, "notices": queued},
        )
    return outage


def outage_area_ids(outage: Outage) -> list[int]:
    area_ids = set(outage.areas.values_list("id", flat=True))
    area_ids |= set(TransformerArea.objects.filter(feeder__in=outage.feeders.all()).values_list("id", flat=True))
    return sorted(area_ids)


@contextmanager
def _bulk_session() -> Iterator[None]:
    """Room for a million-row statement: on SQLite a 256 MB page cache while it runs (the
    default 2 MB thrashes on the indexes); on PostgreSQL memory for the per-phone aggregate, for
    this transaction only."""
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


def _record_and_notify_all(outage: Outage, moment: datetime) -> tuple[int, int]:
    area_ids = outage_area_ids(outage)
    accounts = Account.objects.filter(transformer_area_id__in=area_ids).exclude(status=AccountStatus.CLOSED)
    select, params = accounts.annotate(o=Value(outage.pk)).values_list("o", "id").query.sql_with_params()
    table = connection.ops.quote_name(OutageAccount._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (outage_id, account_id) {select}", params)  # noqa: S608 - names from model metadata
        affected = cursor.rowcount
    return affected, _insert_notices(outage, "notice", area_ids, accounts, moment)


def _stage_text(outage: Outage, stage: str) -> tuple[str, dict[str, str]]:
    """The template and the variables common to every message of one stage of an outage."""
    if stage == "restored":
        return "power_restored", {"at": _when(outage.restored_at or tz.now())}
    if outage.kind == OutageKind.FAULT:
        return "fault_outage", {"eta": _when(outage.ends_at)}
    return "planned_outage", {"reason": outage.reason, "start": _when(outage.starts_at), "end": _when(outage.ends_at)}


def _hold_until(outage: Outage, stage: str, moment: datetime) -> datetime | None:
    """A planned or temporary outage announced at night is told in the morning; a fault, an
    emergency or a restoration goes out at once."""
    if stage != "notice" or outage.kind not in (OutageKind.PLANNED, OutageKind.TEMPORARY):
        return None
    return rules.quiet_hours_end(moment, rules.parse_quiet_hours(str(notice_setting("QUIET_HOURS"))))


def _area_texts(area_texts: dict[int, tuple[str, str, int]], params: list[Any]) -> str:
    """``VALUES`` rows (台区 id, variables, body, segments) for the texts rendered once per 台区."""
    jsonb = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    rows = []
    for area_id, (variables, body, segments) in area_texts.items():
        rows.append(f"(CAST(%s AS integer), {jsonb}, %s, CAST(%s AS integer))")
        params += [area_id, variables, body, segments]
    return ", ".join(rows)


def _insert_notices(
    outage: Outage, stage: str, area_ids: list[int], accounts: QuerySet[Account], moment: datetime
) -> int:
    """One INSERT … SELECT: a message to every phone of ``accounts`` (the first account of each
    phone), its text rendered once per 台区 (it names the 台区) and joined in. Nothing passes
    through Python per row, which is what makes a million messages take seconds."""
    code, common = _stage_text(outage, stage)
    _category, version, text = template_get(code)
    texts: dict[int, tuple[str, str, int]] = {}
    for area_id, name in TransformerArea.objects.filter(pk__in=area_ids).values_list("id", "name"):
        variables = {**common, "area": name}
        body = render(text, variables)
        texts[area_id] = (json.dumps(variables, ensure_ascii=False), body, rules.sms_segments(body))
    if not texts:
        return 0
    q = connection.ops.quote_name
    account_t, contact_t = q(Account._meta.db_table), q(Contact._meta.db_table)
    phones_sql, phones_params = accounts.values_list("id", flat=True).query.sql_with_params()
    params: list[Any] = []
    values_sql = _area_texts(texts, params)
    params += [Channel.SMS.value, Category.OUTAGE.value, code, version, NoticeStatus.QUEUED.value]
    params += [connection.ops.adapt_datetimefield_value(moment)]
    params += [connection.ops.adapt_datetimefield_value(_hold_until(outage, stage, moment))]
    params += [rules.priority_of(Category.OUTAGE), outage.pk, *phones_params]
    sql = f"""
        INSERT INTO {q(Notice._meta.db_table)} ({", ".join(q(c) for c in NOTICE_COLUMNS)})
        WITH texts (area_id, variables, body, segments) AS (VALUES {values_sql})
        SELECT %s, %s, f.phone, f.account_id, %s, %s, t.variables, t.body, NULL, %s, %s, %s, 0, '', '',
               NULL, NULL, '', t.segments, '', NULL, %s, %s
        FROM (SELECT c.phone AS phone, MIN(a.id) AS account_id
              FROM {account_t} a JOIN {contact_t} c ON c.customer_id = a.customer_id
              WHERE a.id IN ({phones_sql}) AND c.phone <> ''
              GROUP BY c.phone) f
        JOIN {account_t} a ON a.id = f.account_id
        JOIN texts t ON t.area_id = a.transformer_area_id
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
    at = restored_at or moment
    if OutageStatus.RESTORED not in OUTAGE_TRANSITIONS[outage.status]:
        raise Conflict(_("该停电已是“%(status)s”状态，不能再登记恢复送电。") % {"status": outage.get_status_display()})
    if at <= outage.starts_at or at > moment:
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


def _notify_restored(outage: Outage, moment: datetime) -> int:
    accounts = Account.objects.filter(pk__in=OutageAccount.objects.filter(outage=outage).values("account_id"))
    area_ids = sorted(set(accounts.values_list("transformer_area_id", flat=True).distinct()) - {None})
    with _bulk_session():
        return _insert_notices(outage, "restored", area_ids, accounts, moment)


def outage_cancel(*, scope: Scope, actor: User | AnonymousUser, outage: Outage) -> Outage:
    if not scope.has_role(OUTAGE_ROLES):
        raise Forbidden(_("只有规划员和系统管理员可以取消停电。"))
    if OutageStatus.CANCELLED not in OUTAGE_TRANSITIONS[outage.status]:
        raise Conflict(_("该停电已是“%(status)s”状态，不能取消。") % {"status": outage.get_status_display()})
    with transaction.atomic():
        Outage.objects.filter(pk=outage.pk).update(status=OutageStatus.CANCELLED)
        OutageEvent.objects.create(
            outage=outage, type=OutageEvent.Type.CANCELLED, actor=actor if isinstance(actor, User) else None
        )
    outage.refresh_from_db()
    return outage
