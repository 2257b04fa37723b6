"""Reads: outages, templates and the channel-quality figures (NOTE-4)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, F, Q, QuerySet
from django.db.models.expressions import Combinable
from django.utils.translation import gettext as _

from gridcare.core import timezone as tz
from gridcare.core.exceptions import InvalidInput
from gridcare.core.privacy import mask_text
from gridcare.notices import rules
from gridcare.notices.access import outage_filter, peak_shift_filter, publication_filter
from gridcare.notices.defaults import DEFAULT_TEMPLATES
from gridcare.notices.models import (
    Category,
    Notice,
    NoticeStatus,
    NoticeTemplate,
    Outage,
    OutageAccount,
    OutageEvent,
    OutageStatus,
    PeakShiftOrder,
    Publication,
    PublicationArea,
    PublicationEvent,
    PublicationStatus,
)
from gridcare.org.access import Scope


def notice_queued(dedupe_key: Combinable) -> Exists:
    """Whether a message with this dedupe key (an expression of the caller's query) is in the
    outbox, whatever its status: the test an idempotent producer filters on."""
    return Exists(Notice.objects.filter(dedupe_key=dedupe_key))


# -- templates: the text a message is rendered from ------------------------------------------


def template_get(code: str) -> tuple[str, int, str]:
    """(category, version, text) of the active template ``code``."""
    row = NoticeTemplate.objects.filter(code=code, active=True).values_list("category", "version", "text").first()
    if row is not None:
        return row[0], row[1], row[2]
    if code not in DEFAULT_TEMPLATES:
        raise InvalidInput(_("消息模板 %(code)s 不存在。") % {"code": code})
    category, text = DEFAULT_TEMPLATES[code]
    return category, 0, text


def template_variables(text: str) -> set[str]:
    return set(rules.template_fields(text))


def template_allowed_variables(code: str) -> set[str]:
    """The variables the callers of template ``code`` supply (those of its built-in text)."""
    return template_variables(DEFAULT_TEMPLATES[code][1])


def outage_list(*, scope: Scope) -> QuerySet[Outage]:
    return Outage.objects.filter(outage_filter(scope)).prefetch_related("feeders", "areas")


def outage_card(outage: Outage) -> dict[str, Any]:
    return {
        "id": outage.pk,
        "kind": outage.kind,
        "kind_label": str(outage.get_kind_display()),
        "status": outage.status,
        "status_label": str(outage.get_status_display()),
        "reason": outage.reason,
        "starts_at": outage.starts_at,
        "ends_at": outage.ends_at,
        "restored_at": outage.restored_at,
        "feeders": sorted(f.code for f in outage.feeders.all()),
        "areas": sorted(a.code for a in outage.areas.all()),
        "affected_accounts": outage.affected_accounts,
        "notices_queued": outage.notices_queued,
    }


@dataclass(frozen=True)
class AccountNotice:
    """One message to an account as its card shows it: labels, the recipient masked, and the
    text (masked too) only for a post that may see bills."""

    created_at: datetime
    category: str
    channel: str
    status: str
    recipient: str
    content: str


def notices_of_account(*, account: Any, show_text: bool, limit: int = 10) -> list[AccountNotice]:
    """The latest messages sent to ``account`` (not the outage fan-outs: see
    ``outages_of_account``), newest first, through the partial index on (account, -id)."""
    rows = Notice.objects.filter(account=account, outage__isnull=True).select_related("text").order_by("-id")[:limit]
    return [
        AccountNotice(
            created_at=n.created_at,
            category=str(n.get_category_display()),
            channel=str(n.get_channel_display()),
            status=str(n.get_status_display()),
            recipient=_masked_recipient(n),
            content=mask_text(n.content) if show_text else "",
        )
        for n in rows
    ]


def _masked_recipient(notice: Notice) -> str:
    if notice.channel == "wechat":  # the recipient is an openid: say where it goes, by its phone
        return _("微信（%(phone)s）") % {"phone": mask_text(notice.fallback_phone) or "—"}
    if "@" in notice.recipient:
        name, _at, domain = notice.recipient.partition("@")
        return f"{name[:1]}***@{domain}"
    return mask_text(notice.recipient)


def outages_of_account(*, account: Any, days: int = 90) -> list[Outage]:
    """The outages of the last ``days`` days that cut ``account`` off (each was notified to it by
    the fan-out), newest first. Outages are few; each is one probe of the (outage, account) index."""
    since = tz.now() - timedelta(days=days)
    recent = list(Outage.objects.filter(starts_at__gte=since).order_by("-starts_at", "-id")[:200])
    hit = set(
        OutageAccount.objects.filter(outage__in=[o.pk for o in recent], account=account).values_list(
            "outage_id", flat=True
        )
    )
    return [o for o in recent if o.pk in hit]


def outage_history(outage: Outage) -> QuerySet[OutageEvent]:
    return outage.events.select_related("actor")


def outage_notice_counts(outage: Outage) -> dict[str, int]:
    """Messages of this outage by status, each under its label (待发送, 已送达 …), in the
    statuses' order."""
    rows = Notice.objects.filter(outage_id=outage.pk).values_list("status").annotate(n=Count("id")).order_by()
    found = dict(rows)
    return {str(label): found[status] for status, label in NoticeStatus.choices if status in found}


@dataclass
class TemplateRow:
    code: str
    category: str
    version: int
    text: str
    variables: list[str]
    segments: int
    versions: list[NoticeTemplate] = field(default_factory=list)


def template_rows() -> list[TemplateRow]:
    saved: dict[str, list[NoticeTemplate]] = defaultdict(list)
    for t in NoticeTemplate.objects.select_related("created_by").order_by("code", "-version"):
        saved[t.code].append(t)
    out = []
    for code in sorted(DEFAULT_TEMPLATES):
        category, version, text = template_get(code)
        out.append(
            TemplateRow(
                code=code,
                category=str(Category(category).label),
                version=version,
                text=text,
                variables=sorted(template_allowed_variables(code)),
                segments=rules.sms_segments("x" * rules.widest_length(text)),
                versions=saved[code],
            )
        )
    return out


@dataclass
class QualityRow:
    gateway: str
    campaign: str
    total: int = 0
    queued: int = 0
    sent: int = 0
    delivered: int = 0
    failed: int = 0
    suppressed: int = 0
    withdrawn: int = 0
    p50: float | None = None  # seconds from creation to delivery
    p90: float | None = None

    @property
    def pending(self) -> int:
        return self.queued + self.sent

    @property
    def delivery_rate(self) -> float | None:
        done = self.delivered + self.failed
        return self.delivered / done if done else None


_BUCKET = {
    NoticeStatus.QUEUED: "queued",
    NoticeStatus.SENDING: "queued",
    NoticeStatus.SENT: "sent",
    NoticeStatus.DELIVERED: "delivered",
    NoticeStatus.FAILED: "failed",
    NoticeStatus.SUPPRESSED: "suppressed",
    NoticeStatus.WITHDRAWN: "withdrawn",
}


def channel_quality(*, since: datetime | None = None, now: datetime | None = None) -> list[QualityRow]:
    """Per gateway and campaign (template): messages by outcome and delivery latency p50/p90,
    for messages created since ``since`` (default: the last 7 days).

    "sent" counts messages handed to the gateway and still waiting for a receipt; pending is
    what is queued or sent without an answer yet."""
    start = since or (now or tz.now()) - timedelta(days=7)
    recent = Notice.objects.filter(created_at__gte=start)
    rows: dict[tuple[str, str], QualityRow] = {}
    for gateway, code, status, n in (
        recent.values_list("gateway", "template_code", "status").annotate(n=Count("id")).order_by()
    ):
        row = rows.setdefault((gateway, code), QualityRow(gateway=gateway, campaign=code))
        row.total += n
        bucket = _BUCKET[NoticeStatus(status)]
        setattr(row, bucket, getattr(row, bucket) + n)
    latencies: dict[tuple[str, str], list[float]] = defaultdict(list)
    for gateway, code, created, delivered in recent.filter(status=NoticeStatus.DELIVERED).values_list(
        "gateway", "template_code", "created_at", "delivered_at"
    ):
        if delivered is not None:
            latencies[(gateway, code)].append(max(0.0, (delivered - created).total_seconds()))
    for key, values in latencies.items():
        values.sort()
        rows[key].p50 = rules.percentile(values, 0.5)
        rows[key].p90 = rules.percentile(values, 0.9)
    return sorted(rows.values(), key=lambda r: (r.gateway, r.campaign))


@dataclass(frozen=True)
class Bar:
    label: str
    segments: list[tuple[str, float, float, int]]  # (css class, x %, width %, count)
    latency: tuple[float, float] | None  # (p50 width %, p90 width %) of the slowest p90


def quality_charts(rows: list[QualityRow]) -> list[Bar]:
    """Bars for the channel-quality page: outcome shares (100 % stacked) and latency bars."""
    slowest = max((r.p90 for r in rows if r.p90 is not None), default=0.0)
    bars = []
    for r in rows:
        x = 0.0
        parts = []
        for css, count in (
            ("delivered", r.delivered),
            ("failed", r.failed),
            ("pending", r.pending),
            ("suppressed", r.suppressed + r.withdrawn),
        ):
            width = 100.0 * count / r.total if r.total else 0.0
            parts.append((css, round(x, 2), round(width, 2), count))
            x += width
        latency = None
        if r.p50 is not None and r.p90 is not None and slowest:
            latency = (round(100.0 * r.p50 / slowest, 2), round(100.0 * r.p90 / slowest, 2))
        bars.append(Bar(label=f"{r.gateway or '—'} · {r.campaign}", segments=parts, latency=latency))
    return bars


# -- the customer's own outages (the portal, SELF-2) --------------------------------------------
@dataclass(frozen=True)
class AccountOutage:
    outage: Outage
    account_ids: tuple[int, ...]  # which of the asked accounts it cuts off
    coming: bool  # coming or under way (rules.outage_is_coming), else past


CUSTOMER_OUTAGES_MAX = 500


def outages_of_accounts(
    *, account_ids: Sequence[int], days: int = 365, now: datetime | None = None
) -> list[AccountOutage]:
    """The outages that cut off any of ``account_ids`` (their ``OutageAccount`` rows, written
    from the feeders' and 台区' accounts when the outage was registered): every one not yet over,
    and those of the last ``days`` days; coming ones first (soonest first), then past ones (latest
    first). Outages are few; their account rows are probed through the (outage, account) index."""
    if not account_ids:
        return []
    moment = now or tz.now()
    recent = list(
        Outage.objects.filter(ends_at__gte=moment - timedelta(days=days)).order_by("-starts_at", "-id")[
            :CUSTOMER_OUTAGES_MAX
        ]
    )
    hit: dict[int, set[int]] = defaultdict(set)
    rows = OutageAccount.objects.filter(outage__in=[o.pk for o in recent], account__in=list(account_ids))
    for outage_id, account_id in rows.values_list("outage_id", "account_id"):
        hit[outage_id].add(account_id)
    found = [
        AccountOutage(
            outage=o,
            account_ids=tuple(sorted(hit[o.pk])),
            coming=rules.outage_is_coming(status=o.status, starts_at=o.starts_at, ends_at=o.ends_at, now=moment),
        )
        for o in recent
        if o.pk in hit
    ]
    coming = sorted((f for f in found if f.coming), key=lambda f: (f.outage.starts_at, f.outage.pk))
    return coming + [f for f in found if not f.coming]


def outage_account_ids(*, outage_id: int, among: QuerySet[Any]) -> list[int]:
    """Which accounts of ``among`` (a values list of account ids: the key accounts in a
    manager's reach) the outage cuts off, from its ``OutageAccount`` rows."""
    return list(
        OutageAccount.objects.filter(outage_id=outage_id, account_id__in=among)
        .order_by("account_id")
        .values_list("account_id", flat=True)
    )


def outages_coming(*, now: datetime | None = None, days: int = 30) -> list[Outage]:
    """The outages not yet over (announced, or under way) that were registered in the last
    ``days`` days, soonest first: those whose key accounts' managers are to be told."""
    moment = now or tz.now()
    rows = Outage.objects.filter(
        status__in=[OutageStatus.ANNOUNCED, OutageStatus.ONGOING],
        ends_at__gt=moment,
        created_at__gte=moment - timedelta(days=days),
    )
    return list(rows.order_by("starts_at", "id"))


# -- peak-shift orders (错峰, NOTE-2) -------------------------------------------------------------
def peak_shift_list(*, scope: Scope) -> QuerySet[PeakShiftOrder]:
    """The orders of the caller's company (notices.access.peak_shift_filter), the latest day first."""
    rows = PeakShiftOrder.objects.filter(peak_shift_filter(scope)).select_related("created_by__staff")
    return rows.prefetch_related("feeders").order_by("-day", "-start", "-id")


def _not_over(moment: datetime) -> Q:
    local = moment.astimezone(tz.SHANGHAI)
    return Q(day__gt=local.date()) | Q(day=local.date(), end__gt=local.time())


def peak_shifts_coming(*, now: datetime | None = None) -> list[PeakShiftOrder]:
    """The orders whose window is not over yet, soonest first: those whose key accounts' managers
    are to be told."""
    rows = PeakShiftOrder.objects.filter(_not_over(now or tz.now()))
    return list(rows.order_by("day", "start", "id"))


def peak_shift_account_ids(*, order_id: int, among: QuerySet[Any]) -> list[int]:
    """Which accounts of ``among`` (a values list of account ids: the key accounts in a manager's
    reach) are behind the order's feeders, open ones only, in id order."""
    from gridcare.customers.models import Account, AccountStatus

    feeders = PeakShiftOrder.feeders.through.objects.filter(peakshiftorder_id=order_id).values("feeder_id")
    rows = Account.objects.filter(pk__in=among, transformer_area__feeder_id__in=feeders)
    return list(rows.exclude(status=AccountStatus.CLOSED).order_by("pk").values_list("pk", flat=True))


def peak_shifts_of_accounts(
    *, account_ids: Sequence[int], now: datetime | None = None
) -> dict[int, list[PeakShiftOrder]]:
    """The orders not over yet that name the feeder of each of ``account_ids``, soonest first."""
    from gridcare.customers.models import Account

    if not account_ids:
        return {}
    feeder_of = dict(
        Account.objects.filter(pk__in=list(account_ids), transformer_area__isnull=False).values_list(
            "pk", "transformer_area__feeder_id"
        )
    )
    found: dict[int, list[PeakShiftOrder]] = defaultdict(list)
    rows = PeakShiftOrder.objects.filter(_not_over(now or tz.now()), feeders__in=set(feeder_of.values()))
    orders = {o.pk: o for o in rows.distinct().order_by("day", "start", "id")}
    links = PeakShiftOrder.feeders.through.objects.filter(peakshiftorder_id__in=list(orders))
    by_feeder: dict[int, list[int]] = defaultdict(list)
    for order_id, feeder_id in links.values_list("peakshiftorder_id", "feeder_id"):
        by_feeder[feeder_id].append(order_id)
    position = {pk: i for i, pk in enumerate(orders)}
    for account_id, feeder_id in feeder_of.items():
        hits = sorted(by_feeder.get(feeder_id, []), key=position.__getitem__)
        if hits:
            found[account_id] = [orders[i] for i in hits]
    return found


# -- public notices and service publicity (SELF-3) ----------------------------------------------
def publication_list(*, scope: Scope) -> QuerySet[Publication]:
    """The publications the caller keeps (notices.access.publication_filter), newest first."""
    rows = Publication.objects.filter(publication_filter(scope)).select_related("unit", "company", "author__staff")
    return rows.order_by(F("published_at").desc(nulls_first=True), "-id")


def publications_live(
    *, company_ids: Collection[int], unit_ids: Collection[int], now: datetime | None = None
) -> QuerySet[Publication]:
    """What a customer of these companies and supply units sees: published (their time come), not
    withdrawn, for every customer, for one of the companies or for one of the units; latest first."""
    moment = now or tz.now()
    area = Q(area=PublicationArea.ALL) | Q(area=PublicationArea.COMPANY, company_id__in=list(company_ids))
    area |= Q(area=PublicationArea.UNIT, unit_id__in=list(unit_ids))
    rows = Publication.objects.filter(area, status=PublicationStatus.PUBLISHED, published_at__lte=moment)
    return rows.select_related("unit", "company").order_by("-published_at", "-id")


def publication_area_label(publication: Publication) -> str:
    """Who a publication is for, in words: 全部地区, the company's name, the unit's name."""
    if publication.area == PublicationArea.UNIT and publication.unit is not None:
        return publication.unit.name
    if publication.area == PublicationArea.COMPANY and publication.company is not None:
        return publication.company.name
    return str(PublicationArea.ALL.label)


def publication_history(publication: Publication) -> QuerySet[PublicationEvent]:
    return publication.events.select_related("actor")
