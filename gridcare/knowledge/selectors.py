"""The knowledge base's reads (SELF-1, SELF-4): lists, versions and their diff, the review
queue, suggestions while serving, the figures, and the energy-saving advice of a bill. Search
itself is ``gridcare.knowledge.search``; selectors never write (the search log is a service)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.billing import selectors as billing
from gridcare.billing.models import Bill, TariffKind, TierPeriod
from gridcare.core.exceptions import NotFound
from gridcare.customers.models import Account
from gridcare.knowledge import search as index
from gridcare.knowledge.access import article_filter, version_filter
from gridcare.knowledge.models import (
    Article,
    ArticleVersion,
    Audience,
    Category,
    Feedback,
    Kind,
    SearchLog,
    Tag,
    VersionStatus,
)
from gridcare.knowledge.rules.diff import DiffLine, diff_lines
from gridcare.knowledge.rules.usage import tier_reached, unusual_usage
from gridcare.org.access import Scope


def article_list(
    *, scope: Scope, kind: str = "", category_id: int | None = None, status: str = ""
) -> QuerySet[Article]:
    """The caller's articles, newest first (``status``: "draft" — not yet published; "published")."""
    rows = Article.objects.filter(article_filter(scope)).select_related("category", "published_version")
    if kind in Kind.values:
        rows = rows.filter(kind=kind)
    if category_id is not None:
        rows = rows.filter(category_id=category_id)
    if status == "published":
        rows = rows.filter(published_version__isnull=False)
    elif status == "draft":
        rows = rows.filter(published_version__isnull=True)
    return rows.order_by("-id")


def versions_of(*, scope: Scope, article: Article) -> QuerySet[ArticleVersion]:
    """The article's versions the caller may read, newest first."""
    return (
        ArticleVersion.objects.filter(version_filter(scope), article=article)
        .select_related("editor", "editor__staff", "reviewer", "reviewer__staff")
        .order_by("-number")
    )


def version_pair(
    *, scope: Scope, article: Article, older: int | None, newer: int | None
) -> tuple[ArticleVersion, ArticleVersion, list[DiffLine]] | None:
    """Two of the article's versions by number (the two latest the caller reads by default) and
    the diff from the older to the newer; None when there are not two."""
    versions = {v.number: v for v in versions_of(scope=scope, article=article)}
    numbers = sorted(versions)
    if len(numbers) < 2:
        return None
    new = versions.get(newer) if newer is not None else versions[numbers[-1]]
    old = versions.get(older) if older is not None else None
    if new is None:
        return None
    if old is None:
        below = [n for n in numbers if n < new.number]
        if not below:
            return None
        old = versions[below[-1]]
    return old, new, diff_lines(f"{old.title}\n\n{old.body}", f"{new.title}\n\n{new.body}")


def review_queue(*, scope: Scope) -> QuerySet[ArticleVersion]:
    """Versions waiting for review in the caller's reach, oldest first."""
    return (
        ArticleVersion.objects.filter(version_filter(scope), status=VersionStatus.IN_REVIEW)
        .select_related("article", "editor", "editor__staff")
        .order_by("submitted_at", "pk")
    )


def category_choices(*, company_id: int | None) -> list[tuple[int, str]]:
    """The live categories an article may be filed under (retired ones are not offered)."""
    rows = Category.objects.filter(retired_at__isnull=True)
    if company_id is not None:
        rows = rows.filter(company_id=company_id)
    return [(c.pk, c.name) for c in rows.order_by("position", "code")]


def category_list(*, company_id: int, retired: bool = False) -> QuerySet[Category]:
    """The company's categories in their order, each with how many articles are filed under it
    (``articles``); the retired ones after the live ones when ``retired``."""
    rows = Category.objects.filter(company_id=company_id).annotate(articles_count=Count("articles"))
    if not retired:
        rows = rows.filter(retired_at__isnull=True)
    return rows.order_by(F("retired_at").asc(nulls_first=True), "position", "code")


def tags_of(article: Article) -> list[str]:
    return [t.name for t in article.tags.order_by("name")]


def known_tags(*, company_id: int) -> QuerySet[Tag]:
    return Tag.objects.filter(company_id=company_id).order_by("name")


@dataclass(frozen=True)
class FeedbackCounts:
    helpful: int
    unhelpful: int


def feedback_counts(article: Article) -> FeedbackCounts:
    counts = Feedback.objects.filter(article=article).aggregate(
        yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False))
    )
    return FeedbackCounts(helpful=counts["yes"], unhelpful=counts["no"])


def my_feedback(article: Article, *, user_id: int | None = None, customer_id: int | None = None) -> bool | None:
    """What this person said of the article (None: nothing yet)."""
    rows = Feedback.objects.filter(article=article)
    rows = rows.filter(user_id=user_id) if user_id is not None else rows.filter(customer_id=customer_id)
    found = rows.values_list("helpful", flat=True).first()
    return found


def in_force(on: date, prefix: str = "") -> Q:
    """Articles effective ``on`` and not yet expired."""
    return (Q(**{f"{prefix}effective_from__isnull": True}) | Q(**{f"{prefix}effective_from__lte": on})) & (
        Q(**{f"{prefix}expires_on__isnull": True}) | Q(**{f"{prefix}expires_on__gt": on})
    )


def public_article(*, article_id: int, on: date, companies: Sequence[int] | None = None) -> Article:
    """A published public article in force, for the customer portal's help (of ``companies``:
    the customer's, gridcare.knowledge.portal_reach; None: any company's): internal, expired,
    not yet effective and other companies' ones are the same 404 as a missing one."""
    rows = Article.objects.filter(
        in_force(on), pk=article_id, audience=Audience.PUBLIC, published_version__isnull=False
    )
    if companies is not None:
        rows = rows.filter(company_id__in=list(companies))
    article = rows.select_related("category", "published_version").first()
    if article is None:
        raise NotFound(_("未找到这篇帮助文章。"))
    return article


def public_articles(
    *, on: date, kinds: Sequence[str] = (), limit: int = 30, companies: Sequence[int] | None = None
) -> list[Article]:
    """Published public articles in force (the portal help's front page) of ``companies`` (None:
    any company's), most read first."""
    rows = Article.objects.filter(in_force(on), audience=Audience.PUBLIC, published_version__isnull=False)
    if companies is not None:
        rows = rows.filter(company_id__in=list(companies))
    if kinds:
        rows = rows.filter(kind__in=list(kinds))
    return list(rows.select_related("category").order_by("-views", "pk")[:limit])


# -- suggestions while serving (the 95598 intake, the counter console) --------------------------
HALL_WORDS = {
    "payment": "缴费 交费 电费 预存 发票",
    "new_connection": "新装 增容 业扩报装 装表接电",
    "account_change": "过户 更名 销户 暂停 改类 变更",
    "consultation": "电价 阶梯电价 峰谷电价 电费单 咨询",
    "invoice": "发票 电子发票 票据 缴费凭证",
    "meter_test": "校表 电能表 电表 走字快",
    "complaint": "投诉 意见 致歉 安抚",
    "key_account": "大客户 两部制 基本电费 力调电费 功率因数",
}


def suggest(
    text: str,
    *,
    audience: str = Audience.INTERNAL,
    kinds: Sequence[str] = (Kind.SCRIPT, Kind.FAQ),
    limit: int = 5,
    company_id: int | None = None,
    on: date | None = None,
) -> list[index.Result]:
    """The scripts and FAQs most relevant to ``text`` (what an agent is typing, or a ticket's
    business type words), best first; ``audience`` "internal" (staff) or "public". Nothing logged."""
    if not text.strip():
        return []
    found = index.search(
        text[: index.MAX_QUERY * 5],
        company_id=company_id,
        internal=audience == Audience.INTERNAL,
        on=on or timezone.localdate(),
        kinds=list(kinds),
        limit=max(1, min(limit, 20)),
    )
    return found.items


def suggestion_limit() -> int:
    return int(settings.GRIDCARE_KNOWLEDGE["SUGGESTIONS"])


# -- figures --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class QueryCount:
    query: str
    times: int


@dataclass(frozen=True)
class ArticleFigure:
    article: Article
    helpful: int
    unhelpful: int


@dataclass(frozen=True)
class Figures:
    since: date
    searches: int
    no_hit: int
    no_hit_queries: list[QueryCount]
    top_queries: list[QueryCount]
    most_used: list[Article]
    most_helpful: list[ArticleFigure]
    by_channel: dict[str, int]


def figures(*, scope: Scope, days: int = 30, today: date | None = None, top: int = 20) -> Figures:
    """The searches of the last ``days`` days in the caller's company, the queries that found
    nothing (most asked first), and the most read and most helpful articles."""
    today = today or timezone.localdate()
    since = today - timedelta(days=days - 1)
    logs = SearchLog.objects.filter(at__date__gte=since)
    if not scope.everything:
        logs = logs.filter(Q(company_id=scope.company_id) | Q(company__isnull=True))
    totals = logs.aggregate(all=Count("pk"), none=Count("pk", filter=Q(hits=0)))
    by_channel = {r["channel"]: r["n"] for r in logs.values("channel").annotate(n=Count("pk")).order_by()}

    def counted(rows: QuerySet[SearchLog]) -> list[QueryCount]:
        grouped = rows.values("query").annotate(n=Count("pk")).order_by("-n", "query")[:top]
        return [QueryCount(r["query"], r["n"]) for r in grouped]

    articles = Article.objects.filter(article_filter(scope), published_version__isnull=False)
    helpful = articles.annotate(
        yes=Count("feedback", filter=Q(feedback__helpful=True)), no=Count("feedback", filter=Q(feedback__helpful=False))
    ).filter(yes__gt=0)
    return Figures(
        since=since,
        searches=totals["all"],
        no_hit=totals["none"],
        no_hit_queries=counted(logs.filter(hits=0)),
        top_queries=counted(logs),
        most_used=list(articles.order_by("-views", "-inserts", "pk")[:top]),
        most_helpful=[ArticleFigure(a, a.yes, a.no) for a in helpful.order_by("-yes", "no", "pk")[:top]],
        by_channel=by_channel,
    )


# -- energy-saving advice on a bill (SELF-4) ------------------------------------------------------
ADVICE_TAG = "节电"


@dataclass(frozen=True)
class UsageAdvice:
    reason: str
    articles: list[Article]


def _last_year(period: str) -> str:
    return f"{int(period[:4]) - 1:04d}{period[4:]}"


def _tier_reached(bill: Bill) -> int | None:
    t = bill.tariff
    if t.kind != TariffKind.TIERED or t.tier1_kwh is None or t.tier2_kwh is None:
        return None
    thresholds = (t.tier1_kwh, t.tier2_kwh)
    return tier_reached(bill.kwh, bill.prior_kwh, thresholds, yearly=t.tier_period == TierPeriod.YEARLY)


def advice_articles(*, public: bool, company_id: int | None, on: date, limit: int = 3) -> list[Article]:
    """The published energy-saving articles in force (tagged 节电), the most read first."""
    rows = Article.objects.filter(
        in_force(on),
        published_version__isnull=False,
        tags__name=ADVICE_TAG,
    )
    if public:
        rows = rows.filter(audience=Audience.PUBLIC)
    if company_id is not None:
        rows = rows.filter(company_id=company_id)
    return list(rows.distinct().order_by("-views", "pk")[:limit])


def bill_advice(*, account: Account, period: str, public: bool, on: date | None = None) -> UsageAdvice | None:
    """The energy-saving advice for the account's bill of ``period`` when its usage is unusual
    (well above the same month last year, or reaching tier 3); None otherwise. Bills are read
    through billing's selectors."""
    bill = billing.account_bill(account=account, period=period)
    if bill is None:
        return None
    last = billing.account_bill(account=account, period=_last_year(period))
    conf = settings.GRIDCARE_KNOWLEDGE
    reason = unusual_usage(
        Decimal(bill.kwh),
        Decimal(last.kwh) if last is not None else None,
        _tier_reached(bill),
        threshold_percent=int(conf["UNUSUAL_USAGE_PERCENT"]),
        top_tier=int(conf["UNUSUAL_USAGE_TIER"]),
    )
    if reason is None:
        return None
    company_id = account.supply_unit.company_id
    return UsageAdvice(
        reason=reason,
        articles=advice_articles(public=public, company_id=company_id, on=on or timezone.localdate()),
    )


def latest_period(account: Account) -> str | None:
    """The account's latest billed period (the staff bill page's advice is about it)."""
    first = billing.bill_history(account=account).values_list("period", flat=True).first()
    return str(first) if first else None
